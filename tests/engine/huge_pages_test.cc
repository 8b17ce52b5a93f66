#include "service/engine/huge_pages.h"

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace dyadtone {
namespace {

struct Mapping {
  uintptr_t begin = 0, end = 0;
  bool huge_advised = false;  // "hg" in VmFlags: MADV_HUGEPAGE
};

// This process's mappings, from /proc/self/smaps; empty where there is none.
std::vector<Mapping> Mappings() {
  std::vector<Mapping> out;
  std::ifstream in("/proc/self/smaps");
  std::string line;
  while (std::getline(in, line)) {
    unsigned long long b = 0, e = 0;
    char dash = 0;
    std::istringstream head(line);
    if (line.find('-') != std::string::npos &&
        (head >> std::hex >> b >> dash >> e) && dash == '-' && b < e) {
      out.push_back(Mapping{b, e, false});
    } else if (line.rfind("VmFlags:", 0) == 0 && !out.empty()) {
      out.back().huge_advised = (line + " ").find(" hg ") != std::string::npos;
    }
  }
  return out;
}

TEST(ReserveLarge, KeepsTheContents) {
  std::vector<int> v = {3, 1, 4};
  ReserveLarge(&v, 2 * kHugePageMinBytes / sizeof(int));
  EXPECT_GE(v.capacity() * sizeof(int), 2 * kHugePageMinBytes);
  EXPECT_EQ(v, (std::vector<int>{3, 1, 4}));

  std::string s = "text";
  ReserveLarge(&s, 2 * kHugePageMinBytes);
  EXPECT_GE(s.capacity(), 2 * kHugePageMinBytes);
  EXPECT_EQ(s, "text");

  const size_t capacity = v.capacity();
  ReserveLarge(&v, 10);  // already large enough: unchanged
  EXPECT_EQ(v.capacity(), capacity);
}

TEST(ReserveLarge, AdvisesHugePagesInsideALargeBufferOnly) {
  if (Mappings().empty()) GTEST_SKIP() << "no /proc/self/smaps here";
  std::vector<char> big;
  ReserveLarge(&big, 4 * kHugePageMinBytes);
  const auto first = reinterpret_cast<uintptr_t>(big.data());
  const uintptr_t last = first + big.capacity();
  uintptr_t advised = 0;
  for (const Mapping& m : Mappings()) {
    if (!m.huge_advised || m.end <= first || m.begin >= last) continue;
    // Never memory outside the buffer, which may belong to anything.
    EXPECT_GE(m.begin, first);
    EXPECT_LE(m.end, last);
    advised += m.end - m.begin;
  }
  // Every whole 2 MiB page of the buffer: all of its 16 MiB but the partial
  // pages at its two ends.
  EXPECT_GE(advised, 4 * kHugePageMinBytes - (size_t{4} << 20));
}

TEST(AdviseHugePages, LeavesSmallBuffersAlone) {
  if (Mappings().empty()) GTEST_SKIP() << "no /proc/self/smaps here";
  // A small buffer inside a fresh mapping of its own, so that nothing
  // advised before can share its mapping.
  std::vector<char> big(4 * kHugePageMinBytes);
  const auto first = reinterpret_cast<uintptr_t>(big.data());
  AdviseHugePages(big.data(), kHugePageMinBytes - 1);
  for (const Mapping& m : Mappings()) {
    if (m.end <= first || m.begin >= first + big.size()) continue;
    EXPECT_FALSE(m.huge_advised) << std::hex << m.begin << "-" << m.end;
  }
}

}  // namespace
}  // namespace dyadtone
