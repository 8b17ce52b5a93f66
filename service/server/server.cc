#include "service/server/server.h"

#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/server_builder.h"

namespace dyadtone {

absl::StatusOr<std::unique_ptr<DyadtoneServer>> DyadtoneServer::Start(
    const ServerOptions& options, ModelHolder* models, ArticleStore* store,
    RequestLog* log, ToneServiceOptions service_options) {
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      MakeServerCredentials(options.security);
  if (!credentials.ok()) return credentials.status();
  absl::StatusOr<std::shared_ptr<TokenHolder>> tokens =
      MakeTokenHolder(options.security);
  if (!tokens.ok()) return tokens.status();

  std::unique_ptr<DyadtoneServer> s(new DyadtoneServer());
  if (*tokens != nullptr) {
    s->tokens_ = *tokens;
    service_options.tokens = *tokens;
  }
  s->admin_ =
      std::make_unique<AdminServiceImpl>(models, log, service_options.tokens);
  s->service_ = std::make_unique<ToneServiceImpl>(models, store, log,
                                                  std::move(service_options));
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // Health and reflection share the port and its transport security but
  // need no token: the token check is in ToneService's and AdminService's
  // handlers.
  builder.AddListeningPort(options.listen, *credentials, &s->port_);
  builder.RegisterService(s->service_.get());
  builder.RegisterService(s->admin_.get());
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  // A second server on a port in use fails to start instead of sharing it
  // (gRPC sets SO_REUSEPORT by default, which lets both listen).
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             options.max_concurrent_streams);
  if (options.threads > 0) {
    grpc::ResourceQuota quota("dyadtoned");
    quota.SetMaxThreads(options.threads + 1);
    builder.SetResourceQuota(quota);
  }
  s->server_ = builder.BuildAndStart();
  if (s->server_ == nullptr || s->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen));
  }
  s->server_->GetHealthCheckService()->SetServingStatus(true);
  return s;
}

void DyadtoneServer::Shutdown(absl::Duration grace) {
  if (shut_down_ || server_ == nullptr) return;  // stopped, or never started
  shut_down_ = true;
  server_->GetHealthCheckService()->SetServingStatus(false);
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  server_->Wait();
}

DyadtoneServer::~DyadtoneServer() { Shutdown(absl::Seconds(1)); }

}  // namespace dyadtone
