// The engine the server scores with, and its hot reload.
//
// Every call takes a snapshot of the current engine (Get) and scores with
// it to the end, so a reload never changes the data under a call in flight:
// the old engine lives until the last call holding it finishes. Reload loads
// the data files again from the same paths; when they are bad, the error
// names the file, line and reason and the current engine stays.
//
// No gRPC here: the SIGHUP handler and the admin RPC both call Reload.

#ifndef DYADTONE_SERVICE_SERVER_MODEL_HOLDER_H_
#define DYADTONE_SERVICE_SERVER_MODEL_HOLDER_H_

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "service/engine/engine.h"

namespace dyadtone {

class ModelHolder {
 public:
  // Loads the engine named by `options` (the first version).
  static absl::StatusOr<std::unique_ptr<ModelHolder>> Load(
      const EngineOptions& options);

  // Serves `engine`; Reload loads from `options`.
  ModelHolder(EngineOptions options, std::shared_ptr<const Engine> engine);

  ModelHolder(const ModelHolder&) = delete;
  ModelHolder& operator=(const ModelHolder&) = delete;

  // The engine for one call. Thread-safe; never null.
  std::shared_ptr<const Engine> Get() const ABSL_LOCKS_EXCLUDED(mu_);

  struct Reloaded {
    ModelInfo before;
    ModelInfo after;
  };
  // Loads the data files again. On success new calls get the new engine;
  // on error (the status names file, line and reason) nothing changes.
  // Reloads run one at a time; calls go on meanwhile.
  absl::StatusOr<Reloaded> Reload() ABSL_LOCKS_EXCLUDED(reload_mu_, mu_);

 private:
  const EngineOptions options_;
  absl::Mutex reload_mu_;  // one reload at a time, without blocking Get
  mutable absl::Mutex mu_;
  std::shared_ptr<const Engine> engine_ ABSL_GUARDED_BY(mu_);
};

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_SERVER_MODEL_HOLDER_H_
