// ToneService through a real channel to a real server (in-process), with
// the shipped data files and a temporary SQLite store: every RPC and every
// error path.

#include "service/server/tone_service.h"

#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "gtest/gtest.h"
#include "service/server/server.h"
#include "sqlite3.h"
#include "tests/test_server.h"
#include "tests/test_util.h"

namespace dyadtone {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> ExampleFiles() {
  std::vector<std::string> files;
  for (const auto& e :
       std::filesystem::directory_iterator(DYADTONE_EXAMPLES_DIR)) {
    files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

v1::Article ExampleArticle(const std::string& path) {
  v1::Article a;
  a.set_id(std::filesystem::path(path).stem().string());
  a.set_text(ReadTestFile(path));
  return a;
}

class ToneServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(SharedTestEngine(), nullptr);
    engine_ = SharedTestEngine();
    ServerOptions options;
    options.max_message_bytes = 1 << 20;
    auto server = TestServer::Start(
        engine_,
        ::testing::UnitTest::GetInstance()->current_test_info()->name(),
        options);
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel(server_->target(),
                                   grpc::InsecureChannelCredentials());
    stub_ = v1::ToneService::NewStub(channel_);
  }

  // Ingests articles; returns the response (and asserts the call was OK).
  v1::IngestArticlesResponse Ingest(const std::vector<v1::Article>& articles) {
    grpc::ClientContext ctx;
    v1::IngestArticlesResponse response;
    auto writer = stub_->IngestArticles(&ctx, &response);
    for (const v1::Article& a : articles) {
      v1::IngestArticlesRequest req;
      *req.mutable_article() = a;
      EXPECT_TRUE(writer->Write(req));
    }
    writer->WritesDone();
    const grpc::Status s = writer->Finish();
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  std::vector<v1::Article> Examples() {
    std::vector<v1::Article> out;
    for (const std::string& f : ExampleFiles()) out.push_back(ExampleArticle(f));
    return out;
  }

  grpc::Status Trend(const v1::GetTrendRequest& req,
                     v1::GetTrendResponse* resp) {
    grpc::ClientContext ctx;
    return stub_->GetTrend(&ctx, req, resp);
  }

  static v1::GetTrendRequest TrendRequest(const std::string& a,
                                          const std::string& b) {
    v1::GetTrendRequest req;
    req.mutable_dyad()->set_a(a);
    req.mutable_dyad()->set_b(b);
    req.set_granularity(v1::GRANULARITY_MONTH);
    return req;
  }

  const Engine* engine_ = nullptr;
  std::unique_ptr<TestServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ToneService::Stub> stub_;
};

TEST_F(ToneServiceTest, ScoreArticleReturnsTheFullResultAndStoresNothing) {
  v1::ScoreArticleRequest req;
  *req.mutable_article() = ExampleArticle(ExampleFiles()[0]);
  req.mutable_article()->set_source("The Express Tribune");
  v1::Dyad* extra = req.add_dyads();
  extra->set_a("TUR");
  extra->set_b("IND");
  v1::ScoreArticleResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->ScoreArticle(&ctx, req, &resp).ok());
  const v1::ArticleScore& s = resp.score();
  EXPECT_EQ(s.date(), "2023-04-03");
  EXPECT_EQ(s.date_source(), v1::DATE_SOURCE_HEADER);
  EXPECT_EQ(s.main_dyad().a(), "PAK");
  EXPECT_EQ(s.main_dyad().b(), "USA");
  EXPECT_EQ(s.source(), "The Express Tribune");
  ASSERT_GT(s.dyads_size(), 1);
  EXPECT_GT(s.dyads(0).tone(), 0);
  EXPECT_GT(s.evidence_size(), 5);
  const bool has_extra = std::any_of(
      s.dyads().begin(), s.dyads().end(), [](const v1::DyadTone& d) {
        return d.dyad().a() == "IND" && d.dyad().b() == "TUR";
      });
  EXPECT_TRUE(has_extra);
  EXPECT_FALSE(s.lexicon_version().empty());

  req.set_omit_evidence(true);
  grpc::ClientContext ctx2;
  ASSERT_TRUE(stub_->ScoreArticle(&ctx2, req, &resp).ok());
  EXPECT_EQ(resp.score().evidence_size(), 0);

  v1::GetServerInfoResponse info;
  grpc::ClientContext ctx3;
  ASSERT_TRUE(stub_->GetServerInfo(&ctx3, {}, &info).ok());
  EXPECT_EQ(info.stored_articles(), 0);
}

// A short request is scored on the gRPC thread that received it, a long one
// on a scoring thread: the same article gets the same answer either way.
TEST_F(ToneServiceTest, ScoredTheSameOnTheCallThreadAndOnTheScoringPool) {
  std::string long_text;
  for (const std::string& f : ExampleFiles()) long_text += ReadTestFile(f);
  long_text += long_text;  // ~24 KiB, over the default inline limit
  ASSERT_GT(long_text.size(), ToneServiceOptions().inline_score_bytes);
  std::vector<v1::ScoreArticleRequest> requests(2);
  *requests[0].mutable_article() = ExampleArticle(ExampleFiles()[2]);
  requests[1].mutable_article()->set_text(long_text);
  ASSERT_LT(requests[0].ByteSizeLong(), ToneServiceOptions().inline_score_bytes);

  // Every call inline, every call pooled, and the default (one of each).
  std::vector<std::string> answers[3];
  const size_t limits[3] = {size_t{1} << 30, 0,
                            ToneServiceOptions().inline_score_bytes};
  for (int run = 0; run < 3; ++run) {
    ToneServiceOptions service_options;
    service_options.inline_score_bytes = limits[run];
    std::shared_ptr<const Engine> unowned(std::shared_ptr<const Engine>(),
                                          engine_);
    auto server = TestServer::Start(
        std::make_unique<ModelHolder>(EngineOptions(), unowned),
        absl::StrCat("inline_", run), ServerOptions(), service_options);
    ASSERT_THAT(server, IsOk());
    auto stub = v1::ToneService::NewStub(grpc::CreateChannel(
        (*server)->target(), grpc::InsecureChannelCredentials()));
    for (const v1::ScoreArticleRequest& req : requests) {
      v1::ScoreArticleResponse resp;
      grpc::ClientContext ctx;
      const grpc::Status s = stub->ScoreArticle(&ctx, req, &resp);
      ASSERT_TRUE(s.ok()) << s.error_message();
      EXPECT_GT(resp.score().evidence_size(), 5);
      answers[run].push_back(resp.SerializeAsString());
    }
  }
  EXPECT_EQ(answers[0], answers[1]);
  EXPECT_EQ(answers[0], answers[2]);
}

struct BadScore {
  std::string name;
  std::string text;
  std::string date;
  std::vector<std::pair<std::string, std::string>> dyads;
  grpc::StatusCode code;
  std::string message;
};

TEST_F(ToneServiceTest, ScoreArticleErrorsSayWhatToFix) {
  const BadScore cases[] = {
      {"empty text", "", "", {}, grpc::StatusCode::INVALID_ARGUMENT,
       "article.text: text is empty"},
      {"blank text", " \n ", "", {}, grpc::StatusCode::INVALID_ARGUMENT,
       "article.text: text has no words"},
      {"bad date", "Pakistan met India.", "2023-13-01", {},
       grpc::StatusCode::INVALID_ARGUMENT, "article.date: date \"2023-13-01\""},
      {"date form", "Pakistan met India.", "03/04/2023", {},
       grpc::StatusCode::INVALID_ARGUMENT, "YYYY-MM-DD"},
      {"date range", "Pakistan met India.", "0999-01-01", {},
       grpc::StatusCode::INVALID_ARGUMENT, "out of range"},
      {"unknown code", "Pakistan met India.", "", {{"PAK", "XYZ"}},
       grpc::StatusCode::INVALID_ARGUMENT,
       "dyads[0]: unknown country code \"XYZ\""},
      {"malformed code", "Pakistan met India.", "", {{"pk", "USA"}},
       grpc::StatusCode::INVALID_ARGUMENT, "dyads[0]: \"pk\" is not an ISO"},
      {"same codes", "Pakistan met India.", "", {{"USA", "USA"}},
       grpc::StatusCode::INVALID_ARGUMENT, "two different countries"},
      {"invalid utf-8", "Pakistan \xC3( India", "", {},
       grpc::StatusCode::INVALID_ARGUMENT,
       "article.text: invalid UTF-8 at byte 9"},
      {"nul byte", std::string("Pakistan\0India", 14), "", {},
       grpc::StatusCode::INVALID_ARGUMENT, "NUL byte at byte 8"},
      {"too large", std::string(2 << 20, 'a'), "", {},
       grpc::StatusCode::RESOURCE_EXHAUSTED, ""},
  };
  for (const BadScore& c : cases) {
    v1::ScoreArticleRequest req;
    req.mutable_article()->set_text(c.text);
    req.mutable_article()->set_date(c.date);
    for (const auto& [a, b] : c.dyads) {
      v1::Dyad* d = req.add_dyads();
      d->set_a(a);
      d->set_b(b);
    }
    v1::ScoreArticleResponse resp;
    grpc::ClientContext ctx;
    const grpc::Status s = stub_->ScoreArticle(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), c.code) << c.name << ": " << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr(c.message)) << c.name;
  }
  // The server still serves.
  v1::ScoreArticleRequest ok;
  ok.mutable_article()->set_text("Pakistan praised India.");
  v1::ScoreArticleResponse resp;
  grpc::ClientContext ctx;
  EXPECT_TRUE(stub_->ScoreArticle(&ctx, ok, &resp).ok());
}

TEST_F(ToneServiceTest, IngestIsIdempotentAndReplacesChangedText) {
  const v1::IngestArticlesResponse first = Ingest(Examples());
  EXPECT_EQ(first.stored(), 5);
  EXPECT_EQ(first.rejected(), 0);
  ASSERT_EQ(first.results_size(), 5);
  EXPECT_EQ(first.results(0).outcome(), v1::IngestResult::OUTCOME_STORED);
  EXPECT_EQ(first.results(0).main_dyad().a(), "PAK");

  const v1::IngestArticlesResponse again = Ingest(Examples());
  EXPECT_EQ(again.stored(), 0);
  EXPECT_EQ(again.unchanged(), 5);

  std::vector<v1::Article> changed = {Examples()[1]};
  changed[0].set_text(changed[0].text() + " Pakistan criticised the US.");
  const v1::IngestArticlesResponse replaced = Ingest(changed);
  EXPECT_EQ(replaced.replaced(), 1);

  v1::GetServerInfoResponse info;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->GetServerInfo(&ctx, {}, &info).ok());
  EXPECT_EQ(info.stored_articles(), 5);
}

TEST_F(ToneServiceTest, BadArticlesAreReportedWithoutLosingTheGoodOnes) {
  std::vector<v1::Article> articles = Examples();
  v1::Article no_date;
  no_date.set_id("no-date");
  no_date.set_text("Pakistan praised the United States.");
  v1::Article no_id;
  no_id.set_text(" date 2024-01-01 Pakistan praised India.");
  v1::Article bad_date;
  bad_date.set_id("bad-date");
  bad_date.set_text("Pakistan praised India.");
  bad_date.set_date("2024-02-30");
  v1::Article bad_utf8;
  bad_utf8.set_id("bad-utf8");
  bad_utf8.set_text(" date 2024-01-01 Pakistan \xFF praised India.");
  v1::Article long_id;
  long_id.set_id(std::string(300, 'x'));
  long_id.set_text(" date 2024-01-01 Pakistan praised India.");
  articles.insert(articles.begin() + 2, no_date);
  articles.push_back(no_id);
  articles.push_back(bad_date);
  articles.push_back(long_id);
  articles.insert(articles.begin() + 4, bad_utf8);
  const v1::IngestArticlesResponse r = Ingest(articles);
  EXPECT_EQ(r.stored(), 5);
  EXPECT_EQ(r.rejected(), 5);
  ASSERT_EQ(r.results_size(), 10);
  EXPECT_EQ(r.results(4).outcome(), v1::IngestResult::OUTCOME_REJECTED);
  EXPECT_THAT(r.results(4).error(),
              HasSubstr("article.text: invalid UTF-8 at byte 26"));
  EXPECT_EQ(r.results(5).outcome(), v1::IngestResult::OUTCOME_STORED);
  EXPECT_EQ(r.results(2).index(), 2);
  EXPECT_EQ(r.results(2).outcome(), v1::IngestResult::OUTCOME_REJECTED);
  EXPECT_THAT(r.results(2).error(), HasSubstr("no date found"));
  EXPECT_THAT(r.results(7).error(), HasSubstr("article.id: required"));
  EXPECT_THAT(r.results(8).error(), HasSubstr("not a calendar day"));
  EXPECT_THAT(r.results(9).error(), HasSubstr("longer than 256 bytes"));
  EXPECT_EQ(r.results(3).outcome(), v1::IngestResult::OUTCOME_STORED);
}

TEST_F(ToneServiceTest, AnArticleOverTheSizeLimitIsRejectedOnItsOwn) {
  // A server whose articles may be 4 KiB, in messages of 1 MiB.
  EngineOptions small;
  small.max_text_bytes = 4096;
  auto engine = Engine::Create(small);
  ASSERT_THAT(engine, IsOk());
  ServerOptions options;
  options.max_message_bytes = 1 << 20;
  auto server = TestServer::Start(engine->get(), "size_limit", options);
  ASSERT_THAT(server, IsOk());
  stub_ = v1::ToneService::NewStub(grpc::CreateChannel(
      (*server)->target(), grpc::InsecureChannelCredentials()));
  std::vector<v1::Article> articles = Examples();
  v1::Article big;
  big.set_id("big");
  big.set_text(" date 2024-01-01 " + std::string(8000, 'a'));
  articles.insert(articles.begin() + 1, big);
  const v1::IngestArticlesResponse r = Ingest(articles);
  EXPECT_EQ(r.stored(), 5);
  ASSERT_EQ(r.results_size(), 6);
  EXPECT_EQ(r.results(1).outcome(), v1::IngestResult::OUTCOME_REJECTED);
  EXPECT_THAT(r.results(1).error(),
              HasSubstr("article.text: text is 8017 bytes; the limit is 4096"));
}

TEST_F(ToneServiceTest, TrendByMonthHasTheFiveWarmExamplePeriods) {
  Ingest(Examples());
  v1::GetTrendResponse resp;
  ASSERT_TRUE(Trend(TrendRequest("USA", "PAK"), &resp).ok());
  EXPECT_EQ(resp.dyad().a(), "PAK");
  EXPECT_EQ(resp.granularity(), v1::GRANULARITY_MONTH);
  std::vector<std::string> periods;
  for (const v1::TrendPoint& p : resp.points()) {
    periods.push_back(p.period_start());
    EXPECT_EQ(p.article_count(), 1);
    EXPECT_GT(p.mean_tone(), 0);
    EXPECT_EQ(p.ci_low(), p.mean_tone());  // one article: no spread
    EXPECT_EQ(p.top_article_ids_size(), 1);
    EXPECT_GT(p.quad_counts().verbal_cooperation(), 0);
  }
  EXPECT_THAT(periods, ElementsAre("2021-12-01", "2022-12-01", "2023-04-01",
                                   "2023-06-01", "2024-05-01"));

  // By year, with every year in range and a two-year moving average.
  v1::GetTrendRequest by_year = TrendRequest("PAK", "USA");
  by_year.set_granularity(v1::GRANULARITY_YEAR);
  by_year.set_from("2020-01-01");
  by_year.set_to("2024-12-31");
  by_year.set_include_empty(true);
  by_year.set_smoothing(2);
  ASSERT_TRUE(Trend(by_year, &resp).ok());
  ASSERT_EQ(resp.points_size(), 5);
  EXPECT_EQ(resp.points(0).article_count(), 0);
  EXPECT_EQ(resp.points(3).article_count(), 2);  // 2023
  EXPECT_GT(resp.points(3).standard_error(), 0);
  EXPECT_LT(resp.points(3).ci_low(), resp.points(3).mean_tone());
  EXPECT_GT(resp.points(4).smoothed_tone(), 0);

  // A dyad with no articles has no points.
  ASSERT_TRUE(Trend(TrendRequest("FRA", "DEU"), &resp).ok());
  EXPECT_EQ(resp.points_size(), 0);
}

struct BadTrend {
  std::string name;
  std::function<void(v1::GetTrendRequest*)> edit;
  grpc::StatusCode code;
  std::string message;
};

TEST_F(ToneServiceTest, TrendErrorsSayWhatToFix) {
  Ingest(Examples());
  const BadTrend cases[] = {
      {"unknown code", [](auto* r) { r->mutable_dyad()->set_b("ZZZ"); },
       grpc::StatusCode::INVALID_ARGUMENT, "dyad: unknown country code"},
      {"missing dyad", [](auto* r) { r->clear_dyad(); },
       grpc::StatusCode::INVALID_ARGUMENT, "dyad: \"\" is not an ISO"},
      {"reversed range",
       [](auto* r) {
         r->set_from("2024-01-01");
         r->set_to("2023-01-01");
       },
       grpc::StatusCode::INVALID_ARGUMENT, "starts (2024-01-01) after it ends"},
      {"bad from", [](auto* r) { r->set_from("yesterday"); },
       grpc::StatusCode::INVALID_ARGUMENT, "from: date \"yesterday\""},
      {"granularity",
       [](auto* r) { r->set_granularity(static_cast<v1::Granularity>(42)); },
       grpc::StatusCode::INVALID_ARGUMENT, "granularity: unknown value 42"},
      {"smoothing", [](auto* r) { r->set_smoothing(-3); },
       grpc::StatusCode::INVALID_ARGUMENT, "smoothing: -3 is outside"},
      {"huge smoothing", [](auto* r) { r->set_smoothing(1000000); },
       grpc::StatusCode::INVALID_ARGUMENT, "smoothing"},
      {"too many points",
       [](auto* r) {
         r->set_granularity(v1::GRANULARITY_DAY);
         r->set_from("1900-01-01");
         r->set_to("2199-12-31");
       },
       grpc::StatusCode::RESOURCE_EXHAUSTED, "at most 100000 are returned"},
  };
  for (const BadTrend& c : cases) {
    v1::GetTrendRequest req = TrendRequest("PAK", "USA");
    c.edit(&req);
    v1::GetTrendResponse resp;
    const grpc::Status s = Trend(req, &resp);
    EXPECT_EQ(s.error_code(), c.code) << c.name << ": " << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr(c.message)) << c.name;
  }
}

TEST_F(ToneServiceTest, ListDyadsAndGetArticle) {
  Ingest(Examples());
  v1::ListDyadsResponse dyads;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->ListDyads(&ctx, {}, &dyads).ok());
  ASSERT_GT(dyads.dyads_size(), 0);
  EXPECT_EQ(dyads.dyads(0).dyad().a(), "PAK");
  EXPECT_EQ(dyads.dyads(0).dyad().b(), "USA");
  EXPECT_EQ(dyads.dyads(0).article_count(), 5);
  EXPECT_EQ(dyads.dyads(0).first_date(), "2021-12-15");
  EXPECT_EQ(dyads.dyads(0).last_date(), "2024-05-22");
  EXPECT_GT(dyads.dyads(0).mean_tone(), 0);

  v1::ListDyadsRequest negative;
  negative.set_min_articles(-1);
  grpc::ClientContext ctx2;
  EXPECT_EQ(stub_->ListDyads(&ctx2, negative, &dyads).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::GetArticleRequest get;
  get.set_id("002_0669800c25a8c53b");
  v1::GetArticleResponse article;
  grpc::ClientContext ctx3;
  ASSERT_TRUE(stub_->GetArticle(&ctx3, get, &article).ok());
  EXPECT_EQ(article.score().date(), "2024-05-22");
  EXPECT_EQ(article.score().date_source(), v1::DATE_SOURCE_DATED_LINE);
  EXPECT_GT(article.score().evidence_size(), 0);
  EXPECT_FALSE(article.text_fingerprint().empty());

  get.set_id("'; DROP TABLE articles; --");
  grpc::ClientContext ctx4;
  const grpc::Status missing = stub_->GetArticle(&ctx4, get, &article);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  get.clear_id();
  grpc::ClientContext ctx5;
  EXPECT_EQ(stub_->GetArticle(&ctx5, get, &article).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ToneServiceTest, ServerInfoHealthAndDeadlines) {
  v1::GetServerInfoResponse info;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->GetServerInfo(&ctx, {}, &info).ok());
  EXPECT_EQ(info.store_backend(), "sqlite");
  EXPECT_EQ(info.lexicon_version(), engine_->info().lexicon_version);
  EXPECT_EQ(info.gazetteer_fingerprint().size(), 16u);
  EXPECT_GT(info.actors(), 190);
  EXPECT_GT(info.signals(), 300);

  // The standard health service says SERVING, then NOT_SERVING on the way
  // down.
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::health::v1::HealthCheckRequest check;
  grpc::health::v1::HealthCheckResponse status;
  grpc::ClientContext hctx;
  ASSERT_TRUE(health->Check(&hctx, check, &status).ok());
  EXPECT_EQ(status.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  server_->server()->grpc_server()->GetHealthCheckService()->SetServingStatus(false);
  grpc::ClientContext hctx2;
  ASSERT_TRUE(health->Check(&hctx2, check, &status).ok());
  EXPECT_EQ(status.status(),
            grpc::health::v1::HealthCheckResponse::NOT_SERVING);

  // A deadline already past.
  v1::ScoreArticleRequest req;
  req.mutable_article()->set_text("Pakistan praised India.");
  v1::ScoreArticleResponse resp;
  grpc::ClientContext late;
  late.set_deadline(std::chrono::system_clock::now() -
                    std::chrono::seconds(1));
  EXPECT_EQ(stub_->ScoreArticle(&late, req, &resp).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
}

// A second server asked for a port in use fails to start with a clear error:
// no crash, and no port shared with the first (gRPC's default SO_REUSEPORT
// would let both listen and split the calls). The first serves on.
TEST_F(ToneServiceTest, ASecondServerOnAPortInUseFailsToStart) {
  const std::string db = absl::StrCat(::testing::TempDir(), "second.db");
  std::filesystem::remove(db);
  absl::StatusOr<std::unique_ptr<ArticleStore>> store =
      OpenStore("sqlite:" + db);
  ASSERT_THAT(store, IsOk());
  std::shared_ptr<const Engine> unowned(std::shared_ptr<const Engine>(),
                                        engine_);
  ModelHolder models(EngineOptions(), unowned);
  RequestLog log(stderr);
  ServerOptions options;
  options.listen = server_->target();
  absl::StatusOr<std::unique_ptr<DyadtoneServer>> second =
      DyadtoneServer::Start(options, &models, store->get(), &log,
                            ToneServiceOptions());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(second.status().message(),
            absl::StrCat("cannot listen on ", server_->target()));

  v1::GetServerInfoResponse info;
  grpc::ClientContext ctx;
  EXPECT_TRUE(stub_->GetServerInfo(&ctx, {}, &info).ok());
  store->reset();
  std::filesystem::remove(db);
}

TEST_F(ToneServiceTest, ShutdownLetsAStreamInFlightFinishAndStoresIt) {
  const std::vector<v1::Article> articles = Examples();
  grpc::ClientContext ctx;
  v1::IngestArticlesResponse response;
  auto writer = stub_->IngestArticles(&ctx, &response);
  v1::IngestArticlesRequest req;
  *req.mutable_article() = articles[0];
  ASSERT_TRUE(writer->Write(req));
  DyadtoneServer* server = server_->server();
  for (int i = 0; i < 1000 && server->calls_in_flight() == 0; ++i) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  ASSERT_EQ(server->calls_in_flight(), 1);
  // The stream goes on while the server shuts down.
  bool finished = false;
  std::thread stop([&] { finished = server->Shutdown(absl::Seconds(60)); });
  // Past the moment the shutdown starts counting calls (50 ms).
  absl::SleepFor(absl::Milliseconds(300));
  for (size_t i = 1; i < articles.size(); ++i) {
    *req.mutable_article() = articles[i];
    EXPECT_TRUE(writer->Write(req));
  }
  writer->WritesDone();
  const grpc::Status s = writer->Finish();
  stop.join();
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(response.stored(), static_cast<int>(articles.size()));
  EXPECT_TRUE(finished);
  EXPECT_EQ(server->calls_in_flight(), 0);
}

TEST_F(ToneServiceTest, ShutdownClosesIdleConnectionsInsteadOfWaitingForThem) {
  // The test's channel is connected, with no call on it.
  v1::GetServerInfoResponse info;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->GetServerInfo(&ctx, {}, &info).ok());
  ASSERT_EQ(channel_->GetState(false), GRPC_CHANNEL_READY);
  // This in-process C++ client answers the server's GOAWAY and closes the
  // connection itself, so this passed before the shutdown counted calls
  // too; a grpcio client, which does not, is in tests/e2e/e2e_test.py.
  // Here: with no call in flight the shutdown reports every call finished,
  // returns well inside its 60 s grace, and the connection is gone.
  absl::Notification stopped;
  DyadtoneServer* server = server_->server();
  bool finished = false;
  std::thread stop([&] {
    finished = server->Shutdown(absl::Seconds(60));
    stopped.Notify();
  });
  const bool before_the_grace =
      stopped.WaitForNotificationWithTimeout(absl::Seconds(30));
  stop.join();
  EXPECT_TRUE(before_the_grace);
  EXPECT_TRUE(finished);
  EXPECT_NE(channel_->GetState(false), GRPC_CHANNEL_READY);
}

TEST_F(ToneServiceTest, AStoreThatCannotWriteGivesUnavailableAndLosesNothing) {
  Ingest(Examples());
  // Another process holds the database's write lock past the store's busy
  // timeout: the store is down for writers.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(server_->db_path().c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr),
            SQLITE_OK);
  v1::Article fresh;
  fresh.set_id("fresh");
  fresh.set_text(" date 2024-06-01 Pakistan praised the United States.");
  grpc::ClientContext ctx;
  v1::IngestArticlesResponse response;
  auto writer = stub_->IngestArticles(&ctx, &response);
  v1::IngestArticlesRequest req;
  *req.mutable_article() = fresh;
  writer->Write(req);
  writer->WritesDone();
  const grpc::Status down = writer->Finish();
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE)
      << down.error_message();
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);

  // Back up: the retry stores it, and the earlier articles are all there.
  const v1::IngestArticlesResponse retry = Ingest({fresh});
  EXPECT_EQ(retry.stored(), 1);
  v1::GetServerInfoResponse info;
  grpc::ClientContext ctx2;
  ASSERT_TRUE(stub_->GetServerInfo(&ctx2, {}, &info).ok());
  EXPECT_EQ(info.stored_articles(), 6);
}

TEST_F(ToneServiceTest, EveryRequestIsLoggedAsOneJsonLine) {
  v1::GetArticleRequest get;
  get.set_id("missing");
  v1::GetArticleResponse article;
  grpc::ClientContext ctx;
  stub_->GetArticle(&ctx, get, &article);
  const std::string log = server_->LogText();
  EXPECT_THAT(log, HasSubstr("\"method\":\"GetArticle\""));
  EXPECT_THAT(log, HasSubstr("\"code\":\"NOT_FOUND\""));
  EXPECT_THAT(log, HasSubstr("\"level\":\"warn\""));
}

}  // namespace
}  // namespace dyadtone
