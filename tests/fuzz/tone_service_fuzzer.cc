// Fuzzes the request handlers of ToneServiceImpl in-process: the input is a
// ServiceCalls message (service_calls.proto), a sequence of requests made on
// a fresh SQLite store in a temporary directory. Unary calls go straight to
// the handler methods (ScoreArticle's and GetTrend's work through their
// Handle* methods); an IngestArticles stream goes through an in-process
// gRPC channel, since its handler reads from a real grpc::ServerReader.
//
// Besides "no crash, no leak, no sanitizer report" it checks the handlers'
// contracts: only the status codes a client can act on (never INTERNAL,
// UNKNOWN, UNAVAILABLE or DATA_LOSS from a healthy store), one ingest result
// per message with consistent counters, every accepted article readable
// back, the stored count as the number of distinct accepted ids, and tones
// and spans within their ranges.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "dyadtone/v1/tone_service.grpc.pb.h"
#include "google/protobuf/stubs/logging.h"
#include "grpcpp/grpcpp.h"
#include "service/engine/engine.h"
#include "service/server/model_holder.h"
#include "service/server/request_log.h"
#include "service/server/tone_service.h"
#include "service/store/article_store.h"
#include "service_calls.pb.h"
#include "tests/fuzz/fuzz_checks.h"

namespace dyadtone {
namespace {

// Bounds on the work of one input, so that one input stays fast.
constexpr int kMaxCalls = 12;
constexpr int kMaxStreamMessages = 12;

// Hands IngestArticles streams to the ToneServiceImpl of the current input,
// so that the real handler reads a real stream while every input gets a
// fresh store and service.
class IngestRouter final
    : public WithRawSyncMethod_IngestArticles<IngestRouter,
                                              v1::ToneService::Service> {
 public:
  void set_target(ToneServiceImpl* target) {
    absl::MutexLock lock(&mu_);
    target_ = target;
  }

  grpc::Status IngestArticlesRaw(grpc::ServerContext* context,
                                 grpc::ServerReader<grpc::ByteBuffer>* reader,
                                 grpc::ByteBuffer* response) {
    ToneServiceImpl* target;
    {
      absl::MutexLock lock(&mu_);
      target = target_;
    }
    FUZZ_CHECK(target != nullptr, "a stream outside an input");
    return target->IngestArticlesRaw(context, reader, response);
  }

 private:
  absl::Mutex mu_;
  ToneServiceImpl* target_ ABSL_GUARDED_BY(mu_) = nullptr;
};

void CheckCode(const grpc::Status& s, absl::string_view call,
               std::initializer_list<grpc::StatusCode> allowed) {
  for (grpc::StatusCode c : allowed) {
    if (s.error_code() == c) {
      if (!s.ok()) FUZZ_CHECK(!s.error_message().empty(), call);
      return;
    }
  }
  FUZZ_CHECK(false, call, " returned ", s.error_code(), ": ",
             s.error_message());
}

bool InSpan(const v1::Span& span, size_t text_size) {
  return span.begin() <= span.end() && span.end() <= text_size;
}

void CheckScore(const v1::ArticleScore& score, size_t text_size) {
  for (const v1::DyadTone& d : score.dyads()) {
    FUZZ_CHECK(std::isfinite(d.tone()) && d.tone() > -1 && d.tone() < 1,
               d.dyad().a(), "-", d.dyad().b(), " tone ", d.tone());
    for (int i : d.evidence()) {
      FUZZ_CHECK(i >= 0 && i < score.evidence_size(), "evidence ", i);
    }
  }
  for (const v1::Evidence& e : score.evidence()) {
    FUZZ_CHECK(InSpan(e.span(), text_size) &&
                   InSpan(e.sentence_span(), text_size),
               e.pattern());
  }
  for (const v1::ActorMentions& a : score.actors()) {
    FUZZ_CHECK(InSpan(a.first(), text_size), a.code());
  }
  FUZZ_CHECK(InSpan(score.date_span(), text_size), "date span");
}

class Harness {
 public:
  Harness() {
    const char* tmp = std::getenv("TMPDIR");
    std::string dir = absl::StrCat(tmp != nullptr && *tmp ? tmp : "/tmp",
                                   "/dyadtone_fuzz_XXXXXX");
    if (mkdtemp(dir.data()) == nullptr) Die("mkdtemp " + dir);
    temp_dir_ = new std::string(dir);
    std::atexit([] { std::filesystem::remove_all(*temp_dir_); });
    db_path_ = dir + "/store.db";
    absl::StatusOr<std::unique_ptr<ModelHolder>> models =
        ModelHolder::Load(EngineOptions());
    if (!models.ok()) Die(models.status().ToString());
    models_ = *std::move(models);
    log_file_ = std::fopen("/dev/null", "w");
    if (log_file_ == nullptr) Die("cannot open /dev/null");
    log_ = std::make_unique<RequestLog>(log_file_);
    grpc::ServerBuilder builder;
    builder.RegisterService(&router_);
    server_ = builder.BuildAndStart();
    if (server_ == nullptr) Die("the in-process server did not start");
    stub_ = v1::ToneService::NewStub(
        server_->InProcessChannel(grpc::ChannelArguments()));
  }

  void Run(const fuzz::ServiceCalls& calls) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(db_path_ + suffix);
    }
    absl::StatusOr<std::unique_ptr<ArticleStore>> store =
        OpenStore("sqlite:" + db_path_);
    if (!store.ok()) Die(store.status().ToString());
    ToneServiceOptions options;
    options.ingest_batch = 3;  // several commits in one stream
    ToneServiceImpl service(models_.get(), store->get(), log_.get(), options);
    router_.set_target(&service);
    std::set<std::string> stored_ids;
    for (int i = 0; i < calls.calls_size() && i < kMaxCalls; ++i) {
      Call(service, calls.calls(i), &stored_ids);
    }
    router_.set_target(nullptr);
  }

 private:
  [[noreturn]] static void Die(const std::string& why) {
    std::fprintf(stderr, "tone_service_fuzzer: %s\n", why.c_str());
    std::abort();
  }

  void Call(ToneServiceImpl& service, const fuzz::Call& call,
            std::set<std::string>* stored_ids) {
    grpc::ServerContext context;
    switch (call.call_case()) {
      case fuzz::Call::kScoreArticle: {
        std::string bytes;
        const grpc::Status s =
            service.HandleScoreArticle(&context, call.score_article(), &bytes);
        CheckCode(s, "ScoreArticle",
                  {grpc::StatusCode::OK, grpc::StatusCode::INVALID_ARGUMENT,
                   grpc::StatusCode::RESOURCE_EXHAUSTED});
        v1::ScoreArticleResponse response;
        if (s.ok() && !response.ParseFromString(bytes)) {
          Die("ScoreArticle: the response does not parse");
        }
        if (s.ok()) {
          CheckScore(response.score(),
                     call.score_article().article().text().size());
        }
        break;
      }
      case fuzz::Call::kIngestArticles:
        Ingest(service, call.ingest_articles(), stored_ids);
        break;
      case fuzz::Call::kGetTrend: {
        v1::GetTrendResponse response;
        const grpc::Status s =
            service.HandleGetTrend(&context, call.get_trend(), &response);
        CheckCode(s, "GetTrend",
                  {grpc::StatusCode::OK, grpc::StatusCode::INVALID_ARGUMENT,
                   grpc::StatusCode::RESOURCE_EXHAUSTED});
        for (const v1::TrendPoint& p : response.points()) {
          FUZZ_CHECK(p.article_count() >= 0, p.period_start());
          FUZZ_CHECK(std::isfinite(p.mean_tone()) && p.mean_tone() > -1 &&
                         p.mean_tone() < 1,
                     p.period_start(), " mean ", p.mean_tone());
        }
        break;
      }
      case fuzz::Call::kListDyads: {
        v1::ListDyadsResponse response;
        const grpc::Status s =
            service.ListDyads(&context, &call.list_dyads(), &response);
        CheckCode(s, "ListDyads",
                  {grpc::StatusCode::OK, grpc::StatusCode::INVALID_ARGUMENT});
        for (const v1::DyadSummary& d : response.dyads()) {
          FUZZ_CHECK(d.article_count() > 0 && d.mean_tone() > -1 &&
                         d.mean_tone() < 1,
                     d.dyad().a(), "-", d.dyad().b());
        }
        break;
      }
      case fuzz::Call::kGetArticle: {
        v1::GetArticleResponse response;
        const grpc::Status s =
            service.HandleGetArticle(&context, call.get_article(), &response);
        CheckCode(s, "GetArticle",
                  {grpc::StatusCode::OK, grpc::StatusCode::INVALID_ARGUMENT,
                   grpc::StatusCode::NOT_FOUND});
        FUZZ_CHECK(s.ok() == (stored_ids->count(call.get_article().id()) > 0),
                   "GetArticle(\"", call.get_article().id(), "\"): ",
                   s.error_message());
        break;
      }
      case fuzz::Call::kGetServerInfo: {
        v1::GetServerInfoResponse response;
        const grpc::Status s = service.GetServerInfo(
            &context, &call.get_server_info(), &response);
        CheckCode(s, "GetServerInfo", {grpc::StatusCode::OK});
        FUZZ_CHECK(response.stored_articles() ==
                       static_cast<int64_t>(stored_ids->size()),
                   response.stored_articles(), " stored, ",
                   stored_ids->size(), " accepted");
        break;
      }
      case fuzz::Call::CALL_NOT_SET:
        break;
    }
  }

  void Ingest(ToneServiceImpl& service, const fuzz::IngestStream& stream,
              std::set<std::string>* stored_ids) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(60));
    v1::IngestArticlesResponse response;
    std::unique_ptr<grpc::ClientWriter<v1::IngestArticlesRequest>> writer =
        stub_->IngestArticles(&context, &response);
    int sent = 0;
    for (; sent < stream.requests_size() && sent < kMaxStreamMessages;
         ++sent) {
      FUZZ_CHECK(writer->Write(stream.requests(sent)), "stream broken at ",
                 sent);
    }
    writer->WritesDone();
    const grpc::Status s = writer->Finish();
    CheckCode(s, "IngestArticles", {grpc::StatusCode::OK});
    FUZZ_CHECK(response.results_size() == sent, response.results_size(),
               " results for ", sent, " messages");
    FUZZ_CHECK(response.stored() + response.unchanged() + response.replaced() +
                       response.rejected() ==
                   sent,
               "counters");
    for (int i = 0; i < response.results_size(); ++i) {
      const v1::IngestResult& r = response.results(i);
      FUZZ_CHECK(r.index() == i && r.id() == stream.requests(i).article().id(),
                 "result ", i);
      if (r.outcome() == v1::IngestResult::OUTCOME_REJECTED) {
        FUZZ_CHECK(!r.error().empty(), "rejected without a reason");
        continue;
      }
      FUZZ_CHECK(r.outcome() != v1::IngestResult::OUTCOME_UNSPECIFIED,
                 "result ", i, " has no outcome");
      stored_ids->insert(r.id());
    }
    // Every accepted article reads back, with a score that parses.
    for (const std::string& id : *stored_ids) {
      grpc::ServerContext get_context;
      v1::GetArticleRequest request;
      request.set_id(id);
      v1::GetArticleResponse article;
      const grpc::Status got =
          service.HandleGetArticle(&get_context, request, &article);
      CheckCode(got, "GetArticle after IngestArticles", {grpc::StatusCode::OK});
      FUZZ_CHECK(article.score().id() == id, "stored under \"", id,
                 "\", read back as \"", article.score().id(), "\"");
    }
  }

  // Removed at exit; a crash leaves it for the post-mortem.
  static inline std::string* temp_dir_ = nullptr;
  std::string db_path_;
  std::unique_ptr<ModelHolder> models_;
  std::FILE* log_file_ = nullptr;
  std::unique_ptr<RequestLog> log_;
  IngestRouter router_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::ToneService::Stub> stub_;
};

}  // namespace
}  // namespace dyadtone

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  (void)argc;
  (void)argv;
  // Most mutated inputs put invalid UTF-8 in a string field; protobuf logs
  // each such parse failure, and the fuzzer skips the input anyway.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Made once and never destroyed: the in-process server's threads live as
  // long as the fuzzer.
  static dyadtone::Harness* const harness = new dyadtone::Harness();
  dyadtone::fuzz::ServiceCalls calls;
  if (!calls.ParseFromArray(data, static_cast<int>(size))) return 0;
  harness->Run(calls);
  return 0;
}
