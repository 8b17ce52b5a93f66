// ToneClient: a small synchronous client of dyadtone.v1.ToneService and of
// the standard gRPC health service, over a channel the caller provides.
//
//   auto channel = grpc::CreateChannel("127.0.0.1:50051",
//                                      grpc::InsecureChannelCredentials());
//   dyadtone::ToneClient client(channel, absl::Seconds(30));
//   absl::StatusOr<v1::GetTrendResponse> trend = client.GetTrend(request);
//
// Every call gets a deadline of `timeout` from its start (for Ingest, the
// whole stream); absl::InfiniteDuration() means none. gRPC errors come back
// as the absl::Status of the same code and message. A ToneClient is
// thread-safe: calls may run concurrently on one instance.
//
// With a bearer token every call carries "authorization: Bearer <token>"
// metadata (connection.h says why metadata rather than call credentials).

#ifndef DYADTONE_CLIENT_TONE_CLIENT_H_
#define DYADTONE_CLIENT_TONE_CLIENT_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "dyadtone/v1/admin_service.grpc.pb.h"
#include "dyadtone/v1/tone_service.grpc.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"

namespace dyadtone {

// The one conversion from a gRPC status to an absl::Status: same code
// (the numbering is shared), same message.
absl::Status FromGrpcStatus(const grpc::Status& status);

// grpc.health.v1.HealthCheckResponse.ServingStatus.
enum class ServingStatus {
  kUnknown = 0,
  kServing = 1,
  kNotServing = 2,
  kServiceUnknown = 3,
};

// "SERVING", "NOT_SERVING", "UNKNOWN", "SERVICE_UNKNOWN".
absl::string_view ServingStatusName(ServingStatus status);

class ToneClient {
 public:
  // Produces the next article to ingest; std::nullopt at the end. An error
  // cancels the stream and is returned by Ingest.
  using ArticleSource =
      std::function<absl::StatusOr<std::optional<v1::Article>>()>;
  // Called after each article is written to the stream: how many have been
  // sent so far (from 1) and the article.
  using IngestProgress = std::function<void(int sent, const v1::Article&)>;

  // `bearer_token`: empty for none.
  ToneClient(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout,
             std::string bearer_token = "");

  // InvalidArgument, without a call, for an article with invalid UTF-8.
  absl::StatusOr<v1::ScoreArticleResponse> ScoreArticle(
      const v1::ScoreArticleRequest& request) const;

  // Streams `articles` to IngestArticles; the response has one result per
  // article, in order. An article with invalid UTF-8 (which protobuf cannot
  // send) cancels the stream: InvalidArgument naming its index and id; those
  // sent before it may be stored (ingesting again is safe). DataLoss when
  // the server acknowledges fewer articles than were sent.
  absl::StatusOr<v1::IngestArticlesResponse> Ingest(
      const std::vector<v1::Article>& articles,
      const IngestProgress& progress = nullptr) const;
  // Streams the articles `next` produces until it returns std::nullopt.
  absl::StatusOr<v1::IngestArticlesResponse> Ingest(
      const ArticleSource& next,
      const IngestProgress& progress = nullptr) const;

  absl::StatusOr<v1::GetTrendResponse> GetTrend(
      const v1::GetTrendRequest& request) const;
  absl::StatusOr<v1::ListDyadsResponse> ListDyads(
      const v1::ListDyadsRequest& request) const;
  absl::StatusOr<v1::GetArticleResponse> GetArticle(
      const std::string& id) const;
  absl::StatusOr<v1::GetServerInfoResponse> GetServerInfo() const;
  // AdminService.ReloadData: the server loads its data files again.
  absl::StatusOr<v1::ReloadDataResponse> ReloadData() const;

  // grpc.health.v1.Health/Check of `service` ("" is the whole server).
  absl::StatusOr<ServingStatus> Health(const std::string& service = "") const;

 private:
  // Sets the deadline and the token of a new call.
  void Prepare(grpc::ClientContext* context) const;

  const std::shared_ptr<grpc::Channel> channel_;
  const std::unique_ptr<v1::ToneService::Stub> stub_;
  const std::unique_ptr<v1::AdminService::Stub> admin_;
  const absl::Duration timeout_;
  const std::string authorization_;  // "Bearer <token>", or empty
};

}  // namespace dyadtone

#endif  // DYADTONE_CLIENT_TONE_CLIENT_H_
