#include "service/server/admin_service.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "service/server/conversions.h"

namespace dyadtone {
namespace {

void FillVersion(const ModelInfo& info, v1::DataVersion* out) {
  out->set_lexicon_version(info.lexicon_version);
  out->set_lexicon_fingerprint(info.lexicon_fingerprint);
  out->set_gazetteer_version(info.gazetteer_version);
  out->set_gazetteer_fingerprint(info.gazetteer_fingerprint);
}

}  // namespace

absl::StatusOr<ModelHolder::Reloaded> ReloadAndLog(ModelHolder* models,
                                                   RequestLog* log,
                                                   absl::string_view trigger) {
  absl::StatusOr<ModelHolder::Reloaded> reloaded = models->Reload();
  if (!reloaded.ok()) {
    const ModelInfo& still = models->Get()->info();
    const absl::Status failed = absl::FailedPreconditionError(absl::StrCat(
        "reload failed, still serving lexicon ", still.lexicon_version,
        " and gazetteer ", still.gazetteer_version, ": ",
        reloaded.status().message()));
    log->Write("error", "reload failed",
               {{"trigger", std::string(trigger)},
                {"error", std::string(failed.message())}});
    return failed;
  }
  log->Write("info", "reloaded",
             {{"trigger", std::string(trigger)},
              {"lexicon", reloaded->after.lexicon_version},
              {"gazetteer", reloaded->after.gazetteer_version},
              {"previous_lexicon", reloaded->before.lexicon_version},
              {"previous_gazetteer", reloaded->before.gazetteer_version}});
  return reloaded;
}

grpc::Status AdminServiceImpl::ReloadData(grpc::ServerContext* context,
                                          const v1::ReloadDataRequest* request,
                                          v1::ReloadDataResponse* response) {
  (void)request;
  ScopedRequestLog log(log_, context, "ReloadData");
  if (grpc::Status denied =
          AuthorizeCall(tokens_.get(), *context, Access::kWrite, &log);
      !denied.ok()) {
    return log.Done(denied);
  }
  absl::StatusOr<ModelHolder::Reloaded> reloaded =
      ReloadAndLog(models_, log_, "rpc");
  if (!reloaded.ok()) return log.Done(ToGrpcStatus(reloaded.status()));
  FillVersion(reloaded->after, response->mutable_current());
  FillVersion(reloaded->before, response->mutable_previous());
  response->set_changed(
      reloaded->after.lexicon_fingerprint !=
          reloaded->before.lexicon_fingerprint ||
      reloaded->after.gazetteer_fingerprint !=
          reloaded->before.gazetteer_fingerprint);
  return log.Done(grpc::Status::OK);
}

}  // namespace dyadtone
