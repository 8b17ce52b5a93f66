#include "service/server/server.h"

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/grpc.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/server_builder.h"

namespace dyadtone {
namespace {

constexpr absl::Duration kShutdownSettle = absl::Milliseconds(50);
// Well within the second after which gRPC's callback threads sleep
// (callback_keeper.h).
constexpr absl::Duration kCallbackKeeperPeriod = absl::Milliseconds(200);

}  // namespace

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
  s->calls_.Install(&builder);
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
  s->keeper_ = std::make_unique<CallbackKeeper>(s->server_.get(),
                                                kCallbackKeeperPeriod);
  return s;
}

bool DyadtoneServer::Shutdown(absl::Duration grace) {
  // Stopped already, or never started.
  if (shut_down_ || server_ == nullptr) return true;
  shut_down_ = true;
  keeper_.reset();
  server_->GetHealthCheckService()->SetServingStatus(false);
  const absl::Time deadline = absl::Now() + grace;
  // grpc::Server::Shutdown returns when the calls in flight are done and
  // every client has closed its connection, or at the deadline: a client
  // that keeps an idle channel open (a dashboard, a pipeline between
  // batches) holds the shutdown until it reads the server's GOAWAY (about
  // 4 s for an idle grpcio channel) or the grace period ends. So Shutdown
  // runs on a thread of its own, and once no call is left this one closes
  // the remaining connections, as Shutdown itself does at the deadline.
  std::thread stop(
      [this, deadline] { server_->Shutdown(absl::ToChronoTime(deadline)); });
  // Shutdown stops taking calls first; give it that moment before counting.
  absl::SleepFor(std::min(grace, kShutdownSettle));
  const bool finished = calls_.AwaitNone(deadline);
  if (finished) grpc_server_cancel_all_calls(server_->c_server());
  stop.join();
  server_->Wait();
  return finished;
}

DyadtoneServer::~DyadtoneServer() { Shutdown(absl::Seconds(1)); }

}  // namespace dyadtone
