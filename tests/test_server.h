// The real dyadtone server, started in-process for a test on a free port:
// the engine with the shipped data, a SQLite store in a temporary file, the
// request log in a temporary file. Tests reach it over TCP at target().
// Used by the service tests (tests/server/) and the client tests
// (tests/client/).

#ifndef DYADTONE_TESTS_TEST_SERVER_H_
#define DYADTONE_TESTS_TEST_SERVER_H_

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/engine/engine.h"
#include "service/server/model_holder.h"
#include "service/server/request_log.h"
#include "service/server/server.h"
#include "service/engine/spec_reader.h"
#include "service/store/article_store.h"

namespace dyadtone {

class TestServer {
 public:
  // REQUIRES: `engine` outlives the server. `name` makes the store's file
  // unique. `options.listen` is ignored: a free loopback port is used.
  static absl::StatusOr<std::unique_ptr<TestServer>> Start(
      const Engine* engine, const std::string& name,
      ServerOptions options = ServerOptions()) {
    // Not owned: the aliasing constructor with an empty owner.
    std::shared_ptr<const Engine> unowned(std::shared_ptr<const Engine>(),
                                          engine);
    return Start(std::make_unique<ModelHolder>(EngineOptions(), unowned), name,
                 options);
  }

  // Serves the engines of `models` (which a test may reload).
  static absl::StatusOr<std::unique_ptr<TestServer>> Start(
      std::unique_ptr<ModelHolder> models, const std::string& name,
      ServerOptions options = ServerOptions(),
      ToneServiceOptions service_options = ToneServiceOptions()) {
    std::unique_ptr<TestServer> t(new TestServer());
    t->models_ = std::move(models);
    t->db_path_ = absl::StrCat(::testing::TempDir(), "dyadtone_", name, ".db");
    t->log_path_ = t->db_path_ + ".log.jsonl";
    t->RemoveDb();
    absl::StatusOr<std::unique_ptr<ArticleStore>> store =
        OpenStore("sqlite:" + t->db_path_);
    if (!store.ok()) return store.status();
    t->store_ = *std::move(store);
    t->log_file_ = std::fopen(t->log_path_.c_str(), "w");
    if (t->log_file_ == nullptr) {
      return absl::InternalError(absl::StrCat("cannot write ", t->log_path_));
    }
    t->log_ = std::make_unique<RequestLog>(t->log_file_);
    options.listen = "127.0.0.1:0";
    absl::StatusOr<std::unique_ptr<DyadtoneServer>> server =
        DyadtoneServer::Start(options, t->models_.get(), t->store_.get(),
                              t->log_.get(), std::move(service_options));
    if (!server.ok()) return server.status();
    t->server_ = *std::move(server);
    return t;
  }

  ~TestServer() {
    server_.reset();
    store_.reset();
    log_.reset();
    if (log_file_ != nullptr) std::fclose(log_file_);
    RemoveDb();
    std::filesystem::remove(log_path_);
  }

  // "127.0.0.1:PORT".
  std::string target() const {
    return absl::StrCat("127.0.0.1:", server_->port());
  }
  DyadtoneServer* server() { return server_.get(); }
  ModelHolder* models() { return models_.get(); }
  // The SQLite file behind the store.
  const std::string& db_path() const { return db_path_; }
  // Everything the request log wrote so far.
  std::string LogText() {
    std::fflush(log_file_);
    std::string text;
    EXPECT_TRUE(ReadFileToString(log_path_, &text).ok());
    return text;
  }

 private:
  TestServer() = default;

  void RemoveDb() {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(db_path_ + suffix);
    }
  }

  std::string db_path_;
  std::string log_path_;
  std::unique_ptr<ModelHolder> models_;
  std::unique_ptr<ArticleStore> store_;
  std::FILE* log_file_ = nullptr;
  std::unique_ptr<RequestLog> log_;
  std::unique_ptr<DyadtoneServer> server_;
};

// One engine for every test in a binary: loading the data takes a moment and
// an Engine is immutable.
inline const Engine* SharedTestEngine() {
  static const Engine* engine = [] {
    absl::StatusOr<std::unique_ptr<const Engine>> e =
        Engine::Create(EngineOptions());
    if (!e.ok()) {
      ADD_FAILURE() << e.status();
      return static_cast<const Engine*>(nullptr);
    }
    return e->release();
  }();
  return engine;
}

}  // namespace dyadtone

#endif  // DYADTONE_TESTS_TEST_SERVER_H_
