#include "service/trends/trend.h"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace dyadtone {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using G = Granularity;
using D = absl::CivilDay;

// A day of `tones`, with one VCOOP signal per article and every article in
// its top list.
DayRollup Day(D day, const std::vector<std::pair<std::string, double>>& tones) {
  DayRollup rollup;
  rollup.day = day;
  for (const auto& [id, tone] : tones) {
    ++rollup.articles;
    rollup.tone_sum += tone;
    rollup.tone_sum_squares += tone * tone;
    ++rollup.quad_counts[0];
    rollup.top.emplace_back(id, tone);
  }
  return rollup;
}

std::vector<D> Starts(const std::vector<TrendPoint>& points) {
  std::vector<D> starts;
  for (const TrendPoint& p : points) starts.push_back(p.period_start);
  return starts;
}

TEST(PeriodTest, PeriodStart) {
  const struct {
    D day;
    G g;
    D start;
  } cases[] = {
      {D(2024, 5, 22), G::kDay, D(2024, 5, 22)},
      {D(2024, 5, 22), G::kWeek, D(2024, 5, 20)},  // Wednesday
      {D(2024, 5, 20), G::kWeek, D(2024, 5, 20)},  // Monday
      {D(2024, 5, 26), G::kWeek, D(2024, 5, 20)},  // Sunday
      {D(2021, 1, 3), G::kWeek, D(2020, 12, 28)},  // across the year
      {D(2024, 2, 29), G::kMonth, D(2024, 2, 1)},
      {D(2024, 3, 31), G::kQuarter, D(2024, 1, 1)},
      {D(2024, 5, 22), G::kQuarter, D(2024, 4, 1)},
      {D(2024, 9, 30), G::kQuarter, D(2024, 7, 1)},
      {D(2024, 12, 31), G::kQuarter, D(2024, 10, 1)},
      {D(2024, 12, 31), G::kYear, D(2024, 1, 1)},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(PeriodStart(c.day, c.g), c.start) << c.day << " " << int(c.g);
  }
}

TEST(PeriodTest, NextPeriodStartAndCount) {
  const struct {
    D start;
    G g;
    D next;
  } next_cases[] = {
      {D(2024, 2, 28), G::kDay, D(2024, 2, 29)},
      {D(2024, 12, 30), G::kWeek, D(2025, 1, 6)},
      {D(2024, 1, 1), G::kMonth, D(2024, 2, 1)},
      {D(2024, 10, 1), G::kQuarter, D(2025, 1, 1)},
      {D(2024, 1, 1), G::kYear, D(2025, 1, 1)},
  };
  for (const auto& c : next_cases) {
    EXPECT_EQ(NextPeriodStart(c.start, c.g), c.next) << c.start;
  }
  const struct {
    D from;
    D to;
    G g;
    int64_t periods;
  } count_cases[] = {
      {D(2024, 1, 1), D(2024, 1, 31), G::kDay, 31},
      {D(2024, 1, 1), D(2024, 1, 1), G::kDay, 1},
      {D(2024, 5, 22), D(2024, 6, 3), G::kWeek, 3},
      {D(2023, 11, 15), D(2024, 2, 1), G::kMonth, 4},
      {D(2023, 12, 31), D(2024, 1, 1), G::kQuarter, 2},
      {D(2020, 6, 1), D(2024, 1, 1), G::kYear, 5},
  };
  for (const auto& c : count_cases) {
    EXPECT_EQ(CountPeriods(c.from, c.to, c.g), c.periods) << c.from;
  }
}

TEST(ValidateTrendRangeTest, RejectsReversedAndHugeRanges) {
  EXPECT_THAT(ValidateTrendRange(D(2024, 2, 1), D(2024, 1, 1), G::kDay),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("starts (2024-02-01) after it ends")));
  EXPECT_THAT(ValidateTrendRange(D(1000, 1, 1), D(2000, 1, 1), G::kDay),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("at most 100000")));
  EXPECT_THAT(ValidateTrendRange(D(1000, 1, 1), D(2000, 1, 1), G::kYear),
              IsOk());
  EXPECT_THAT(ValidateTrendRange(D(2024, 1, 1), D(2024, 1, 10), G::kDay, 10),
              IsOk());
  EXPECT_THAT(ValidateTrendRange(D(2024, 1, 1), D(2024, 1, 11), G::kDay, 10),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("spans 11 periods")));
}

TEST(StudentT975Test, KnownQuantiles) {
  const struct {
    int64_t df;
    double t;
  } cases[] = {
      {1, 12.7062047362}, {2, 4.3026527297},   {10, 2.2281388520},
      {30, 2.0422724563}, {31, 2.0395134464},  {40, 2.0210753903},
      {60, 2.0002978220}, {120, 1.9799304051}, {1000, 1.9623390808},
  };
  for (const auto& c : cases) EXPECT_NEAR(StudentT975(c.df), c.t, 1e-6) << c.df;
  for (int64_t df = 1; df < 300; ++df) {
    EXPECT_GT(StudentT975(df), StudentT975(df + 1)) << df;
  }
}

TEST(BuildTrendTest, MeanStandardErrorAndInterval) {
  // 0.2, 0.4, 0.6 over two days of one week: mean 0.4, sample SD 0.2.
  const std::vector<TrendPoint> points =
      BuildTrend({Day(D(2024, 5, 21), {{"a", 0.2}, {"b", 0.4}}),
                  Day(D(2024, 5, 23), {{"c", 0.6}})},
                 D(2024, 5, 1), D(2024, 5, 31), G::kWeek, 0, false);
  ASSERT_EQ(points.size(), 1u);
  const TrendPoint& p = points[0];
  EXPECT_EQ(p.period_start, D(2024, 5, 20));
  EXPECT_EQ(p.articles, 3);
  EXPECT_NEAR(p.mean_tone, 0.4, 1e-12);
  EXPECT_NEAR(p.standard_error, 0.11547005383792516, 1e-12);
  EXPECT_NEAR(p.ci_low, -0.09682754234435464, 1e-9);  // t(2) = 4.3027
  EXPECT_NEAR(p.ci_high, 0.8968275423443547, 1e-9);
  EXPECT_EQ(p.quad_counts, (std::array<int, 4>{3, 0, 0, 0}));
  EXPECT_THAT(p.top_article_ids, ElementsAre("c", "b", "a"));
  EXPECT_DOUBLE_EQ(p.smoothed_tone, p.mean_tone);
}

TEST(BuildTrendTest, SmallAndFlatPeriods) {
  const std::vector<TrendPoint> points =
      BuildTrend({Day(D(2024, 1, 1), {{"a", -0.3}}),
                  Day(D(2024, 1, 2), {{"b", 0.1}, {"c", 0.1}, {"d", 0.1}}),
                  Day(D(2024, 1, 3), {{"e", 0.1}, {"f", 0.5}})},
                 D(2024, 1, 1), D(2024, 1, 3), G::kDay, 0, false);
  ASSERT_EQ(points.size(), 3u);
  // One article: no spread to measure.
  EXPECT_DOUBLE_EQ(points[0].mean_tone, -0.3);
  EXPECT_EQ(points[0].standard_error, 0);
  EXPECT_EQ(points[0].ci_low, -0.3);
  EXPECT_EQ(points[0].ci_high, -0.3);
  // Equal tones: rounding must not make the variance negative (NaN).
  EXPECT_FALSE(std::isnan(points[1].standard_error));
  EXPECT_NEAR(points[1].standard_error, 0, 1e-9);
  EXPECT_NEAR(points[1].ci_low, 0.1, 1e-6);
  // Two articles: SD 0.2828, SE 0.2, t(1) = 12.706: 0.3 +- 2.54 reaches
  // past the tone's range on both sides and is cut to it.
  EXPECT_NEAR(points[2].standard_error, 0.2, 1e-12);
  EXPECT_EQ(points[2].ci_low, -1.0);
  EXPECT_EQ(points[2].ci_high, 1.0);
}

TEST(BuildTrendTest, AnIntervalPastTheTonesRangeIsCutOnThatSideOnly) {
  const std::vector<TrendPoint> points =
      BuildTrend({Day(D(2024, 1, 1), {{"a", 0.9}, {"b", 0.7}, {"c", 0.95}})},
                 D(2024, 1, 1), D(2024, 1, 1), G::kDay, 0, false);
  ASSERT_EQ(points.size(), 1u);
  // Mean 0.85, SE 0.0764, t(2) = 4.3027: 0.521 to 1.179, cut at 1.
  EXPECT_NEAR(points[0].mean_tone, 0.85, 1e-12);
  EXPECT_NEAR(points[0].ci_low, 0.5213795, 1e-6);
  EXPECT_EQ(points[0].ci_high, 1.0);
}

TEST(BuildTrendTest, MergesTopListsAndKeepsToTheRange) {
  const std::vector<TrendPoint> points =
      BuildTrend({Day(D(2024, 2, 3), {{"f", 0.2}}),  // after the range's month
                  Day(D(2024, 1, 20), {{"c", -0.95}, {"d", 0.1}}),
                  Day(D(2024, 1, 5), {{"a", 0.9}, {"b", -0.3}}),
                  Day(D(2023, 12, 31), {{"z", 1.0}}),  // before `from`
                  Day(D(2024, 1, 9), {{"e", 0.3}})},
                 D(2024, 1, 1), D(2024, 2, 3), G::kMonth, 0, false);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].period_start, D(2024, 1, 1));
  EXPECT_EQ(points[0].articles, 5);
  EXPECT_THAT(points[0].top_article_ids, ElementsAre("c", "a", "b"));
  EXPECT_EQ(points[1].period_start, D(2024, 2, 1));
  EXPECT_THAT(points[1].top_article_ids, ElementsAre("f"));

  // A week that starts before `from` counts only the days from `from` on.
  const std::vector<TrendPoint> week = BuildTrend(
      {Day(D(2024, 5, 20), {{"x", 1}}), Day(D(2024, 5, 22), {{"y", 0.5}})},
      D(2024, 5, 21), D(2024, 5, 31), G::kWeek, 0, false);
  ASSERT_EQ(week.size(), 1u);
  EXPECT_EQ(week[0].period_start, D(2024, 5, 20));
  EXPECT_EQ(week[0].articles, 1);
}

TEST(BuildTrendTest, IncludeEmptyFillsTheRange) {
  const std::vector<DayRollup> days = {Day(D(2024, 2, 10), {{"a", 0.5}})};
  const std::vector<TrendPoint> filled =
      BuildTrend(days, D(2024, 1, 15), D(2024, 4, 10), G::kMonth, 0, true);
  EXPECT_THAT(Starts(filled), ElementsAre(D(2024, 1, 1), D(2024, 2, 1),
                                          D(2024, 3, 1), D(2024, 4, 1)));
  EXPECT_EQ(filled[0].articles, 0);
  EXPECT_EQ(filled[0].mean_tone, 0);
  EXPECT_THAT(filled[0].top_article_ids, IsEmpty());
  EXPECT_EQ(filled[1].articles, 1);
  EXPECT_THAT(Starts(BuildTrend(days, D(2024, 1, 15), D(2024, 4, 10), G::kMonth,
                                0, false)),
              ElementsAre(D(2024, 2, 1)));
  EXPECT_THAT(
      BuildTrend({}, D(2024, 1, 1), D(2024, 12, 31), G::kQuarter, 0, false),
      IsEmpty());
  EXPECT_EQ(BuildTrend({}, D(2024, 1, 1), D(2024, 12, 31), G::kQuarter, 0, true)
                .size(),
            4u);
}

TEST(BuildTrendTest, SmoothingIsATrailingArticleWeightedMean) {
  // Day 1: one article at 1.0; day 2: three at 0; day 3: none;
  // day 4: two at -0.5; days 5 and 6: none.
  const std::vector<DayRollup> days = {
      Day(D(2024, 1, 1), {{"a", 1.0}}),
      Day(D(2024, 1, 2), {{"b", 0.0}, {"c", 0.0}, {"d", 0.0}}),
      Day(D(2024, 1, 4), {{"e", -0.5}, {"f", -0.5}})};
  const struct {
    std::string name;
    int smoothing;
    bool include_empty;
    std::vector<double> smoothed;
  } cases[] = {
      {"none", 0, false, {1.0, 0.0, -0.5}},
      {"one", 1, true, {1.0, 0.0, 0, -0.5, 0, 0}},
      {"two over days with data", 2, false, {1.0, 0.25, -0.2}},
      {"two over every day", 2, true, {1.0, 0.25, 0.0, -0.5, -0.5, 0}},
      {"three over every day", 3, true, {1.0, 0.25, 0.25, -0.2, -0.5, -0.5}},
      {"longer than the range", 10, false, {1.0, 0.25, 0.0}},
  };
  for (const auto& c : cases) {
    const std::vector<TrendPoint> points =
        BuildTrend(days, D(2024, 1, 1), D(2024, 1, 6), G::kDay, c.smoothing,
                   c.include_empty);
    ASSERT_EQ(points.size(), c.smoothed.size()) << c.name;
    for (size_t i = 0; i < points.size(); ++i) {
      EXPECT_NEAR(points[i].smoothed_tone, c.smoothed[i], 1e-12)
          << c.name << " point " << i;
    }
  }
}

}  // namespace
}  // namespace dyadtone
