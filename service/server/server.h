// Builds and runs the gRPC server: ToneService, the standard health
// service, server reflection, message size and thread limits, TLS and
// bearer tokens.

#ifndef DYADTONE_SERVICE_SERVER_SERVER_H_
#define DYADTONE_SERVICE_SERVER_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "service/server/admin_service.h"
#include "service/server/call_counter.h"
#include "service/server/callback_keeper.h"
#include "service/server/model_holder.h"
#include "service/server/security.h"
#include "service/server/tone_service.h"

namespace dyadtone {

struct ServerOptions {
  // host:port to listen on; port 0 picks a free one.
  std::string listen = "127.0.0.1:50051";
  // Largest request or response message, in bytes.
  int max_message_bytes = 32 << 20;
  // Threads serving calls (0: gRPC's default).
  int threads = 0;
  // Calls one client connection may have open at once (HTTP/2
  // SETTINGS_MAX_CONCURRENT_STREAMS); more wait in the client.
  int max_concurrent_streams = 100;
  // TLS, mutual TLS and bearer tokens; by default plaintext and open.
  SecurityOptions security;
};

class DyadtoneServer {
 public:
  // Starts serving ToneService and AdminService. The models, store and log
  // must outlive the server. A bad security setting or file is an error
  // naming it (security.h).
  static absl::StatusOr<std::unique_ptr<DyadtoneServer>> Start(
      const ServerOptions& options, ModelHolder* models, ArticleStore* store,
      RequestLog* log, ToneServiceOptions service_options);

  ~DyadtoneServer();

  // The token file's tokens, to read again (TokenHolder::Reload); null
  // when the server has no token file.
  TokenHolder* tokens() { return tokens_.get(); }

  // The port actually bound.
  int port() const { return port_; }
  grpc::Server* grpc_server() { return server_.get(); }

  // Reports NOT_SERVING on the health service, then stops accepting calls
  // and waits up to `grace` for those in flight before cancelling them.
  // Returns once they are done: connections that clients keep open with no
  // call on them are closed then, not waited for. True if every call
  // finished within the grace; false if some were cancelled.
  bool Shutdown(absl::Duration grace);

  // Calls in flight, as CallCounter counts them (every service's but the
  // health service's); for tests.
  int calls_in_flight() const { return calls_.in_flight(); }

 private:
  DyadtoneServer() = default;

  std::shared_ptr<TokenHolder> tokens_;
  std::unique_ptr<ToneServiceImpl> service_;
  std::unique_ptr<AdminServiceImpl> admin_;
  CallCounter calls_;  // before server_: its interceptors count into it
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<CallbackKeeper> keeper_;  // stopped before server_
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_SERVER_SERVER_H_
