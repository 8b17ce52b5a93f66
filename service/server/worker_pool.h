// A fixed set of threads that run scheduled work in the order it arrives.
//
// ScoreArticle's handler runs on gRPC's callback threads, the few threads
// that also answer the health service and every other callback; it hands
// the scoring of a long article to a WorkerPool so that it never holds up
// a health check (a liveness probe) behind it.

#ifndef DYADTONE_SERVICE_SERVER_WORKER_POOL_H_
#define DYADTONE_SERVICE_SERVER_WORKER_POOL_H_

#include <deque>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace dyadtone {

class WorkerPool {
 public:
  // Starts `threads` threads; 0 or less means one a CPU.
  explicit WorkerPool(int threads);
  // Runs all the work already scheduled, then joins the threads.
  ~WorkerPool();

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs `work` on one of the threads. REQUIRES: not called during or
  // after destruction.
  void Schedule(absl::AnyInvocable<void()> work);

  int size() const { return static_cast<int>(threads_.size()); }

 private:
  void Run();

  absl::Mutex mu_;
  std::deque<absl::AnyInvocable<void()>> queue_ ABSL_GUARDED_BY(mu_);
  absl::CondVar work_;  // signalled when queue_ grows or stopping_ is set
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_SERVER_WORKER_POOL_H_
