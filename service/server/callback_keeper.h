// Keeps gRPC's callback threads from idling a whole second.
//
// gRPC 1.51 runs the callback API (here ScoreArticle, GetTrend, GetArticle
// and the health service) on a few "nexting" threads that wait at most a
// second for a completion and, when none came, sleep 100 ms before waiting
// again (CallbackAlternativeCQ in gRPC's completion_queue_cc.cc). They also
// take their turn polling the server's connections, so while they sleep a
// call on the synchronous API (IngestArticles) can wait for them: during a
// load of IngestArticles alone, about half the runs stalled 60-90 ms once a
// second, which were those 100 ms (docs/performance.md). A CallbackKeeper
// makes an in-process health check every period, so that the callback
// threads always have a completion within the second.

#ifndef DYADTONE_SERVICE_SERVER_CALLBACK_KEEPER_H_
#define DYADTONE_SERVICE_SERVER_CALLBACK_KEEPER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/server.h"

namespace dyadtone {

class CallbackKeeper {
 public:
  // Checks `server`'s health service (which must be enabled) in-process
  // every `period`, from a thread of its own. REQUIRES: `server` is
  // started and outlives the keeper.
  CallbackKeeper(grpc::Server* server, absl::Duration period);
  // Stops; returns once the last check is done.
  ~CallbackKeeper();

  CallbackKeeper(const CallbackKeeper&) = delete;
  CallbackKeeper& operator=(const CallbackKeeper&) = delete;

  // Checks answered OK so far.
  int64_t checks() const { return checks_.load(); }

 private:
  void Run(absl::Duration period);

  std::shared_ptr<grpc::Channel> channel_;
  std::atomic<int64_t> checks_{0};
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_SERVER_CALLBACK_KEEPER_H_
