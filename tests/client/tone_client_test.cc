// ToneClient against the real server, started in-process on a free port and
// reached over TCP (tests/test_server.h).

#include "client/tone_client.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/article_files.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/test_server.h"
#include "tests/test_util.h"

namespace dyadtone {
namespace {

using ::testing::AllOf;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::Gt;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Property;
using ::testing::SizeIs;

class ToneClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(SharedTestEngine(), nullptr);
    absl::StatusOr<std::unique_ptr<TestServer>> server = TestServer::Start(
        SharedTestEngine(),
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
    client_ = std::make_unique<ToneClient>(
        grpc::CreateChannel(server_->target(),
                            grpc::InsecureChannelCredentials()),
        absl::Seconds(30));
  }

  // Ingests the five example articles; fails the test unless all are stored.
  void IngestExamples() {
    absl::StatusOr<std::vector<v1::Article>> articles =
        ReadArticles({DYADTONE_EXAMPLES_DIR});
    ASSERT_THAT(articles, IsOk());
    absl::StatusOr<v1::IngestArticlesResponse> r = client_->Ingest(*articles);
    ASSERT_THAT(r, IsOk());
    ASSERT_EQ(r->stored(), 5) << r->DebugString();
  }

  static v1::Article Article(const std::string& id, const std::string& text) {
    v1::Article a;
    a.set_id(id);
    a.set_text(text);
    return a;
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<ToneClient> client_;
};

TEST_F(ToneClientTest, IngestReportsEachArticleAndItsProgress) {
  absl::StatusOr<std::vector<v1::Article>> articles =
      ReadArticles({DYADTONE_EXAMPLES_DIR});
  ASSERT_THAT(articles, IsOk());
  std::vector<std::pair<int, std::string>> progress;
  absl::StatusOr<v1::IngestArticlesResponse> r =
      client_->Ingest(*articles, [&](int sent, const v1::Article& a) {
        progress.emplace_back(sent, a.id());
      });
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->stored(), 5);
  EXPECT_EQ(r->rejected(), 0);
  ASSERT_THAT(r->results(), SizeIs(5));
  EXPECT_EQ(r->results(1).id(), "001_1b127f2a03108e05");
  EXPECT_EQ(r->results(1).date(), "2021-12-15");
  EXPECT_EQ(r->results(1).main_dyad().a(), "PAK");
  EXPECT_EQ(r->results(1).main_dyad().b(), "USA");
  ASSERT_THAT(progress, SizeIs(5));
  EXPECT_EQ(progress.front(),
            std::make_pair(1, std::string("000_3c450a018ff81334")));
  EXPECT_EQ(progress.back(),
            std::make_pair(5, std::string("004_23d1292f8865a412")));

  absl::StatusOr<v1::IngestArticlesResponse> again = client_->Ingest(*articles);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->unchanged(), 5);
}

TEST_F(ToneClientTest, TrendOfPakUsaByMonth) {
  IngestExamples();
  v1::GetTrendRequest request;
  request.mutable_dyad()->set_a("USA");
  request.mutable_dyad()->set_b("PAK");
  request.set_granularity(v1::GRANULARITY_MONTH);
  absl::StatusOr<v1::GetTrendResponse> trend = client_->GetTrend(request);
  ASSERT_THAT(trend, IsOk());
  EXPECT_EQ(trend->dyad().a(), "PAK");
  EXPECT_EQ(trend->dyad().b(), "USA");
  EXPECT_THAT(
      trend->points(),
      ElementsAre(Property(&v1::TrendPoint::period_start, "2021-12-01"),
                  Property(&v1::TrendPoint::period_start, "2022-12-01"),
                  Property(&v1::TrendPoint::period_start, "2023-04-01"),
                  Property(&v1::TrendPoint::period_start, "2023-06-01"),
                  Property(&v1::TrendPoint::period_start, "2024-05-01")));
  EXPECT_THAT(trend->points(),
              Each(AllOf(Property(&v1::TrendPoint::mean_tone, Gt(0.0)),
                         Property(&v1::TrendPoint::article_count, 1))));
}

TEST_F(ToneClientTest, IngestFromACallbackRejectsAnArticleWithoutADate) {
  std::vector<v1::Article> queue = {
      Article("undated", "Pakistan and the United States reaffirmed ties."),
      Article("dated",
              " date 2023-01-02 Pakistan and the United States "
              "reaffirmed their friendship.")};
  size_t next = 0;
  absl::StatusOr<v1::IngestArticlesResponse> r =
      client_->Ingest([&]() -> absl::StatusOr<std::optional<v1::Article>> {
        if (next == queue.size()) return std::nullopt;
        return queue[next++];
      });
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->rejected(), 1);
  EXPECT_EQ(r->stored(), 1);
  EXPECT_EQ(r->results(0).outcome(), v1::IngestResult::OUTCOME_REJECTED);
  EXPECT_THAT(r->results(0).error(), HasSubstr("date"));
  EXPECT_EQ(r->results(1).outcome(), v1::IngestResult::OUTCOME_STORED);
}

TEST_F(ToneClientTest, SourceErrorCancelsTheStream) {
  int calls = 0;
  absl::StatusOr<v1::IngestArticlesResponse> r =
      client_->Ingest([&]() -> absl::StatusOr<std::optional<v1::Article>> {
        if (++calls == 1) return Article("a", " date 2023-01-02 text");
        return absl::DataLossError("disk on fire");
      });
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kDataLoss, "disk on fire"));
}

TEST_F(ToneClientTest, InvalidUtf8IsCaughtBeforeSending) {
  EXPECT_THAT(client_->Ingest({Article("ok", " date 2023-01-02 fine"),
                               Article("bad", "bad \xC3 byte")}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("article 1 (id \"bad\")"),
                             HasSubstr("invalid UTF-8 at byte 4"))));
  v1::ScoreArticleRequest request;
  *request.mutable_article() = Article("bad", "\xFF");
  EXPECT_THAT(client_->ScoreArticle(request),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("article.text: invalid UTF-8 at byte 0")));
}

TEST_F(ToneClientTest, ScoreArticleStoresNothing) {
  absl::StatusOr<std::vector<v1::Article>> articles = ReadArticles(
      {absl::StrCat(DYADTONE_EXAMPLES_DIR, "/001_1b127f2a03108e05.txt")});
  ASSERT_THAT(articles, IsOk());
  v1::ScoreArticleRequest request;
  *request.mutable_article() = (*articles)[0];
  absl::StatusOr<v1::ScoreArticleResponse> r = client_->ScoreArticle(request);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->score().date(), "2021-12-15");
  EXPECT_EQ(r->score().main_dyad().a(), "PAK");
  EXPECT_THAT(r->score().dyads(), Not(IsEmpty()));
  EXPECT_THAT(r->score().evidence(), Not(IsEmpty()));

  request.set_omit_evidence(true);
  r = client_->ScoreArticle(request);
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(r->score().evidence(), IsEmpty());
  EXPECT_THAT(client_->GetArticle("001_1b127f2a03108e05"),
              StatusIs(absl::StatusCode::kNotFound, testing::_));
}

TEST_F(ToneClientTest, GetArticleAndListDyads) {
  IngestExamples();
  absl::StatusOr<v1::GetArticleResponse> a =
      client_->GetArticle("000_3c450a018ff81334");
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->score().date(), "2023-04-03");
  EXPECT_EQ(a->score().main_dyad().b(), "USA");
  EXPECT_THAT(a->text_fingerprint(), Not(IsEmpty()));

  v1::ListDyadsRequest request;
  request.set_min_articles(5);
  absl::StatusOr<v1::ListDyadsResponse> dyads = client_->ListDyads(request);
  ASSERT_THAT(dyads, IsOk());
  ASSERT_THAT(dyads->dyads(), SizeIs(1));
  EXPECT_EQ(dyads->dyads(0).dyad().a(), "PAK");
  EXPECT_EQ(dyads->dyads(0).article_count(), 5);
  EXPECT_EQ(dyads->dyads(0).first_date(), "2021-12-15");
  EXPECT_EQ(dyads->dyads(0).last_date(), "2024-05-22");
}

TEST_F(ToneClientTest, ServerErrorsKeepTheirCode) {
  EXPECT_THAT(client_->GetArticle("no such id"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("no such id")));
  v1::GetTrendRequest request;
  request.mutable_dyad()->set_a("PAK");
  request.mutable_dyad()->set_b("XXX");
  EXPECT_THAT(client_->GetTrend(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("XXX")));
}

TEST_F(ToneClientTest, ServerInfo) {
  IngestExamples();
  absl::StatusOr<v1::GetServerInfoResponse> info = client_->GetServerInfo();
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->store_backend(), "sqlite");
  EXPECT_EQ(info->stored_articles(), 5);
  EXPECT_THAT(info->lexicon_version(), Not(IsEmpty()));
  EXPECT_GT(info->actors(), 0);
  EXPECT_GT(info->signals(), 0);
}

TEST_F(ToneClientTest, Health) {
  absl::StatusOr<ServingStatus> serving = client_->Health();
  ASSERT_THAT(serving, IsOk());
  EXPECT_EQ(*serving, ServingStatus::kServing);
  server_->server()->grpc_server()->GetHealthCheckService()->SetServingStatus(
      false);
  absl::StatusOr<ServingStatus> not_serving = client_->Health();
  ASSERT_THAT(not_serving, IsOk());
  EXPECT_EQ(*not_serving, ServingStatus::kNotServing);
  EXPECT_THAT(client_->Health("no.such.Service"),
              StatusIs(absl::StatusCode::kNotFound, testing::_));
}

TEST_F(ToneClientTest, UnreachableServerIsUnavailable) {
  const std::string target = server_->target();
  server_.reset();
  ToneClient client(
      grpc::CreateChannel(target, grpc::InsecureChannelCredentials()),
      absl::Seconds(10));
  EXPECT_THAT(client.Health(),
              StatusIs(absl::StatusCode::kUnavailable, testing::_));
  EXPECT_THAT(client.GetServerInfo(),
              StatusIs(absl::StatusCode::kUnavailable, testing::_));
}

TEST(FromGrpcStatusTest, KeepsCodeAndMessage) {
  for (int code = 0; code <= 16; ++code) {
    const absl::Status s = FromGrpcStatus(
        grpc::Status(static_cast<grpc::StatusCode>(code), "why"));
    EXPECT_EQ(static_cast<int>(s.code()), code);
    if (code != 0) EXPECT_EQ(s.message(), "why") << code;
  }
  EXPECT_EQ(ServingStatusName(ServingStatus::kNotServing), "NOT_SERVING");
}

}  // namespace
}  // namespace dyadtone
