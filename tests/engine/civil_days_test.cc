#include "service/engine/civil_days.h"

#include <cstdint>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"

namespace dyadtone {
namespace {

// Every day from 1600 to 2400 against absl's own arithmetic and formatting.
TEST(CivilDaysTest, MatchesAbslOverEightCenturies) {
  const absl::CivilDay epoch(1970, 1, 1);
  int64_t checked = 0;
  for (absl::CivilDay day(1600, 1, 1); day <= absl::CivilDay(2400, 12, 31);
       ++day) {
    const int64_t n = day - epoch;
    ASSERT_EQ(DaysSinceEpoch(day), n) << day;
    ASSERT_EQ(CivilDayFromDaysSinceEpoch(n), day) << n;
    ASSERT_EQ(FormatIsoDay(day), absl::FormatCivilTime(day)) << day;
    ++checked;
  }
  EXPECT_EQ(checked, 292560);  // 801 years, 195 of them leap years
}

TEST(CivilDaysTest, KnownDays) {
  EXPECT_EQ(DaysSinceEpoch(absl::CivilDay(1970, 1, 1)), 0);
  EXPECT_EQ(DaysSinceEpoch(absl::CivilDay(1969, 12, 31)), -1);
  EXPECT_EQ(DaysSinceEpoch(absl::CivilDay(2000, 3, 1)), 11017);
  EXPECT_EQ(CivilDayFromDaysSinceEpoch(19865), absl::CivilDay(2024, 5, 22));
  EXPECT_EQ(FormatIsoDay(absl::CivilDay(7, 2, 3)), "0007-02-03");
  // Outside 0..9999 it is absl's form.
  EXPECT_EQ(FormatIsoDay(absl::CivilDay(12345, 6, 7)),
            absl::FormatCivilTime(absl::CivilDay(12345, 6, 7)));
}

}  // namespace
}  // namespace dyadtone
