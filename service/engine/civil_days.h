// Fast conversions between absl::CivilDay, a day number (days since
// 1970-01-01) and the ISO form "YYYY-MM-DD", for the paths that convert
// thousands of days a call (a ten-year trend by day has 3,653 points).
//
// absl's CivilDay + n walks year by year (hundreds of instructions for a
// date in this century) and absl::FormatCivilTime goes through the general
// time formatter; these take a few dozen. The results are identical: the
// tests compare them over every day from 1600 to 2400.

#ifndef DYADTONE_SERVICE_ENGINE_CIVIL_DAYS_H_
#define DYADTONE_SERVICE_ENGINE_CIVIL_DAYS_H_

#include <cstdint>
#include <string>

#include "absl/time/civil_time.h"

namespace dyadtone {

// Days from 1970-01-01 to `day` (negative before it).
inline int64_t DaysSinceEpoch(absl::CivilDay day) {
  // Howard Hinnant's days_from_civil: years start on March 1 so that the
  // leap day is the last day of its year.
  const int64_t m = day.month();
  const int64_t y = day.year() - (m <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;                             // [0, 399]
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + day.day() - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;     // [0, 146096]
  return era * 146097 + doe - 719468;
}

// The inverse of DaysSinceEpoch.
inline absl::CivilDay CivilDayFromDaysSinceEpoch(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;                                // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);         // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                              // [0, 11]
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return absl::CivilDay(yoe + era * 400 + (m <= 2 ? 1 : 0), m, d);
}

// "YYYY-MM-DD", as absl::FormatCivilTime gives it for years 0 to 9999;
// other years fall back to it.
inline std::string FormatIsoDay(absl::CivilDay day) {
  const int64_t y = day.year();
  if (y < 0 || y > 9999) return absl::FormatCivilTime(day);
  std::string out = "0000-00-00";
  out[0] = static_cast<char>('0' + y / 1000);
  out[1] = static_cast<char>('0' + y / 100 % 10);
  out[2] = static_cast<char>('0' + y / 10 % 10);
  out[3] = static_cast<char>('0' + y % 10);
  out[5] = static_cast<char>('0' + day.month() / 10);
  out[6] = static_cast<char>('0' + day.month() % 10);
  out[8] = static_cast<char>('0' + day.day() / 10);
  out[9] = static_cast<char>('0' + day.day() % 10);
  return out;
}

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_ENGINE_CIVIL_DAYS_H_
