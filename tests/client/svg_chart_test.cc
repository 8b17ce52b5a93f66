#include "client/svg_chart.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dyadtone {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;

// Checks that tags nest and close, that there is one root <svg>, and that
// every '&' starts an entity: enough of XML to catch what a chart could get
// wrong. Returns "" or what is wrong.
std::string CheckXmlish(const std::string& doc) {
  std::vector<std::string> open;
  int roots = 0;
  for (size_t i = doc.find('<'); i != std::string::npos;
       i = doc.find('<', i + 1)) {
    const size_t end = doc.find('>', i);
    if (end == std::string::npos) return absl::StrCat("unclosed tag at ", i);
    const std::string tag = doc.substr(i + 1, end - i - 1);
    if (tag[0] == '?' || tag[0] == '!') continue;
    if (tag.find('<') != std::string::npos) return "'<' inside a tag: " + tag;
    if (tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1)) {
        return absl::StrCat("</", tag.substr(1), "> closes ",
                            open.empty() ? "nothing" : open.back());
      }
      open.pop_back();
      continue;
    }
    const std::string name = tag.substr(0, tag.find_first_of(" />"));
    if (open.empty()) ++roots;
    if (tag.back() != '/') open.push_back(name);
  }
  if (!open.empty()) return "<" + open.back() + "> is never closed";
  if (roots != 1) return absl::StrCat(roots, " root elements");
  for (size_t i = doc.find('&'); i != std::string::npos;
       i = doc.find('&', i + 1)) {
    const size_t semi = doc.find(';', i);
    if (semi == std::string::npos || semi - i > 6) {
      return absl::StrCat("bare '&' at ", i);
    }
  }
  return "";
}

// The value of attribute `name` in the first element that starts with
// `element_start`.
std::string Attribute(const std::string& doc, const std::string& element_start,
                      const std::string& name) {
  const size_t at = doc.find(element_start);
  if (at == std::string::npos) return "";
  const size_t value = doc.find(name + "=\"", at) + name.size() + 2;
  return doc.substr(value, doc.find('"', value) - value);
}

size_t Count(const std::string& doc, const std::string& what) {
  size_t n = 0;
  for (size_t i = doc.find(what); i != std::string::npos;
       i = doc.find(what, i + 1)) {
    ++n;
  }
  return n;
}

std::vector<std::string> Vertices(const std::string& points) {
  return absl::StrSplit(points, ' ', absl::SkipEmpty());
}

TrendChart PakUsa() {
  TrendChart chart;
  chart.dyad = "PAK\xE2\x80\x93USA";
  chart.granularity = "month";
  const char* starts[] = {"2021-12-01", "2022-12-01", "2023-04-01",
                          "2023-06-01", "2024-05-01"};
  for (int i = 0; i < 5; ++i) {
    TrendChartPoint p;
    p.period_start = starts[i];
    p.label = std::string(starts[i]).substr(0, 7);
    p.articles = i + 1;
    p.mean_tone = 0.1 * (i + 1);
    p.ci_low = p.mean_tone - 0.2;
    p.ci_high = p.mean_tone + 0.2;
    chart.points.push_back(p);
  }
  return chart;
}

TEST(SvgChartTest, IsOneWellFormedSvgDocument) {
  const std::string svg = RenderTrendSvg(PakUsa());
  EXPECT_EQ(CheckXmlish(svg), "") << svg;
  EXPECT_EQ(Count(svg, "<svg "), 1u);
  EXPECT_EQ(Count(svg, "</svg>"), 1u);
  EXPECT_THAT(svg, HasSubstr("xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_THAT(svg, HasSubstr("viewBox=\"0 0 960 540\""));
}

TEST(SvgChartTest, MeanLineHasOneVertexPerPoint) {
  const std::string svg = RenderTrendSvg(PakUsa());
  EXPECT_EQ(Count(svg, "<polyline class=\"mean\""), 1u);
  EXPECT_THAT(Vertices(Attribute(svg, "<polyline class=\"mean\"", "points")),
              SizeIs(5));
  EXPECT_EQ(Count(svg, "<circle "), 5u);
}

TEST(SvgChartTest, BandPolygonGoesOutAlongTheHighsAndBackAlongTheLows) {
  const std::string svg = RenderTrendSvg(PakUsa());
  EXPECT_EQ(Count(svg, "<polygon class=\"band\""), 1u);
  const std::vector<std::string> band =
      Vertices(Attribute(svg, "<polygon class=\"band\"", "points"));
  const std::vector<std::string> line =
      Vertices(Attribute(svg, "<polyline class=\"mean\"", "points"));
  ASSERT_THAT(band, SizeIs(10));
  for (int i = 0; i < 5; ++i) {
    const std::string x = line[i].substr(0, line[i].find(','));
    EXPECT_EQ(band[i].substr(0, band[i].find(',')), x) << i;
    EXPECT_EQ(band[9 - i].substr(0, band[9 - i].find(',')), x) << i;
  }
}

TEST(SvgChartTest, HasTitleAxesTicksAndLabels) {
  const std::string svg = RenderTrendSvg(PakUsa());
  EXPECT_THAT(svg, HasSubstr("PAK\xE2\x80\x93USA \xC2\xB7 tone by month"));
  EXPECT_THAT(svg, HasSubstr("class=\"zero-axis\""));
  for (const char* tick : {">+1.0<", ">+0.5<", ">0.0<",
                           ">\xE2\x88\x92"
                           "0.5<",
                           ">\xE2\x88\x92"
                           "1.0<"}) {
    EXPECT_THAT(svg, HasSubstr(tick)) << tick;
  }
  EXPECT_THAT(svg, HasSubstr(">mean tone<"));
  EXPECT_THAT(svg, HasSubstr(">articles<"));
  EXPECT_THAT(svg, HasSubstr(">period (month)<"));
  EXPECT_THAT(svg, HasSubstr(">2021-12<"));
  EXPECT_THAT(svg, HasSubstr(">2024-05<"));
  // One count bar per period, with its figures on hover.
  EXPECT_EQ(Count(svg, "</title></rect>"), 5u);
  EXPECT_THAT(svg, HasSubstr("2023-04: mean tone +0.30 (95% CI +0.10 to "
                             "+0.50), 3 articles"));
}

TEST(SvgChartTest, OneArticleSaysItHasNoInterval) {
  const std::string svg = RenderTrendSvg(PakUsa());
  EXPECT_THAT(svg, HasSubstr("2021-12: mean tone +0.10 (one article: no "
                             "interval)</title>"));
}

TEST(SvgChartTest, EscapesText) {
  TrendChart chart = PakUsa();
  chart.dyad = "A&B <C> \"D\" 'E'";
  chart.points[0].label = "<period>";
  const std::string svg = RenderTrendSvg(chart);
  EXPECT_EQ(CheckXmlish(svg), "");
  EXPECT_THAT(svg, HasSubstr("A&amp;B &lt;C&gt; &quot;D&quot; &apos;E&apos;"));
  EXPECT_THAT(svg, HasSubstr("&lt;period&gt;"));
  EXPECT_THAT(svg, Not(HasSubstr("<C>")));
  EXPECT_THAT(svg, Not(HasSubstr("<period>")));
}

TEST(SvgChartTest, NoPointsSaysNoData) {
  TrendChart chart;
  chart.dyad = "PAK\xE2\x80\x93USA";
  const std::string svg = RenderTrendSvg(chart);
  EXPECT_EQ(CheckXmlish(svg), "") << svg;
  EXPECT_THAT(svg, HasSubstr(">no data<"));
  EXPECT_THAT(svg, HasSubstr("class=\"zero-axis\""));
  EXPECT_THAT(svg, Not(HasSubstr("<polyline")));
  EXPECT_THAT(svg, Not(HasSubstr("<polygon")));
}

TEST(SvgChartTest, EmptyPeriodsBreakTheLine) {
  TrendChart chart = PakUsa();
  chart.points[2].articles = 0;
  const std::string svg = RenderTrendSvg(chart);
  EXPECT_EQ(CheckXmlish(svg), "");
  EXPECT_EQ(Count(svg, "<polyline class=\"mean\""), 2u);
  EXPECT_EQ(Count(svg, "<circle "), 4u);
  EXPECT_EQ(Count(svg, "<polygon class=\"band\""), 2u);
}

TEST(SvgChartTest, SinglePeriodRunGetsAWhiskerInsteadOfABand) {
  TrendChart chart = PakUsa();
  chart.points.resize(1);
  const std::string svg = RenderTrendSvg(chart);
  EXPECT_EQ(CheckXmlish(svg), "");
  EXPECT_EQ(Count(svg, "class=\"whisker\""), 1u);
  EXPECT_THAT(svg, Not(HasSubstr("<polygon")));
  EXPECT_THAT(Vertices(Attribute(svg, "<polyline class=\"mean\"", "points")),
              SizeIs(1));
}

TEST(SvgChartTest, SmoothedToneIsADashedLine) {
  TrendChart chart = PakUsa();
  for (TrendChartPoint& p : chart.points) p.smoothed_tone = p.mean_tone / 2;
  const std::string svg = RenderTrendSvg(chart);
  EXPECT_THAT(
      Vertices(Attribute(svg, "<polyline class=\"smoothed\"", "points")),
      SizeIs(5));
  EXPECT_THAT(svg, HasSubstr(">moving average<"));
  EXPECT_THAT(RenderTrendSvg(PakUsa()), Not(HasSubstr("moving average")));
}

TEST(SvgChartTest, ThinsDateLabelsWhenThereAreMany) {
  TrendChart chart;
  chart.dyad = "PAK\xE2\x80\x93USA";
  chart.granularity = "day";
  for (int day = 1; day <= 365; ++day) {
    TrendChartPoint p;
    p.period_start = absl::FormatCivilTime(absl::CivilDay(2023, 1, day));
    p.articles = 1;
    p.mean_tone = (day % 7) / 7.0 - 0.5;
    p.ci_low = p.ci_high = p.mean_tone;
    chart.points.push_back(p);
  }
  const std::string svg = RenderTrendSvg(chart);
  EXPECT_EQ(CheckXmlish(svg), "");
  EXPECT_THAT(Vertices(Attribute(svg, "<polyline class=\"mean\"", "points")),
              SizeIs(365));
  const size_t labels = Count(svg, "class=\"x-label\"");
  EXPECT_GE(labels, 4u);
  EXPECT_LE(labels, 15u);
  EXPECT_THAT(svg, HasSubstr(">2023-01-01<"));
}

TEST(SvgChartTest, UnparseableDatesAreEvenlySpaced) {
  TrendChart chart = PakUsa();
  chart.points[1].period_start = "not a date";
  const std::vector<std::string> line = Vertices(
      Attribute(RenderTrendSvg(chart), "<polyline class=\"mean\"", "points"));
  ASSERT_THAT(line, SizeIs(5));
  std::vector<double> xs;
  for (const std::string& v : line) xs.push_back(std::stod(v));
  for (int i = 2; i < 5; ++i) {
    EXPECT_NEAR(xs[i] - xs[i - 1], xs[1] - xs[0], 0.11) << i;
  }
}

TEST(SvgChartTest, IsDeterministic) {
  EXPECT_EQ(RenderTrendSvg(PakUsa()), RenderTrendSvg(PakUsa()));
}

}  // namespace
}  // namespace dyadtone
