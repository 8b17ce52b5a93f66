// Status matchers and file helpers for the tests. Debian 12's Abseil has no
// status_matchers.h, so these ten lines stand in (leveldb's testutil.h does
// the same).

#ifndef DYADTONE_TESTS_TEST_UTIL_H_
#define DYADTONE_TESTS_TEST_UTIL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "service/engine/spec_reader.h"

namespace dyadtone {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

MATCHER(IsOk, "is OK") {
  *result_listener << "status is " << GetStatus(arg);
  return GetStatus(arg).ok();
}

MATCHER_P2(StatusIs, code, message_matcher,
           "has code " + absl::StatusCodeToString(code)) {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "status is " << s;
  return s.code() == code &&
         ::testing::Matches(message_matcher)(std::string(s.message()));
}

// Reads a file that must exist; fails the test otherwise.
inline std::string ReadTestFile(const std::string& path) {
  std::string content;
  const absl::Status s = ReadFileToString(path, &content);
  EXPECT_TRUE(s.ok()) << s;
  return content;
}

}  // namespace dyadtone

#endif  // DYADTONE_TESTS_TEST_UTIL_H_
