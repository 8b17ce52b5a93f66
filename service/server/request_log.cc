#include "service/server/request_log.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"

namespace dyadtone {
namespace {

// Appends `s` as a JSON string: quoted, with quotes, backslashes and
// control characters escaped. Runs that need no escape go in one append.
void AppendQuoted(absl::string_view s, std::string* out) {
  out->push_back('"');
  size_t plain = 0;  // start of the run not yet appended
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default: absl::StrAppendFormat(out, "\\u%04x", c);
    }
  }
  out->append(s.data() + plain, s.size() - plain);
  out->push_back('"');
}

// Writes `v` as `digits` decimal digits, zero padded, at `at`.
void PutDigits(char* at, int64_t v, int digits) {
  for (int i = digits - 1; i >= 0; --i, v /= 10) {
    at[i] = static_cast<char>('0' + v % 10);
  }
}

// Appends `t` as a quoted UTC time to the millisecond,
// "2026-12-07T14:13:35.335Z": what absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ")
// writes, without parsing a format for every line of the log.
void AppendTimestamp(absl::Time t, std::string* out) {
  const absl::TimeZone::CivilInfo ci = absl::UTCTimeZone().At(t);
  if (ci.cs.year() < 0 || ci.cs.year() > 9999) {  // a clock gone wrong
    AppendQuoted(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t,
                                  absl::UTCTimeZone()),
                 out);
    return;
  }
  char buf[] = "\"0000-00-00T00:00:00.000Z\"";
  PutDigits(buf + 1, ci.cs.year(), 4);
  PutDigits(buf + 6, ci.cs.month(), 2);
  PutDigits(buf + 9, ci.cs.day(), 2);
  PutDigits(buf + 12, ci.cs.hour(), 2);
  PutDigits(buf + 15, ci.cs.minute(), 2);
  PutDigits(buf + 18, ci.cs.second(), 2);
  PutDigits(buf + 21, absl::ToInt64Milliseconds(ci.subsecond), 3);
  out->append(buf, sizeof(buf) - 1);
}

// Appends ,"key":"value".
void AppendField(absl::string_view key, absl::string_view value,
                 std::string* out) {
  out->push_back(',');
  AppendQuoted(key, out);
  out->push_back(':');
  AppendQuoted(value, out);
}

// {"ts":...,"level":...,"msg":...: a line's start, its fields to follow.
std::string LineStart(absl::string_view level, absl::string_view msg) {
  std::string line = "{\"ts\":";
  line.reserve(256);
  AppendTimestamp(absl::Now(), &line);
  line.append(",\"level\":");
  AppendQuoted(level, &line);
  line.append(",\"msg\":");
  AppendQuoted(msg, &line);
  return line;
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
  std::string line = LineStart(level, msg);
  for (const auto& [k, v] : fields) AppendField(k, v, &line);
  WriteLine(std::move(line));
}

void RequestLog::WriteLine(std::string line) {
  line += "}\n";
  absl::MutexLock lock(&mu_);
  std::fputs(line.c_str(), out_);
  std::fflush(out_);
}

ScopedRequestLog::~ScopedRequestLog() {
  // Never negative, should the wall clock step back during the call.
  const int64_t us =
      std::max<int64_t>(0, absl::ToInt64Microseconds(absl::Now() - start_));
  std::string line = LineStart(status_.ok() ? "info" : "warn", "rpc");
  AppendField("method", method_, &line);
  AppendField("peer", context_ != nullptr ? context_->peer() : "", &line);
  AppendField("code", CodeName(status_.error_code()), &line);
  // Milliseconds with three decimals, as "%.3f" would write them.
  AppendField("ms",
              absl::StrCat(us / 1000, ".", absl::Dec(us % 1000, absl::kZeroPad3)),
              &line);
  if (!status_.ok()) AppendField("error", status_.error_message(), &line);
  for (const auto& [k, v] : fields_) AppendField(k, v, &line);
  log_->WriteLine(std::move(line));
}

}  // namespace dyadtone
