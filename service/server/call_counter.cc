#include "service/server/call_counter.h"

#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "grpcpp/support/server_interceptor.h"

namespace dyadtone {

// One per call: counted from its creation to its destruction.
class CallCounter::Counted : public grpc::experimental::Interceptor {
 public:
  explicit Counted(std::atomic<int>* calls) : calls_(calls) {
    calls_->fetch_add(1, std::memory_order_relaxed);
  }
  ~Counted() override { calls_->fetch_sub(1, std::memory_order_release); }

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    methods->Proceed();
  }

 private:
  std::atomic<int>* const calls_;
};

class CallCounter::Factory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit Factory(std::atomic<int>* calls) : calls_(calls) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    // Not counted, and then not intercepted at all (gRPC runs no hooks for
    // a call without interceptors): the health service's calls.
    if (absl::StartsWith(info->method(), "/grpc.health.")) return nullptr;
    return new Counted(calls_);
  }

 private:
  std::atomic<int>* const calls_;
};

void CallCounter::Install(grpc::ServerBuilder* builder) {
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      factories;
  factories.push_back(std::make_unique<Factory>(&calls_));
  builder->experimental().SetInterceptorCreators(std::move(factories));
}

bool CallCounter::AwaitNone(absl::Time deadline) const {
  while (in_flight() > 0) {
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(2));
  }
  return true;
}

}  // namespace dyadtone
