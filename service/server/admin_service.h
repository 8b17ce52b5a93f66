// The gRPC handlers of dyadtone.v1.AdminService: operating a running
// server (hot reload of the data files).

#ifndef DYADTONE_SERVICE_SERVER_ADMIN_SERVICE_H_
#define DYADTONE_SERVICE_SERVER_ADMIN_SERVICE_H_

#include <memory>
#include <utility>

#include "absl/status/statusor.h"
#include "dyadtone/v1/admin_service.grpc.pb.h"
#include "service/server/auth.h"
#include "service/server/model_holder.h"
#include "service/server/request_log.h"

namespace dyadtone {

// Reloads the data files and logs the outcome: the one path SIGHUP and the
// ReloadData RPC share. On failure the status is FailedPrecondition and
// says what still serves.
absl::StatusOr<ModelHolder::Reloaded> ReloadAndLog(ModelHolder* models,
                                                   RequestLog* log,
                                                   absl::string_view trigger);

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  // `models` and `log` must outlive the service. With an `authorizer`,
  // every call needs write access (a token).
  AdminServiceImpl(ModelHolder* models, RequestLog* log,
                   std::shared_ptr<const TokenHolder> tokens)
      : models_(models), log_(log), tokens_(std::move(tokens)) {}

  grpc::Status ReloadData(grpc::ServerContext* context,
                          const v1::ReloadDataRequest* request,
                          v1::ReloadDataResponse* response) override;

 private:
  ModelHolder* const models_;
  RequestLog* const log_;
  const std::shared_ptr<const TokenHolder> tokens_;
};

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_SERVER_ADMIN_SERVICE_H_
