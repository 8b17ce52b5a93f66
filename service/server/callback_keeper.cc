#include "service/server/callback_keeper.h"

#include <chrono>

#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/channel_arguments.h"
#include "grpcpp/support/slice.h"

namespace dyadtone {
namespace {

// The standard health service's Check; an empty request asks about the
// server as a whole.
constexpr char kHealthCheck[] = "/grpc.health.v1.Health/Check";

}  // namespace

CallbackKeeper::CallbackKeeper(grpc::Server* server, absl::Duration period)
    : channel_(server->InProcessChannel(grpc::ChannelArguments())),
      thread_([this, period] { Run(period); }) {}

CallbackKeeper::~CallbackKeeper() {
  stop_.Notify();
  thread_.join();
}

void CallbackKeeper::Run(absl::Duration period) {
  grpc::GenericStub stub(channel_);
  while (!stop_.WaitForNotificationWithTimeout(period)) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(1));
    grpc::Slice empty;
    grpc::ByteBuffer request(&empty, 1);
    grpc::ByteBuffer response;
    absl::Notification done;
    bool ok = false;
    // The callback API: its completion is one on the callback threads too.
    stub.UnaryCall(&context, kHealthCheck, grpc::StubOptions(), &request,
                   &response, [&](grpc::Status status) {
                     ok = status.ok();
                     done.Notify();
                   });
    done.WaitForNotification();  // the deadline bounds it
    if (ok) ++checks_;
  }
}

}  // namespace dyadtone
