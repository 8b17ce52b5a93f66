// load_generator: drives a running dyadtoned over gRPC with an async client
// and reports throughput and latency percentiles.
//
//   load_generator --target=127.0.0.1:50051 --method=score \
//       --concurrency=32 --seconds=10 --corpus=examples/articles
//
// Methods: score (ScoreArticle with the corpus's articles in turn), health
// (grpc.health.v1 Check: the no-op baseline of what gRPC itself can do on
// this machine), trend (GetTrend PAK-USA by day over ten years), ingest
// (IngestArticles streams of --batch articles with fresh ids). --qps caps
// the request rate (open loop) to measure latency below saturation. Loops
// are bounded by --seconds and stop by themselves.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "dyadtone/v1/tone_service.grpc.pb.h"
#include "google/protobuf/arena.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "service/engine/spec_reader.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "the server");
ABSL_FLAG(std::string, method, "score", "score, health, trend or ingest");
ABSL_FLAG(int, concurrency, 16, "calls in flight");
ABSL_FLAG(double, seconds, 5, "how long to send (bounded)");
ABSL_FLAG(double, qps, 0, "cap on calls per second (0: as fast as possible)");
ABSL_FLAG(std::string, corpus, "examples/articles", "folder of articles");
ABSL_FLAG(int, batch, 100, "articles per ingest stream");
ABSL_FLAG(bool, json, false, "print one JSON object");
ABSL_FLAG(bool, omit_evidence, false,
          "score: ask for the scores without the evidence list");

namespace {

using Clock = std::chrono::steady_clock;
namespace v1 = dyadtone::v1;
namespace health = grpc::health::v1;

std::vector<std::string> LoadCorpus(const std::string& dir) {
  std::vector<std::string> paths, texts;
  std::error_code error;
  for (std::filesystem::directory_iterator it(dir, error), end;
       !error && it != end; it.increment(error)) {
    if (it->is_regular_file()) paths.push_back(it->path().string());
  }
  std::sort(paths.begin(), paths.end());
  for (const std::string& p : paths) {
    std::string text;
    if (dyadtone::ReadFileToString(p, &text).ok()) texts.push_back(text);
  }
  return texts;
}

// One call in flight: owns its context, request and response.
struct Call {
  virtual ~Call() = default;
  Clock::time_point start;
  grpc::ClientContext context;
  grpc::Status status;
};

// A unary call whose request and response live on an arena of its own, as
// a lean client would have them: parsing a response with its evidence then
// costs no heap allocation per field, and the generator takes less of the
// CPU it shares with the server.
template <typename Request, typename Response>
struct UnaryCall : Call {
  google::protobuf::Arena arena;
  Request& request = *google::protobuf::Arena::CreateMessage<Request>(&arena);
  Response& response =
      *google::protobuf::Arena::CreateMessage<Response>(&arena);
  std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> reader;
};
using ScoreCall = UnaryCall<v1::ScoreArticleRequest, v1::ScoreArticleResponse>;
using HealthCall =
    UnaryCall<health::HealthCheckRequest, health::HealthCheckResponse>;
using TrendCall = UnaryCall<v1::GetTrendRequest, v1::GetTrendResponse>;

class Driver {
 public:
  Driver(std::shared_ptr<grpc::Channel> channel, std::vector<std::string> corpus,
         bool omit_evidence)
      : tone_(v1::ToneService::NewStub(channel)),
        health_(health::Health::NewStub(channel)),
        corpus_(std::move(corpus)),
        omit_evidence_(omit_evidence) {}

  // Runs the unary load; returns latencies in microseconds.
  void RunUnary(const std::string& method, int concurrency, double seconds,
                double qps);
  // Runs ingest streams synchronously from `concurrency` threads.
  void RunIngest(int concurrency, double seconds, int batch);

  std::vector<double>& latencies() { return latencies_; }
  int64_t errors() const { return errors_; }
  int64_t items() const { return items_; }
  double elapsed() const { return elapsed_; }
  std::string first_error() const { return first_error_; }

 private:
  Call* Start(const std::string& method, grpc::CompletionQueue* cq);

  std::unique_ptr<v1::ToneService::Stub> tone_;
  std::unique_ptr<health::Health::Stub> health_;
  std::vector<std::string> corpus_;
  const bool omit_evidence_;  // for ScoreArticle
  size_t next_ = 0;
  std::vector<double> latencies_;
  int64_t errors_ = 0;
  int64_t items_ = 0;
  double elapsed_ = 0;
  std::string first_error_;
};

Call* Driver::Start(const std::string& method, grpc::CompletionQueue* cq) {
  const auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(30);
  if (method == "score") {
    auto* c = new ScoreCall();
    c->request.mutable_article()->set_text(corpus_[next_++ % corpus_.size()]);
    c->request.set_omit_evidence(omit_evidence_);
    c->context.set_deadline(deadline);
    c->start = Clock::now();
    c->reader = tone_->AsyncScoreArticle(&c->context, c->request, cq);
    c->reader->Finish(&c->response, &c->status, c);
    return c;
  }
  if (method == "trend") {
    auto* c = new TrendCall();
    c->request.mutable_dyad()->set_a("PAK");
    c->request.mutable_dyad()->set_b("USA");
    c->request.set_granularity(v1::GRANULARITY_DAY);
    c->request.set_from("2015-01-01");
    c->request.set_to("2024-12-31");
    c->context.set_deadline(deadline);
    c->start = Clock::now();
    c->reader = tone_->AsyncGetTrend(&c->context, c->request, cq);
    c->reader->Finish(&c->response, &c->status, c);
    return c;
  }
  auto* c = new HealthCall();
  c->context.set_deadline(deadline);
  c->start = Clock::now();
  c->reader = health_->AsyncCheck(&c->context, c->request, cq);
  c->reader->Finish(&c->response, &c->status, c);
  return c;
}

void Driver::RunUnary(const std::string& method, int concurrency,
                      double seconds, double qps) {
  grpc::CompletionQueue cq;
  const auto t0 = Clock::now();
  const Clock::time_point stop =
      t0 + std::chrono::duration_cast<Clock::duration>(
               std::chrono::duration<double>(seconds));
  const double interval = qps > 0 ? 1.0 / qps : 0;
  int64_t sent = 0;
  int in_flight = 0;
  auto due = [&]() -> Clock::time_point {
    return t0 + std::chrono::duration_cast<Clock::duration>(
                    std::chrono::duration<double>(interval * sent));
  };
  auto maybe_send = [&] {
    while (in_flight < concurrency && Clock::now() < stop &&
           (interval == 0 || Clock::now() >= due())) {
      Start(method, &cq);
      ++sent, ++in_flight;
    }
  };
  maybe_send();
  while (in_flight > 0 || (Clock::now() < stop && interval > 0)) {
    void* tag;
    bool ok;
    const Clock::time_point wait_until =
        interval > 0 ? std::min(due(), stop)
                     : Clock::time_point(stop + std::chrono::seconds(30));
    // gRPC takes system_clock deadlines.
    const auto r = cq.AsyncNext(
        &tag, &ok,
        std::chrono::system_clock::now() +
            std::chrono::duration_cast<std::chrono::system_clock::duration>(
                wait_until - Clock::now()));
    if (r == grpc::CompletionQueue::GOT_EVENT) {
      std::unique_ptr<Call> call(static_cast<Call*>(tag));
      --in_flight;
      if (call->status.ok()) {
        latencies_.push_back(
            std::chrono::duration<double, std::micro>(Clock::now() - call->start)
                .count());
        ++items_;
      } else {
        if (errors_++ == 0) {
          first_error_ = absl::StrCat(call->status.error_code(), ": ",
                                      call->status.error_message());
        }
      }
    }
    maybe_send();
    if (Clock::now() >= stop && in_flight == 0) break;
  }
  elapsed_ = std::chrono::duration<double>(Clock::now() - t0).count();
  cq.Shutdown();
  void* tag;
  bool ok;
  while (cq.Next(&tag, &ok)) delete static_cast<Call*>(tag);
}

void Driver::RunIngest(int concurrency, double seconds, int batch) {
  const auto t0 = Clock::now();
  const Clock::time_point stop =
      t0 + std::chrono::duration_cast<Clock::duration>(
               std::chrono::duration<double>(seconds));
  std::atomic<int64_t> stored{0}, errors{0}, stream_id{0};
  std::vector<std::thread> threads;
  std::mutex mu;
  for (int t = 0; t < concurrency; ++t) {
    threads.emplace_back([&, t] {
      while (Clock::now() < stop) {
        const int64_t s = stream_id++;
        grpc::ClientContext ctx;
        v1::IngestArticlesResponse response;
        const auto start = Clock::now();
        auto writer = tone_->IngestArticles(&ctx, &response);
        for (int i = 0; i < batch; ++i) {
          v1::IngestArticlesRequest req;
          req.mutable_article()->set_id(absl::StrCat("load-", t, "-", s, "-", i));
          req.mutable_article()->set_text(corpus_[(s + i) % corpus_.size()]);
          if (!writer->Write(req)) break;
        }
        writer->WritesDone();
        const grpc::Status status = writer->Finish();
        const double us =
            std::chrono::duration<double, std::micro>(Clock::now() - start)
                .count();
        std::lock_guard<std::mutex> lock(mu);
        if (status.ok()) {
          stored += response.stored() + response.replaced() + response.unchanged();
          latencies_.push_back(us);
        } else {
          if (errors++ == 0) first_error_ = status.error_message();
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  elapsed_ = std::chrono::duration<double>(Clock::now() - t0).count();
  items_ = stored;
  errors_ = errors;
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * v.size()));
  std::nth_element(v.begin(), v.begin() + i, v.end());
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  // As in dyadtoned (service/server/main.cc): Debian's Abseil checks every
  // lock for deadlock cycles unless told not to.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::ParseCommandLine(argc, argv);
  const std::string method = absl::GetFlag(FLAGS_method);
  if (method != "score" && method != "health" && method != "trend" &&
      method != "ingest") {
    std::fprintf(stderr, "load_generator: unknown --method=%s\n", method.c_str());
    return 2;
  }
  std::vector<std::string> corpus = LoadCorpus(absl::GetFlag(FLAGS_corpus));
  if (corpus.empty() && (method == "score" || method == "ingest")) {
    std::fprintf(stderr, "load_generator: no articles in %s\n",
                 absl::GetFlag(FLAGS_corpus).c_str());
    return 2;
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  auto channel = grpc::CreateCustomChannel(
      absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials(), args);
  Driver driver(channel, std::move(corpus), absl::GetFlag(FLAGS_omit_evidence));
  const int concurrency = std::max(1, absl::GetFlag(FLAGS_concurrency));
  const double seconds = std::clamp(absl::GetFlag(FLAGS_seconds), 0.1, 600.0);
  if (method == "ingest") {
    driver.RunIngest(concurrency, seconds, absl::GetFlag(FLAGS_batch));
  } else {
    driver.RunUnary(method, concurrency, seconds, absl::GetFlag(FLAGS_qps));
  }
  std::vector<double>& lat = driver.latencies();
  const double rate = driver.items() / driver.elapsed();
  const double p50 = Percentile(lat, 0.50), p90 = Percentile(lat, 0.90),
               p99 = Percentile(lat, 0.99), p999 = Percentile(lat, 0.999);
  if (absl::GetFlag(FLAGS_json)) {
    std::printf(
        "{\"method\":\"%s\",\"concurrency\":%d,\"seconds\":%.2f,\"rate\":%.1f,"
        "\"calls\":%zu,\"errors\":%lld,\"p50_us\":%.0f,\"p90_us\":%.0f,"
        "\"p99_us\":%.0f,\"p999_us\":%.0f}\n",
        method.c_str(), concurrency, driver.elapsed(), rate, lat.size(),
        static_cast<long long>(driver.errors()), p50, p90, p99, p999);
  } else {
    std::printf(
        "%-7s c=%-3d %.1fs  %s %.1f/s  calls %zu  errors %lld  latency us "
        "p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f\n",
        method.c_str(), concurrency, driver.elapsed(),
        method == "ingest" ? "articles" : "qps", rate, lat.size(),
        static_cast<long long>(driver.errors()), p50, p90, p99, p999);
  }
  if (driver.errors() > 0) {
    std::fprintf(stderr, "first error: %s\n", driver.first_error().c_str());
  }
  return driver.errors() == 0 ? 0 : 1;
}
