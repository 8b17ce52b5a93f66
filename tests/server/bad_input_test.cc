// Every kind of bad request, through a real channel to a real in-process
// server: each gets its exact status code and message, and afterwards the
// server still serves (health SERVING, a good article scores, the store
// holds what it held). One table for the unary calls; streams cancelled
// halfway, deadlines that expire mid-call and a text naming a hundred
// thousand countries have tests of their own.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/strings/ascii.h"
#include "dyadtone/v1/tone_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "service/server/model_holder.h"
#include "tests/test_server.h"
#include "tests/test_util.h"

namespace dyadtone {
namespace {

using ::testing::HasSubstr;

constexpr int kMaxMessageBytes = 4 << 20;
constexpr size_t kMaxArticleBytes = 3 << 20;
constexpr int kMaxIngestStreams = 2;
constexpr char kGoodText[] =
    "date 2023-04-03\n\nPakistan and the United States reaffirmed their "
    "commitment to deepen ties.\n";

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions engine_options;
    engine_options.max_text_bytes = kMaxArticleBytes;
    absl::StatusOr<std::unique_ptr<ModelHolder>> models =
        ModelHolder::Load(engine_options);
    ASSERT_THAT(models, IsOk());
    ServerOptions options;
    options.max_message_bytes = kMaxMessageBytes;
    ToneServiceOptions service_options;
    service_options.max_ingest_streams = kMaxIngestStreams;
    auto server = TestServer::Start(
        *std::move(models),
        ::testing::UnitTest::GetInstance()->current_test_info()->name(),
        options, service_options);
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
    grpc::ChannelArguments args;
    args.SetMaxSendMessageSize(64 << 20);  // let oversized requests leave
    channel_ = grpc::CreateCustomChannel(
        server_->target(), grpc::InsecureChannelCredentials(), args);
    tone_ = v1::ToneService::NewStub(channel_);
    health_ = grpc::health::v1::Health::NewStub(channel_);
    ASSERT_EQ(Ingest({Article("kept", kGoodText)}).stored(), 1);
  }

  static v1::Article Article(const std::string& id, const std::string& text) {
    v1::Article a;
    a.set_id(id);
    a.set_text(text);
    return a;
  }

  v1::IngestArticlesResponse Ingest(const std::vector<v1::Article>& articles) {
    grpc::ClientContext ctx;
    v1::IngestArticlesResponse response;
    auto writer = tone_->IngestArticles(&ctx, &response);
    for (const v1::Article& a : articles) {
      v1::IngestArticlesRequest request;
      *request.mutable_article() = a;
      EXPECT_TRUE(writer->Write(request));
    }
    writer->WritesDone();
    const grpc::Status s = writer->Finish();
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  int64_t StoredArticles() {
    grpc::ClientContext ctx;
    v1::GetServerInfoResponse info;
    const grpc::Status s = tone_->GetServerInfo(&ctx, {}, &info);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return info.stored_articles();
  }

  // Health SERVING, a good article scores, and the store holds `stored`.
  void ExpectStillServes(int64_t stored, const std::string& after) {
    SCOPED_TRACE("after " + after);
    grpc::ClientContext hctx;
    grpc::health::v1::HealthCheckResponse health;
    ASSERT_TRUE(health_->Check(&hctx, {}, &health).ok());
    EXPECT_EQ(health.status(), grpc::health::v1::HealthCheckResponse::SERVING);
    grpc::ClientContext ctx;
    v1::ScoreArticleRequest request;
    request.mutable_article()->set_text(kGoodText);
    v1::ScoreArticleResponse response;
    const grpc::Status s = tone_->ScoreArticle(&ctx, request, &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(response.score().main_dyad().a(), "PAK");
    EXPECT_EQ(StoredArticles(), stored);
  }

  std::unique_ptr<TestServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ToneService::Stub> tone_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

struct BadCall {
  std::string name;
  std::function<grpc::Status(v1::ToneService::Stub&)> call;
  grpc::StatusCode code;
  std::string message;  // exact
};

grpc::Status Score(v1::ToneService::Stub& stub, const std::string& text,
                   const std::string& date = "",
                   std::vector<std::pair<std::string, std::string>> dyads =
                       {}) {
  grpc::ClientContext ctx;
  v1::ScoreArticleRequest request;
  request.mutable_article()->set_text(text);
  request.mutable_article()->set_date(date);
  for (const auto& [a, b] : dyads) {
    v1::Dyad* d = request.add_dyads();
    d->set_a(a);
    d->set_b(b);
  }
  v1::ScoreArticleResponse response;
  return stub.ScoreArticle(&ctx, request, &response);
}

grpc::Status Trend(v1::ToneService::Stub& stub,
                   const std::function<void(v1::GetTrendRequest*)>& edit) {
  grpc::ClientContext ctx;
  v1::GetTrendRequest request;
  request.mutable_dyad()->set_a("PAK");
  request.mutable_dyad()->set_b("USA");
  request.set_granularity(v1::GRANULARITY_MONTH);
  edit(&request);
  v1::GetTrendResponse response;
  return stub.GetTrend(&ctx, request, &response);
}

std::vector<BadCall> BadCalls() {
  using C = grpc::StatusCode;
  const std::string big(kMaxArticleBytes + 1, 'a');
  const std::string huge(kMaxMessageBytes + 1, 'a');
  v1::ScoreArticleRequest huge_request;
  huge_request.mutable_article()->set_text(huge);
  const size_t huge_request_bytes = huge_request.ByteSizeLong();
  return {
      // ScoreArticle: the text.
      {"empty text", [](auto& s) { return Score(s, ""); },
       C::INVALID_ARGUMENT, "article.text: text is empty"},
      {"only spaces", [](auto& s) { return Score(s, " \n\t "); },
       C::INVALID_ARGUMENT, "article.text: text has no words"},
      {"invalid UTF-8", [](auto& s) { return Score(s, "Pakistan \xC3( India"); },
       C::INVALID_ARGUMENT,
       "article.text: invalid UTF-8 at byte 9: truncated sequence"},
      {"overlong UTF-8", [](auto& s) { return Score(s, "ab\xC0\xAF"); },
       C::INVALID_ARGUMENT, "article.text: invalid UTF-8 at byte 2: overlong encoding"},
      {"NUL byte",
       [](auto& s) { return Score(s, std::string("Pakistan\0India", 14)); },
       C::INVALID_ARGUMENT, "article.text: text contains a NUL byte at byte 8"},
      {"text over the article limit", [big](auto& s) { return Score(s, big); },
       C::RESOURCE_EXHAUSTED,
       absl::StrCat("article.text: text is ", kMaxArticleBytes + 1,
                    " bytes; the limit is ", kMaxArticleBytes)},
      {"message over the message limit",
       // gRPC's own check, before any of our code: the size is the
       // message's, a few bytes over the text's.
       [huge](auto& s) { return Score(s, huge); }, C::RESOURCE_EXHAUSTED,
       absl::StrCat("Received message larger than max (", huge_request_bytes,
                    " vs. ", kMaxMessageBytes, ")")},
      // ScoreArticle: the date.
      {"no such month", [](auto& s) { return Score(s, kGoodText, "2023-13-01"); },
       C::INVALID_ARGUMENT,
       "article.date: date \"2023-13-01\" is not a calendar day"},
      {"no such day", [](auto& s) { return Score(s, kGoodText, "2023-02-30"); },
       C::INVALID_ARGUMENT,
       "article.date: date \"2023-02-30\" is not a calendar day"},
      {"wrong date format",
       [](auto& s) { return Score(s, kGoodText, "03/04/2023"); },
       C::INVALID_ARGUMENT,
       "article.date: date \"03/04/2023\" is not of the form YYYY-MM-DD"},
      {"date out of range",
       [](auto& s) { return Score(s, kGoodText, "0999-01-01"); },
       C::INVALID_ARGUMENT,
       "article.date: date \"0999-01-01\" is out of range (years "
       "1900..2199)"},
      {"date far in the future",
       [](auto& s) { return Score(s, kGoodText, "9999-12-31"); },
       C::INVALID_ARGUMENT,
       "article.date: date \"9999-12-31\" is out of range (years "
       "1900..2199)"},
      // ScoreArticle: dyads of interest.
      {"unknown code",
       [](auto& s) { return Score(s, kGoodText, "", {{"PAK", "XYZ"}}); },
       C::INVALID_ARGUMENT, "dyads[0]: unknown country code \"XYZ\""},
      {"lower-case code",
       [](auto& s) { return Score(s, kGoodText, "", {{"USA", "pak"}}); },
       C::INVALID_ARGUMENT,
       "dyads[0]: \"pak\" is not an ISO 3166-1 alpha-3 code (three capital "
       "letters)"},
      {"two-letter code",
       [](auto& s) { return Score(s, kGoodText, "", {{"PAK", "USA"}, {"PK", "US"}}); },
       C::INVALID_ARGUMENT,
       "dyads[1]: \"PK\" is not an ISO 3166-1 alpha-3 code (three capital "
       "letters)"},
      {"same code twice",
       [](auto& s) { return Score(s, kGoodText, "", {{"USA", "USA"}}); },
       C::INVALID_ARGUMENT, "dyads[0]: a dyad needs two different countries"},
      // GetTrend.
      {"trend: unknown code",
       [](auto& s) { return Trend(s, [](auto* r) { r->mutable_dyad()->set_b("ZZZ"); }); },
       C::INVALID_ARGUMENT, "dyad: unknown country code \"ZZZ\""},
      {"trend: no dyad",
       [](auto& s) { return Trend(s, [](auto* r) { r->clear_dyad(); }); },
       C::INVALID_ARGUMENT,
       "dyad: \"\" is not an ISO 3166-1 alpha-3 code (three capital letters)"},
      {"trend: reversed range",
       [](auto& s) {
         return Trend(s, [](auto* r) {
           r->set_from("2024-01-01");
           r->set_to("2023-01-01");
         });
       },
       C::INVALID_ARGUMENT,
       "the range starts (2024-01-01) after it ends (2023-01-01)"},
      {"trend: from in a wrong format",
       [](auto& s) { return Trend(s, [](auto* r) { r->set_from("yesterday"); }); },
       C::INVALID_ARGUMENT,
       "from: date \"yesterday\" is not of the form YYYY-MM-DD"},
      {"trend: to out of range",
       [](auto& s) { return Trend(s, [](auto* r) { r->set_to("12345-01-01"); }); },
       C::INVALID_ARGUMENT,
       "to: date \"12345-01-01\" is not of the form YYYY-MM-DD"},
      {"trend: unknown granularity",
       [](auto& s) {
         return Trend(s, [](auto* r) {
           r->set_granularity(static_cast<v1::Granularity>(42));
         });
       },
       C::INVALID_ARGUMENT,
       "granularity: unknown value 42 (DAY, WEEK, MONTH, QUARTER or YEAR)"},
      {"trend: negative smoothing",
       [](auto& s) { return Trend(s, [](auto* r) { r->set_smoothing(-3); }); },
       C::INVALID_ARGUMENT, "smoothing: -3 is outside 0..1000"},
      {"trend: absurd smoothing",
       [](auto& s) {
         return Trend(s, [](auto* r) { r->set_smoothing(2000000000); });
       },
       C::INVALID_ARGUMENT, "smoothing: 2000000000 is outside 0..1000"},
      {"trend: three centuries by day",
       [](auto& s) {
         return Trend(s, [](auto* r) {
           r->set_granularity(v1::GRANULARITY_DAY);
           r->set_from("1900-01-01");
           r->set_to("2199-12-31");
         });
       },
       C::RESOURCE_EXHAUSTED,
       "the range 1900-01-01 to 2199-12-31 spans 109573 periods; at most "
       "100000 are returned: narrow the range or use a longer granularity"},
      // GetArticle and ListDyads.
      {"article: no id",
       [](auto& s) {
         grpc::ClientContext ctx;
         v1::GetArticleResponse r;
         return s.GetArticle(&ctx, v1::GetArticleRequest(), &r);
       },
       C::INVALID_ARGUMENT, "id: required"},
      {"article: unknown id",
       [](auto& s) {
         grpc::ClientContext ctx;
         v1::GetArticleRequest q;
         q.set_id("no-such-article");
         v1::GetArticleResponse r;
         return s.GetArticle(&ctx, q, &r);
       },
       C::NOT_FOUND, "no article with id \"no-such-article\""},
      {"dyads: negative minimum",
       [](auto& s) {
         grpc::ClientContext ctx;
         v1::ListDyadsRequest q;
         q.set_min_articles(-1);
         v1::ListDyadsResponse r;
         return s.ListDyads(&ctx, q, &r);
       },
       C::INVALID_ARGUMENT, "min_articles: must not be negative"},
  };
}

TEST_F(BadInputTest, EveryBadCallGetsItsCodeAndMessageAndTheServerGoesOn) {
  for (const BadCall& c : BadCalls()) {
    SCOPED_TRACE(c.name);
    const grpc::Status s = c.call(*tone_);
    EXPECT_EQ(s.error_code(), c.code) << s.error_message();
    EXPECT_EQ(s.error_message(), c.message);
    ExpectStillServes(1, c.name);
  }
}


TEST_F(BadInputTest, AStreamCancelledHalfwayStoresNothingUnacknowledged) {
  grpc::ClientContext ctx;
  v1::IngestArticlesResponse response;
  auto writer = tone_->IngestArticles(&ctx, &response);
  for (int i = 0; i < 3; ++i) {
    v1::IngestArticlesRequest request;
    *request.mutable_article() = Article(absl::StrCat("cancelled-", i), kGoodText);
    ASSERT_TRUE(writer->Write(request));
  }
  ctx.TryCancel();
  const grpc::Status s = writer->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::CANCELLED) << s.error_message();
  ExpectStillServes(1, "a cancelled stream");
  // Sent again in full, every article is stored once.
  EXPECT_EQ(Ingest({Article("cancelled-0", kGoodText),
                    Article("cancelled-1", kGoodText),
                    Article("cancelled-2", kGoodText)})
                .stored(),
            3);
  ExpectStillServes(4, "the retry");
}

TEST_F(BadInputTest, ADeadlineThatExpiresMidStreamStoresNothingUnacknowledged) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() +
                   std::chrono::milliseconds(300));
  v1::IngestArticlesResponse response;
  auto writer = tone_->IngestArticles(&ctx, &response);
  v1::IngestArticlesRequest request;
  *request.mutable_article() = Article("late", kGoodText);
  ASSERT_TRUE(writer->Write(request));
  // No WritesDone: the stream stays open until the deadline ends it.
  const grpc::Status s = writer->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << s.error_message();
  ExpectStillServes(1, "an expired stream");
  // The server saw it end too, and logged it.
  std::string log;
  for (int i = 0; i < 50; ++i) {  // the handler may finish a moment later
    log = server_->LogText();
    if (log.find("\"method\":\"IngestArticles\",") != std::string::npos &&
        log.find("CANCELLED") != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_THAT(log, HasSubstr("the stream was cancelled or its deadline passed"));
}

TEST_F(BadInputTest, ADeadlineThatExpiresMidScoreIsDeadlineExceeded) {
  // Three megabytes of news take far longer than a millisecond to score.
  std::string text = "date 2023-04-03\n\n";
  while (text.size() + sizeof(kGoodText) < kMaxArticleBytes) {
    text += std::string(kGoodText).substr(17);
  }
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() +
                   std::chrono::milliseconds(1));
  v1::ScoreArticleRequest request;
  request.mutable_article()->set_text(text);
  v1::ScoreArticleResponse response;
  const grpc::Status s = tone_->ScoreArticle(&ctx, request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << s.error_message();
  ExpectStillServes(1, "an expired score");
}

// The names of every actor in the shipped gazetteer, over and over: a text
// that names a hundred thousand countries is scored, not a crash or a hang,
// and its answer fits the message limit.
TEST_F(BadInputTest, AHundredThousandCountryNamesInOneText) {
  std::vector<std::string> names;
  for (absl::string_view line :
       absl::StrSplit(ReadTestFile(DefaultGazetteerPath()), '\n')) {
    if (!absl::ConsumePrefix(&line, "name ")) continue;
    line = line.substr(0, line.find('#'));
    for (absl::string_view name : absl::StrSplit(line, ';')) {
      name = absl::StripAsciiWhitespace(name);
      absl::ConsumePrefix(&name, "^");
      absl::ConsumePrefix(&name, "=");
      if (!name.empty()) names.emplace_back(name);
    }
  }
  ASSERT_GT(names.size(), 300u);
  std::string text = "date 2024-01-01\n\n";
  for (int i = 0; i < 100000; ++i) {
    absl::StrAppend(&text, names[i % names.size()], i % 10 == 9 ? ". " : " and ");
  }
  ASSERT_LT(text.size(), kMaxArticleBytes);
  grpc::ClientContext ctx;
  v1::ScoreArticleRequest request;
  request.mutable_article()->set_text(text);
  v1::ScoreArticleResponse response;
  const grpc::Status s = tone_->ScoreArticle(&ctx, request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_GT(response.score().actors_size(), 190);
  EXPECT_GT(response.score().dyads_size(), 0);
  ExpectStillServes(1, "a hundred thousand names");
}

TEST_F(BadInputTest, IngestStreamsOverTheLimitAreResourceExhausted) {
  // kMaxIngestStreams streams held open, each with an article sent.
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<v1::IngestArticlesResponse> responses(kMaxIngestStreams);
  std::vector<std::unique_ptr<grpc::ClientWriter<v1::IngestArticlesRequest>>>
      open;
  for (int i = 0; i < kMaxIngestStreams; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    open.push_back(tone_->IngestArticles(contexts.back().get(), &responses[i]));
    v1::IngestArticlesRequest request;
    *request.mutable_article() = Article(absl::StrCat("open-", i), kGoodText);
    ASSERT_TRUE(open.back()->Write(request));
  }
  // The server takes both (it counts them as calls in flight) before the
  // probes: in a sanitizer build beside another test, once, 5 s of probes
  // came and went while one of them still waited.
  for (int i = 0; i < 600 && server_->server()->calls_in_flight() <
                                 kMaxIngestStreams;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_GE(server_->server()->calls_in_flight(), kMaxIngestStreams)
      << "the open streams were not taken in 30 s";
  // Until their handlers have counted them, an empty probe stream may
  // still get in (it stores nothing and ends at once), so probe boundedly
  // until one is refused.
  grpc::Status refused;
  for (int attempt = 0; attempt < 50; ++attempt) {
    grpc::ClientContext ctx;
    v1::IngestArticlesResponse response;
    auto writer = tone_->IngestArticles(&ctx, &response);
    writer->WritesDone();
    refused = writer->Finish();
    if (refused.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(refused.error_message(),
            absl::StrCat("too many ingest streams at once (the limit is ",
                         kMaxIngestStreams, "); retry after a moment"));
  // The open streams finish normally, and then a new one is taken.
  for (int i = 0; i < kMaxIngestStreams; ++i) {
    open[i]->WritesDone();
    const grpc::Status s = open[i]->Finish();
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(responses[i].stored(), 1);
  }
  EXPECT_EQ(Ingest({Article("after", kGoodText)}).stored(), 1);
  ExpectStillServes(2 + kMaxIngestStreams, "the stream limit");
}

// Ids, texts and dyad codes that look like SQL go through every call as
// plain data: each statement binds them as parameters.
TEST_F(BadInputTest, SqlLookingInputIsStoredAndReadBackVerbatim) {
  const std::vector<std::string> ids = {
      "x'); DROP TABLE articles; --",
      "1 OR 1=1",
      "\"; DELETE FROM dyad_day_rollups; --",
      "Robert'); DROP TABLE article_dyads;--",
  };
  std::vector<v1::Article> articles;
  for (const std::string& id : ids) {
    articles.push_back(Article(
        id, std::string(kGoodText) + "'; UPDATE articles SET score = NULL; --\n"));
  }
  ASSERT_EQ(Ingest(articles).stored(), static_cast<int>(ids.size()));
  for (const std::string& id : ids) {
    grpc::ClientContext ctx;
    v1::GetArticleRequest request;
    request.set_id(id);
    v1::GetArticleResponse response;
    const grpc::Status s = tone_->GetArticle(&ctx, request, &response);
    ASSERT_TRUE(s.ok()) << id << ": " << s.error_message();
    EXPECT_EQ(response.score().id(), id);
  }
  // A dyad code that is SQL is refused as a code, before any query.
  const grpc::Status s = Trend(*tone_, [](auto* r) {
    r->mutable_dyad()->set_b("' OR 1=1 --");
  });
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(),
            "dyad: \"' OR 1=1 --\" is not an ISO 3166-1 alpha-3 code (three "
            "capital letters)");
  ExpectStillServes(1 + static_cast<int64_t>(ids.size()), "SQL-looking input");
}

}  // namespace
}  // namespace dyadtone
