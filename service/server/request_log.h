// Structured logs: one JSON object a line, for every request and error.

#ifndef DYADTONE_SERVICE_SERVER_REQUEST_LOG_H_
#define DYADTONE_SERVICE_SERVER_REQUEST_LOG_H_

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"

namespace dyadtone {

class RequestLog {
 public:
  // Writes to `out` (not owned; stderr by default). Thread-safe.
  explicit RequestLog(std::FILE* out = stderr) : out_(out) {}

  // One line: {"ts":...,"level":...,"msg":...,<fields>}. Field values are
  // JSON-escaped strings.
  void Write(absl::string_view level, absl::string_view msg,
             const std::vector<std::pair<std::string, std::string>>& fields);

 private:
  friend class ScopedRequestLog;

  // Ends `line` (an object without its closing brace) and writes it.
  void WriteLine(std::string line);

  absl::Mutex mu_;
  std::FILE* const out_;
};

// Logs one RPC when it goes out of scope: method, peer, status code,
// message for errors, duration and any fields added.
class ScopedRequestLog {
 public:
  ScopedRequestLog(RequestLog* log, grpc::ServerContextBase* context,
                   absl::string_view method)
      : log_(log), context_(context), method_(method), start_(absl::Now()) {}
  ~ScopedRequestLog();

  void Add(std::string key, std::string value) {
    fields_.emplace_back(std::move(key), std::move(value));
  }
  // Records the status the handler returns, and returns it.
  grpc::Status Done(grpc::Status status) {
    status_ = status;
    return status;
  }

 private:
  RequestLog* log_;
  grpc::ServerContextBase* context_;
  std::string method_;
  absl::Time start_;
  grpc::Status status_;
  std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_SERVER_REQUEST_LOG_H_
