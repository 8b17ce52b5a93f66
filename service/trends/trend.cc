#include "service/trends/trend.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace dyadtone {
namespace {

// t(0.975, df) for df = 1..30.
constexpr double kT975[] = {
    12.7062047362, 4.3026527297, 3.1824463053, 2.7764451052, 2.5705818356,
    2.4469118511,  2.3646242516, 2.3060041352, 2.2621571628, 2.2281388520,
    2.2009851601,  2.1788128297, 2.1603686565, 2.1447866879, 2.1314495456,
    2.1199052992,  2.1098155778, 2.1009220402, 2.0930240544, 2.0859634473,
    2.0796138447,  2.0738730679, 2.0686576104, 2.0638985616, 2.0595385528,
    2.0555294386,  2.0518305165, 2.0484071418, 2.0452296421, 2.0422724563,
};

int64_t QuarterIndex(absl::CivilDay day) {
  return day.year() * 4 + (day.month() - 1) / 3;
}

// What the days of one period add up to.
struct Period {
  int64_t articles = 0;
  double tone_sum = 0;
  double tone_sum_squares = 0;
  std::array<int, kNumQuadClasses> quad_counts = {0, 0, 0, 0};
  TopArticles top;  // every day's, ranked when the period closes
};

void AddDay(DayRollup& day, Period& period) {
  period.articles += day.articles;
  period.tone_sum += day.tone_sum;
  period.tone_sum_squares += day.tone_sum_squares;
  for (int q = 0; q < kNumQuadClasses; ++q) {
    period.quad_counts[q] += day.quad_counts[q];
  }
  if (period.top.empty()) {
    period.top = std::move(day.top);  // a daily trend's only day: no copy
  } else {
    period.top.insert(period.top.end(),
                      std::make_move_iterator(day.top.begin()),
                      std::make_move_iterator(day.top.end()));
  }
}

absl::InlinedVector<std::string, kTopArticles> TopIds(TopArticles top) {
  std::sort(top.begin(), top.end(), TopArticleBefore);
  absl::InlinedVector<std::string, kTopArticles> ids;
  for (auto& [id, tone] : top) {
    if (ids.size() == static_cast<size_t>(kTopArticles)) break;
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
      ids.push_back(std::move(id));
    }
  }
  return ids;
}

TrendPoint MakePoint(absl::CivilDay start, Period& period) {
  TrendPoint point;
  point.period_start = start;
  point.articles = static_cast<int>(period.articles);
  point.quad_counts = period.quad_counts;
  point.top_article_ids = TopIds(std::move(period.top));
  if (period.articles == 0) return point;
  const double n = static_cast<double>(period.articles);
  point.mean_tone = period.tone_sum / n;
  point.ci_low = point.ci_high = point.mean_tone;
  if (period.articles < 2) return point;
  // Rounding can leave the sum of squared deviations a hair below zero.
  const double squares =
      period.tone_sum_squares - period.tone_sum * period.tone_sum / n;
  const double sd = std::sqrt(std::max(0.0, squares / (n - 1)));
  point.standard_error = sd / std::sqrt(n);
  const double half = StudentT975(period.articles - 1) * point.standard_error;
  // A tone lies in [-1, 1], and so does a mean of tones: an interval from a
  // few articles can reach past that (two articles: t = 12.7) and is cut
  // back to it.
  point.ci_low = std::max(-1.0, point.mean_tone - half);
  point.ci_high = std::min(1.0, point.mean_tone + half);
  return point;
}

// Trailing window of `smoothing` points, weighted by articles: the
// window's tone sum over its article count. `tone_sums` are the points'.
void Smooth(int smoothing, const std::vector<double>& tone_sums,
            std::vector<TrendPoint>& points) {
  double tone_sum = 0;
  int64_t articles = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    tone_sum += tone_sums[i];
    articles += points[i].articles;
    if (i >= static_cast<size_t>(smoothing)) {
      tone_sum -= tone_sums[i - smoothing];
      articles -= points[i - smoothing].articles;
    }
    points[i].smoothed_tone =
        articles > 0 ? tone_sum / static_cast<double>(articles) : 0;
  }
}

}  // namespace

absl::CivilDay PeriodStart(absl::CivilDay day, Granularity g) {
  switch (g) {
    case Granularity::kDay:
      return day;
    case Granularity::kWeek:  // PrevWeekday is strictly before its argument
      return absl::PrevWeekday(day + 1, absl::Weekday::monday);
    case Granularity::kMonth:
      return absl::CivilDay(absl::CivilMonth(day));
    case Granularity::kQuarter:
      return absl::CivilDay(day.year(), (day.month() - 1) / 3 * 3 + 1, 1);
    case Granularity::kYear:
      return absl::CivilDay(absl::CivilYear(day));
  }
  return day;
}

absl::CivilDay NextPeriodStart(absl::CivilDay start, Granularity g) {
  switch (g) {
    case Granularity::kDay:
      return start + 1;
    case Granularity::kWeek:
      return start + 7;
    case Granularity::kMonth:
      return absl::CivilDay(absl::CivilMonth(start) + 1);
    case Granularity::kQuarter:
      return absl::CivilDay(absl::CivilMonth(start) + 3);
    case Granularity::kYear:
      return absl::CivilDay(absl::CivilYear(start) + 1);
  }
  return start + 1;
}

int64_t CountPeriods(absl::CivilDay from, absl::CivilDay to, Granularity g) {
  switch (g) {
    case Granularity::kDay:
      return to - from + 1;
    case Granularity::kWeek:
      return (PeriodStart(to, g) - PeriodStart(from, g)) / 7 + 1;
    case Granularity::kMonth:
      return absl::CivilMonth(to) - absl::CivilMonth(from) + 1;
    case Granularity::kQuarter:
      return QuarterIndex(to) - QuarterIndex(from) + 1;
    case Granularity::kYear:
      return absl::CivilYear(to) - absl::CivilYear(from) + 1;
  }
  return 0;
}

absl::Status ValidateTrendRange(absl::CivilDay from, absl::CivilDay to,
                                Granularity g, int64_t max_points) {
  if (from > to) {
    return absl::InvalidArgumentError(
        absl::StrCat("the range starts (", absl::FormatCivilTime(from),
                     ") after it ends (", absl::FormatCivilTime(to), ")"));
  }
  const int64_t periods = CountPeriods(from, to, g);
  if (periods > max_points) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the range ", absl::FormatCivilTime(from), " to ",
        absl::FormatCivilTime(to), " spans ", periods, " periods; at most ",
        max_points,
        " are returned: narrow the range or use a longer granularity"));
  }
  return absl::OkStatus();
}

double StudentT975(int64_t df) {
  constexpr int64_t kTabulated = sizeof(kT975) / sizeof(kT975[0]);
  if (df < 1) df = 1;
  if (df <= kTabulated) return kT975[df - 1];
  // Cornish-Fisher expansion of t around the normal quantile z; its error
  // at df = 31 is below 1e-7 and shrinks with df.
  const double z = 1.959963984540054;
  const double z2 = z * z;
  const double v = static_cast<double>(df);
  const double g1 = z * (z2 + 1) / 4;
  const double g2 = z * ((5 * z2 + 16) * z2 + 3) / 96;
  const double g3 = z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / 384;
  const double g4 =
      z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) / 92160;
  return z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v);
}

std::vector<TrendPoint> BuildTrend(std::vector<DayRollup> days,
                                   absl::CivilDay from, absl::CivilDay to,
                                   Granularity g, int smoothing,
                                   bool include_empty) {
  // Stores give the days in order; anything else is sorted first.
  const auto by_day = [](const DayRollup& x, const DayRollup& y) {
    return x.day < y.day;
  };
  if (!std::is_sorted(days.begin(), days.end(), by_day)) {
    std::stable_sort(days.begin(), days.end(), by_day);
  }
  // With the days in order the periods come out in order: one pass closes
  // a period when the next day starts a later one, and, with include_empty,
  // adds the periods with no day in between.
  std::vector<TrendPoint> points;
  std::vector<double> tone_sums;
  const int64_t periods = CountPeriods(from, to, g);
  const size_t expected_points = static_cast<size_t>(
      include_empty ? periods
                    : std::min(periods, static_cast<int64_t>(days.size())));
  points.reserve(expected_points);
  tone_sums.reserve(expected_points);
  const auto add = [&](absl::CivilDay start, Period& period) {
    points.push_back(MakePoint(start, period));
    points.back().smoothed_tone = points.back().mean_tone;
    tone_sums.push_back(period.tone_sum);
  };
  // The next period start not yet emitted, when include_empty.
  absl::CivilDay next_empty = PeriodStart(from, g);
  const auto add_empty_before = [&](absl::CivilDay limit) {
    if (!include_empty) return;
    for (; next_empty < limit && next_empty <= to;
         next_empty = NextPeriodStart(next_empty, g)) {
      Period empty;
      add(next_empty, empty);
    }
  };
  std::optional<absl::CivilDay> open;  // start of the period being summed
  Period period;
  for (DayRollup& day : days) {
    if (day.day < from || day.day > to || day.articles <= 0) continue;
    const absl::CivilDay start = PeriodStart(day.day, g);
    if (open && *open != start) {
      add(*open, period);
      period = Period();
    }
    if (!open || *open != start) {
      add_empty_before(start);
      if (include_empty && next_empty == start) {
        next_empty = NextPeriodStart(start, g);
      }
      open = start;
    }
    AddDay(day, period);
  }
  if (open) add(*open, period);
  add_empty_before(absl::CivilDay::max());
  if (smoothing > 1) Smooth(smoothing, tone_sums, points);
  return points;
}

}  // namespace dyadtone
