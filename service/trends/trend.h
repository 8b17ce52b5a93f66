// Trends: a dyad's daily rollups merged into periods (day, ISO week, month,
// quarter, year), each with the mean tone, its standard error and 95%
// confidence interval, the quad counts, the top articles and an optional
// moving average. Pure functions: no I/O, no state, safe from any thread.

#ifndef DYADTONE_SERVICE_TRENDS_TREND_H_
#define DYADTONE_SERVICE_TRENDS_TREND_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "service/store/article_store.h"

namespace dyadtone {

enum class Granularity { kDay, kWeek, kMonth, kQuarter, kYear };

// The first day of the period holding `day`: the day itself; the Monday of
// its ISO week; the 1st of its month; the 1st of its quarter (January,
// April, July, October); January 1st.
absl::CivilDay PeriodStart(absl::CivilDay day, Granularity g);

// The first day of the period after the one starting on `start`.
// REQUIRES: start == PeriodStart(start, g).
absl::CivilDay NextPeriodStart(absl::CivilDay start, Granularity g);

// The number of periods that hold a day of [from, to]. REQUIRES: from <= to.
int64_t CountPeriods(absl::CivilDay from, absl::CivilDay to, Granularity g);

inline constexpr int64_t kMaxTrendPoints = 100000;

// InvalidArgument when `from` is after `to`; ResourceExhausted when
// [from, to] spans more than `max_points` periods of `g`. Call it before
// BuildTrend on a range that comes from a request.
absl::Status ValidateTrendRange(absl::CivilDay from, absl::CivilDay to,
                                Granularity g,
                                int64_t max_points = kMaxTrendPoints);

// The 0.975 quantile of Student's t distribution with `df` degrees of
// freedom, the factor of a two-sided 95% interval: 12.706 for 1, 2.042 for
// 30, 1.960 in the limit. Tabulated to 1e-9 up to 30, within 1e-6 beyond.
// REQUIRES: df >= 1.
double StudentT975(int64_t df);

struct TrendPoint {
  absl::CivilDay period_start;  // may precede `from`; only days in range count
  int articles = 0;             // 0: an empty period (include_empty)
  double mean_tone = 0;         // tone_sum / articles; 0 when empty
  // Sample standard deviation / sqrt(articles); 0 with fewer than 2.
  double standard_error = 0;
  // mean_tone -/+ StudentT975(articles - 1) * standard_error; with fewer
  // than 2 articles there is no spread to measure and both are mean_tone.
  double ci_low = 0;
  double ci_high = 0;
  std::array<int, kNumQuadClasses> quad_counts = {0, 0, 0, 0};
  // The period's articles with the largest |tone|, at most kTopArticles, in
  // the order of TopArticleBefore.
  absl::InlinedVector<std::string, kTopArticles> top_article_ids;
  // With smoothing N > 1: the mean tone of this point and the N - 1 points
  // before it in the output (fewer at the start), weighted by articles,
  // i.e. their tone sum over their article count; 0 when they have no
  // articles. Without smoothing: mean_tone.
  double smoothed_tone = 0;
};

// Merges `days` (any order; days outside [from, to] or without articles
// are ignored) into periods of `g`, oldest first. Periods without articles
// appear only when `include_empty`, then every period touching [from, to]
// is there. `smoothing` <= 1 means none.
// REQUIRES: ValidateTrendRange(from, to, g) is OK.
std::vector<TrendPoint> BuildTrend(std::vector<DayRollup> days,
                                   absl::CivilDay from, absl::CivilDay to,
                                   Granularity g, int smoothing,
                                   bool include_empty);

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_TRENDS_TREND_H_
