#include "service/server/request_log.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"

namespace dyadtone {
namespace {

// JSON string escaping for log values.
std::string Quote(absl::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out += "\"";
  return out;
}

const char* CodeName(grpc::StatusCode code) {
  static const char* kNames[] = {
      "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
      "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
      "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
      "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
  const int i = static_cast<int>(code);
  return i >= 0 && i <= 16 ? kNames[i] : "UNKNOWN";
}

}  // namespace

void RequestLog::Write(
    absl::string_view level, absl::string_view msg,
    const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string line = absl::StrCat(
      "{\"ts\":", Quote(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                         absl::UTCTimeZone())),
      ",\"level\":", Quote(level), ",\"msg\":", Quote(msg));
  for (const auto& [k, v] : fields) {
    absl::StrAppend(&line, ",", Quote(k), ":", Quote(v));
  }
  line += "}\n";
  absl::MutexLock lock(&mu_);
  std::fputs(line.c_str(), out_);
  std::fflush(out_);
}

ScopedRequestLog::~ScopedRequestLog() {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"method", method_},
      {"peer", context_ != nullptr ? context_->peer() : ""},
      {"code", CodeName(status_.error_code())},
      {"ms", absl::StrFormat("%.3f", absl::ToDoubleMilliseconds(
                                         absl::Now() - start_))}};
  if (!status_.ok()) fields.emplace_back("error", status_.error_message());
  for (auto& f : fields_) fields.push_back(std::move(f));
  log_->Write(status_.ok() ? "info" : "warn", "rpc", fields);
}

}  // namespace dyadtone
