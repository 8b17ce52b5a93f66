#include "service/server/model_holder.h"

#include <utility>

namespace dyadtone {

absl::StatusOr<std::unique_ptr<ModelHolder>> ModelHolder::Load(
    const EngineOptions& options) {
  absl::StatusOr<std::unique_ptr<const Engine>> engine = Engine::Create(options);
  if (!engine.ok()) return engine.status();
  return std::make_unique<ModelHolder>(options, *std::move(engine));
}

ModelHolder::ModelHolder(EngineOptions options,
                         std::shared_ptr<const Engine> engine)
    : options_(std::move(options)), engine_(std::move(engine)) {}

std::shared_ptr<const Engine> ModelHolder::Get() const {
  absl::MutexLock lock(&mu_);
  return engine_;
}

absl::StatusOr<ModelHolder::Reloaded> ModelHolder::Reload() {
  absl::MutexLock reload_lock(&reload_mu_);
  // Loading takes a while (tens of milliseconds); calls keep getting the
  // current engine meanwhile, since mu_ is taken only to swap.
  absl::StatusOr<std::unique_ptr<const Engine>> fresh = Engine::Create(options_);
  if (!fresh.ok()) return fresh.status();
  std::shared_ptr<const Engine> next = *std::move(fresh);
  Reloaded result;
  result.after = next->info();
  {
    absl::MutexLock lock(&mu_);
    result.before = engine_->info();
    engine_.swap(next);
  }
  // `next` now holds the old engine: it is freed here, or by the last call
  // still scoring with it.
  return result;
}

}  // namespace dyadtone
