// CallbackKeeper: its health checks go through a real server's callback
// API and answer, it stops promptly, and the server's own keeper is not a
// call in flight that a shutdown would wait for.

#include "service/server/callback_keeper.h"

#include <memory>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/test_server.h"
#include "tests/test_util.h"

namespace dyadtone {
namespace {

TEST(CallbackKeeper, ChecksTheHealthServiceUntilStopped) {
  ASSERT_NE(SharedTestEngine(), nullptr);
  auto server = TestServer::Start(SharedTestEngine(), "callback_keeper");
  ASSERT_THAT(server, IsOk());
  grpc::Server* grpc_server = (*server)->server()->grpc_server();

  int64_t checks = 0;
  {
    CallbackKeeper keeper(grpc_server, absl::Milliseconds(5));
    // Bounded: 5 s at most, far more than three checks need.
    for (int i = 0; i < 500 && keeper.checks() < 3; ++i) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    checks = keeper.checks();
  }  // stops here: a hang would time the test out
  EXPECT_GE(checks, 3);

  // The server's own keeper checks every 200 ms; none of its checks is
  // counted as a call in flight.
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ((*server)->server()->calls_in_flight(), 0);
}

}  // namespace
}  // namespace dyadtone
