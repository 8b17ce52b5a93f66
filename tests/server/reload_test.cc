// Hot reload of the data files: ModelHolder on its own, and AdminService's
// ReloadData through a real channel to a real in-process server. The files
// are copies of the shipped lexicon and gazetteer in a temporary directory,
// edited by the tests.

#include "service/server/model_holder.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_replace.h"
#include "dyadtone/v1/admin_service.grpc.pb.h"
#include "dyadtone/v1/tone_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "service/engine/engine.h"
#include "service/server/auth.h"
#include "tests/test_server.h"
#include "tests/test_util.h"

namespace dyadtone {
namespace {

using ::testing::HasSubstr;

constexpr char kArticle[] =
    "date 2023-04-03\n\n"
    "Pakistan and the United States reaffirmed their commitment to deepen "
    "ties. Islamabad values its friendship with Washington.\n";

// The shipped data files, copied to a directory of the test's own, with a
// version of our choosing.
class DataFiles {
 public:
  DataFiles() {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("dyadtone_reload_" +
            std::string(::testing::UnitTest::GetInstance()
                            ->current_test_info()
                            ->name()));
    std::filesystem::create_directories(dir_);
    lexicon_ = ReadTestFile(DefaultLexiconPath());
    gazetteer_ = ReadTestFile(DefaultGazetteerPath());
    SetLexiconVersion("test.1");
    Write(gazetteer_path(), gazetteer_);
  }
  ~DataFiles() { std::filesystem::remove_all(dir_); }

  std::string lexicon_path() const { return (dir_ / "lexicon.txt").string(); }
  std::string gazetteer_path() const {
    return (dir_ / "gazetteer.txt").string();
  }
  EngineOptions options() const {
    EngineOptions o;
    o.lexicon_path = lexicon_path();
    o.gazetteer_path = gazetteer_path();
    return o;
  }

  // The shipped lexicon with its @version line replaced.
  void SetLexiconVersion(const std::string& version) {
    const size_t end = lexicon_.find('\n');
    ASSERT_EQ(lexicon_.compare(0, 9, "@version "), 0);
    Write(lexicon_path(), "@version " + version + lexicon_.substr(end));
  }
  // A lexicon whose line 3 has a weight that is not a number.
  void BreakLexicon() {
    Write(lexicon_path(),
          "@version broken\n[signals]\n notanumber VCOOP praise+\n");
  }
  void BreakGazetteer() {
    Write(gazetteer_path(), gazetteer_ + "\nnonsense line without a kind\n");
  }

  static void Write(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    ASSERT_TRUE(out.good()) << path;
  }

 private:
  std::filesystem::path dir_;
  std::string lexicon_;
  std::string gazetteer_;
};

std::string LexiconVersionOf(const Engine& engine) {
  return engine.info().lexicon_version;
}

TEST(ModelHolderTest, ACallKeepsItsEngineAcrossAReload) {
  DataFiles files;
  absl::StatusOr<std::unique_ptr<ModelHolder>> models =
      ModelHolder::Load(files.options());
  ASSERT_THAT(models, IsOk());
  // A call in flight holds this snapshot.
  const std::shared_ptr<const Engine> in_flight = (*models)->Get();
  ASSERT_EQ(LexiconVersionOf(*in_flight), "test.1");

  files.SetLexiconVersion("test.2");
  absl::StatusOr<ModelHolder::Reloaded> reloaded = (*models)->Reload();
  ASSERT_THAT(reloaded, IsOk());
  EXPECT_EQ(reloaded->before.lexicon_version, "test.1");
  EXPECT_EQ(reloaded->after.lexicon_version, "test.2");
  EXPECT_EQ(LexiconVersionOf(*(*models)->Get()), "test.2");

  // The old engine is still whole and still scores, with its own version.
  absl::StatusOr<ArticleResult> old = in_flight->Score(ArticleInput{kArticle});
  ASSERT_THAT(old, IsOk());
  EXPECT_EQ(old->lexicon_version, "test.1");
  ASSERT_TRUE(old->main_dyad.has_value());
  EXPECT_EQ(old->main_dyad->a, "PAK");
  absl::StatusOr<ArticleResult> fresh =
      (*models)->Get()->Score(ArticleInput{kArticle});
  ASSERT_THAT(fresh, IsOk());
  EXPECT_EQ(fresh->lexicon_version, "test.2");
}

TEST(ModelHolderTest, ABadFileKeepsTheEngineThatServes) {
  DataFiles files;
  absl::StatusOr<std::unique_ptr<ModelHolder>> models =
      ModelHolder::Load(files.options());
  ASSERT_THAT(models, IsOk());

  files.BreakLexicon();
  absl::StatusOr<ModelHolder::Reloaded> reloaded = (*models)->Reload();
  EXPECT_FALSE(reloaded.ok());
  EXPECT_THAT(std::string(reloaded.status().message()),
              HasSubstr(files.lexicon_path() + ":3:"));
  EXPECT_EQ(LexiconVersionOf(*(*models)->Get()), "test.1");

  files.SetLexiconVersion("test.1");
  files.BreakGazetteer();
  reloaded = (*models)->Reload();
  EXPECT_FALSE(reloaded.ok());
  EXPECT_THAT(std::string(reloaded.status().message()),
              HasSubstr(files.gazetteer_path() + ":"));
  EXPECT_EQ(LexiconVersionOf(*(*models)->Get()), "test.1");
}

TEST(ModelHolderTest, LoadNamesTheBadFileAndLine) {
  DataFiles files;
  files.BreakLexicon();
  absl::StatusOr<std::unique_ptr<ModelHolder>> models =
      ModelHolder::Load(files.options());
  EXPECT_FALSE(models.ok());
  EXPECT_THAT(std::string(models.status().message()),
              HasSubstr(files.lexicon_path() + ":3:"));
}

class ReloadDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<ModelHolder>> models =
        ModelHolder::Load(files_.options());
    ASSERT_THAT(models, IsOk());
    auto server = TestServer::Start(
        *std::move(models),
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
    auto channel = grpc::CreateChannel(server_->target(),
                                       grpc::InsecureChannelCredentials());
    tone_ = v1::ToneService::NewStub(channel);
    admin_ = v1::AdminService::NewStub(channel);
  }

  grpc::Status Reload(v1::ReloadDataResponse* response) {
    grpc::ClientContext ctx;
    return admin_->ReloadData(&ctx, v1::ReloadDataRequest(), response);
  }

  std::string ScoredLexiconVersion() {
    grpc::ClientContext ctx;
    v1::ScoreArticleRequest request;
    request.mutable_article()->set_text(kArticle);
    v1::ScoreArticleResponse response;
    const grpc::Status s = tone_->ScoreArticle(&ctx, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response.score().lexicon_version();
  }

  void Ingest(const std::string& id) {
    grpc::ClientContext ctx;
    v1::IngestArticlesResponse response;
    auto writer = tone_->IngestArticles(&ctx, &response);
    v1::IngestArticlesRequest request;
    request.mutable_article()->set_id(id);
    request.mutable_article()->set_text(kArticle);
    ASSERT_TRUE(writer->Write(request));
    writer->WritesDone();
    const grpc::Status s = writer->Finish();
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_EQ(response.stored(), 1);
  }

  std::string StoredLexiconVersion(const std::string& id) {
    grpc::ClientContext ctx;
    v1::GetArticleRequest request;
    request.set_id(id);
    v1::GetArticleResponse response;
    const grpc::Status s = tone_->GetArticle(&ctx, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response.score().lexicon_version();
  }

  DataFiles files_;
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<v1::ToneService::Stub> tone_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
};

TEST_F(ReloadDataTest, NewCallsUseTheNewDataAndStoredScoresKeepTheirs) {
  Ingest("before");
  ASSERT_EQ(ScoredLexiconVersion(), "test.1");

  files_.SetLexiconVersion("test.2");
  v1::ReloadDataResponse response;
  const grpc::Status s = Reload(&response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(response.previous().lexicon_version(), "test.1");
  EXPECT_EQ(response.current().lexicon_version(), "test.2");
  EXPECT_TRUE(response.changed());
  EXPECT_EQ(response.current().gazetteer_fingerprint(),
            response.previous().gazetteer_fingerprint());

  EXPECT_EQ(ScoredLexiconVersion(), "test.2");
  Ingest("after");
  EXPECT_EQ(StoredLexiconVersion("before"), "test.1");
  EXPECT_EQ(StoredLexiconVersion("after"), "test.2");

  // Reloading unchanged files says so.
  ASSERT_TRUE(Reload(&response).ok());
  EXPECT_FALSE(response.changed());
}

TEST_F(ReloadDataTest, ABadFileIsRefusedAndTheOldDataKeepsServing) {
  files_.BreakLexicon();
  v1::ReloadDataResponse response;
  const grpc::Status s = Reload(&response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(),
              HasSubstr("reload failed, still serving lexicon test.1"));
  EXPECT_THAT(s.error_message(), HasSubstr(files_.lexicon_path() + ":3:"));
  EXPECT_EQ(ScoredLexiconVersion(), "test.1");
  EXPECT_THAT(server_->LogText(), HasSubstr("\"msg\":\"reload failed\""));
}

// With tokens on, a reload is a write: it needs a token.
TEST(ReloadDataAuthTest, ReloadNeedsAToken) {
  DataFiles files;
  absl::StatusOr<std::unique_ptr<ModelHolder>> models =
      ModelHolder::Load(files.options());
  ASSERT_THAT(models, IsOk());
  const std::string token = "reload-test-token-0123456789";
  absl::StatusOr<std::unique_ptr<const TokenAuthorizer>> authorizer =
      TokenAuthorizer::FromText(token + "\n", "tokens", ReadAccess::kOpen);
  ASSERT_THAT(authorizer, IsOk());
  ToneServiceOptions service_options;
  service_options.tokens =
      std::make_shared<TokenHolder>("tokens", *std::move(authorizer));
  auto server = TestServer::Start(*std::move(models), "reload_auth",
                                  ServerOptions(), service_options);
  ASSERT_THAT(server, IsOk());
  auto admin = v1::AdminService::NewStub(grpc::CreateChannel(
      (*server)->target(), grpc::InsecureChannelCredentials()));
  v1::ReloadDataResponse response;
  grpc::ClientContext anonymous;
  const grpc::Status refused =
      admin->ReloadData(&anonymous, v1::ReloadDataRequest(), &response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(refused.error_message(), "missing authorization: Bearer metadata");
  grpc::ClientContext with_token;
  with_token.AddMetadata("authorization", "Bearer " + token);
  const grpc::Status ok =
      admin->ReloadData(&with_token, v1::ReloadDataRequest(), &response);
  EXPECT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(response.current().lexicon_version(), "test.1");
}

}  // namespace
}  // namespace dyadtone
