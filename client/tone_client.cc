#include "client/tone_client.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "client/utf8.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/slice.h"

namespace dyadtone {
namespace {

constexpr char kHealthCheckMethod[] = "/grpc.health.v1.Health/Check";

// The health messages are two fields; encoding them by hand keeps a second
// copy of grpc/health/v1/health.proto's descriptors out of every binary that
// might also link one (a duplicate registration aborts at startup).
grpc::ByteBuffer EncodeHealthCheckRequest(const std::string& service) {
  google::protobuf::UnknownFieldSet fields;
  if (!service.empty()) fields.AddLengthDelimited(1, service);
  std::string bytes;
  fields.SerializeToString(&bytes);
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

absl::StatusOr<ServingStatus> DecodeHealthCheckResponse(
    const grpc::ByteBuffer& buffer) {
  grpc::Slice slice;
  if (grpc::Status s = buffer.DumpToSingleSlice(&slice); !s.ok()) {
    return FromGrpcStatus(s);
  }
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromArray(slice.begin(), static_cast<int>(slice.size()))) {
    return absl::DataLossError("malformed HealthCheckResponse");
  }
  ServingStatus status = ServingStatus::kUnknown;
  for (int i = 0; i < fields.field_count(); ++i) {
    const google::protobuf::UnknownField& f = fields.field(i);
    if (f.number() == 1 &&
        f.type() == google::protobuf::UnknownField::TYPE_VARINT) {
      const uint64_t v = f.varint();
      status = v <= 3 ? static_cast<ServingStatus>(v) : ServingStatus::kUnknown;
    }
  }
  return status;
}

}  // namespace

absl::Status FromGrpcStatus(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

absl::string_view ServingStatusName(ServingStatus status) {
  switch (status) {
    case ServingStatus::kServing:
      return "SERVING";
    case ServingStatus::kNotServing:
      return "NOT_SERVING";
    case ServingStatus::kServiceUnknown:
      return "SERVICE_UNKNOWN";
    case ServingStatus::kUnknown:
      break;
  }
  return "UNKNOWN";
}

ToneClient::ToneClient(std::shared_ptr<grpc::Channel> channel,
                       absl::Duration timeout, std::string bearer_token)
    : channel_(std::move(channel)),
      stub_(v1::ToneService::NewStub(channel_)),
      admin_(v1::AdminService::NewStub(channel_)),
      timeout_(timeout),
      authorization_(
          bearer_token.empty() ? "" : absl::StrCat("Bearer ", bearer_token)) {}

void ToneClient::Prepare(grpc::ClientContext* context) const {
  if (timeout_ != absl::InfiniteDuration()) {
    context->set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  }
  if (!authorization_.empty()) {
    context->AddMetadata("authorization", authorization_);
  }
}

absl::StatusOr<v1::ScoreArticleResponse> ToneClient::ScoreArticle(
    const v1::ScoreArticleRequest& request) const {
  if (absl::Status s = CheckArticleUtf8(request.article()); !s.ok()) return s;
  grpc::ClientContext context;
  Prepare(&context);
  v1::ScoreArticleResponse response;
  grpc::Status s = stub_->ScoreArticle(&context, request, &response);
  if (!s.ok()) return FromGrpcStatus(s);
  return response;
}

absl::StatusOr<v1::IngestArticlesResponse> ToneClient::Ingest(
    const std::vector<v1::Article>& articles,
    const IngestProgress& progress) const {
  size_t next = 0;
  return Ingest(
      [&]() -> absl::StatusOr<std::optional<v1::Article>> {
        if (next == articles.size()) return std::nullopt;
        return articles[next++];
      },
      progress);
}

absl::StatusOr<v1::IngestArticlesResponse> ToneClient::Ingest(
    const ArticleSource& next, const IngestProgress& progress) const {
  grpc::ClientContext context;
  Prepare(&context);
  v1::IngestArticlesResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::IngestArticlesRequest>> writer =
      stub_->IngestArticles(&context, &response);
  absl::Status local_error;  // from `next` or a bad article: cancels
  v1::IngestArticlesRequest request;
  int sent = 0;
  while (true) {
    absl::StatusOr<std::optional<v1::Article>> article = next();
    if (!article.ok()) {
      local_error = article.status();
    } else if (article->has_value()) {
      local_error = CheckArticleUtf8(**article);
      if (!local_error.ok()) {
        local_error = absl::InvalidArgumentError(
            absl::StrCat("article ", sent, " (id \"", (*article)->id(),
                         "\"): ", local_error.message()));
      }
    }
    if (!local_error.ok()) {
      context.TryCancel();
      break;
    }
    if (!article->has_value()) break;
    *request.mutable_article() = std::move(**article);
    // A failed write means the stream is broken; Finish() says why.
    if (!writer->Write(request)) break;
    ++sent;
    if (progress) progress(sent, request.article());
  }
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  if (!local_error.ok()) return local_error;
  if (!s.ok()) return FromGrpcStatus(s);
  if (response.results_size() != sent) {
    return absl::DataLossError(absl::StrCat("the server acknowledged ",
                                            response.results_size(), " of the ",
                                            sent, " articles sent"));
  }
  return response;
}

absl::StatusOr<v1::GetTrendResponse> ToneClient::GetTrend(
    const v1::GetTrendRequest& request) const {
  grpc::ClientContext context;
  Prepare(&context);
  v1::GetTrendResponse response;
  grpc::Status s = stub_->GetTrend(&context, request, &response);
  if (!s.ok()) return FromGrpcStatus(s);
  return response;
}

absl::StatusOr<v1::ListDyadsResponse> ToneClient::ListDyads(
    const v1::ListDyadsRequest& request) const {
  grpc::ClientContext context;
  Prepare(&context);
  v1::ListDyadsResponse response;
  grpc::Status s = stub_->ListDyads(&context, request, &response);
  if (!s.ok()) return FromGrpcStatus(s);
  return response;
}

absl::StatusOr<v1::GetArticleResponse> ToneClient::GetArticle(
    const std::string& id) const {
  grpc::ClientContext context;
  Prepare(&context);
  v1::GetArticleRequest request;
  request.set_id(id);
  v1::GetArticleResponse response;
  grpc::Status s = stub_->GetArticle(&context, request, &response);
  if (!s.ok()) return FromGrpcStatus(s);
  return response;
}

absl::StatusOr<v1::GetServerInfoResponse> ToneClient::GetServerInfo() const {
  grpc::ClientContext context;
  Prepare(&context);
  v1::GetServerInfoResponse response;
  grpc::Status s =
      stub_->GetServerInfo(&context, v1::GetServerInfoRequest(), &response);
  if (!s.ok()) return FromGrpcStatus(s);
  return response;
}

absl::StatusOr<v1::ReloadDataResponse> ToneClient::ReloadData() const {
  grpc::ClientContext context;
  Prepare(&context);
  v1::ReloadDataResponse response;
  grpc::Status s =
      admin_->ReloadData(&context, v1::ReloadDataRequest(), &response);
  if (!s.ok()) return FromGrpcStatus(s);
  return response;
}

absl::StatusOr<ServingStatus> ToneClient::Health(
    const std::string& service) const {
  grpc::ClientContext context;
  Prepare(&context);
  grpc::GenericStub stub(channel_);
  const grpc::ByteBuffer request = EncodeHealthCheckRequest(service);
  grpc::ByteBuffer response;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&context, kHealthCheckMethod, grpc::StubOptions(), &request,
                 &response, [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  if (!status.ok()) return FromGrpcStatus(status);
  return DecodeHealthCheckResponse(response);
}

}  // namespace dyadtone
