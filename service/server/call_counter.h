// Counts the calls a gRPC server has in flight, so that a shutdown can tell
// "the calls are done" from "clients still hold idle connections".
//
// A call counts from the moment the server's code sees it until gRPC has
// sent its status and released it: the count falls when the call's server
// interceptor is destroyed, after the response is handed to the transport.
// Every service's calls count but the health service's: its Check answers
// at once, and its Watch streams last as long as a client likes; both end
// with the server. The interceptor costs about 6,000 instructions a counted
// call (callgrind: a ScoreArticle call with its evidence, 485,000 ->
// 492,000 on the server; a health Check, uncounted, 51,000 either way).

#ifndef DYADTONE_SERVICE_SERVER_CALL_COUNTER_H_
#define DYADTONE_SERVICE_SERVER_CALL_COUNTER_H_

#include <atomic>

#include "absl/time/time.h"
#include "grpcpp/server_builder.h"

namespace dyadtone {

class CallCounter {
 public:
  CallCounter() = default;
  CallCounter(const CallCounter&) = delete;
  CallCounter& operator=(const CallCounter&) = delete;

  // Counts the calls of the server `builder` builds. The counter must
  // outlive that server.
  void Install(grpc::ServerBuilder* builder);

  int in_flight() const { return calls_.load(std::memory_order_acquire); }

  // Waits until no call is in flight, or `deadline`; true if none is.
  bool AwaitNone(absl::Time deadline) const;

 private:
  class Counted;
  class Factory;

  std::atomic<int> calls_{0};
};

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_SERVER_CALL_COUNTER_H_
