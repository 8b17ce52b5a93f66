#include "client/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "client/svg_chart_layout.h"
#include "client/svg_elements.h"

namespace dyadtone {
namespace {

using svg::Escape;
using svg::Frame;
using svg::Line;
using svg::Points;
using svg::Px;
using svg::Rect;
using svg::Text;
using svg::TextWidth;
using svg::ToneY;
using svg::XScale;

constexpr char kFont[] =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, "
    "sans-serif";
constexpr char kInk[] = "#1a202c";
constexpr char kMuted[] = "#4a5568";
constexpr char kGrid[] = "#e2e8f0";
constexpr char kLine[] = "#2b6cb0";
constexpr char kBars[] = "#a0aec0";
constexpr char kSmooth[] = "#dd6b20";
constexpr char kMinus[] = "\xE2\x88\x92";  // U+2212, the typographic minus

// "+0.42", "−0.13", "0".
std::string Signed(double v, int digits) {
  if (std::fabs(v) < 0.5 * std::pow(10.0, -digits)) {
    return absl::StrFormat("%.*f", digits, 0.0);
  }
  std::string s = absl::StrFormat("%+.*f", digits, v);
  if (s[0] == '-') return absl::StrCat(kMinus, s.substr(1));
  return s;
}

std::string PointTitle(const TrendChartPoint& p) {
  const std::string label = p.label.empty() ? p.period_start : p.label;
  if (p.articles == 0) return absl::StrCat(label, ": no articles");
  if (p.articles == 1) {
    return absl::StrCat(label, ": mean tone ", Signed(p.mean_tone, 2),
                        " (one article: no interval)");
  }
  return absl::StrCat(label, ": mean tone ", Signed(p.mean_tone, 2),
                      " (95% CI ", Signed(p.ci_low, 2), " to ",
                      Signed(p.ci_high, 2), "), ", p.articles,
                      p.articles == 1 ? " article" : " articles");
}

std::string DefaultSubtitle(const TrendChart& chart) {
  if (chart.points.empty()) return "no articles in the range";
  int articles = 0;
  for (const TrendChartPoint& p : chart.points) articles += p.articles;
  const TrendChartPoint& first = chart.points.front();
  const TrendChartPoint& last = chart.points.back();
  return absl::StrCat(articles, articles == 1 ? " article, " : " articles, ",
                      first.label.empty() ? first.period_start : first.label,
                      " to ",
                      last.label.empty() ? last.period_start : last.label,
                      ". Mean tone per ", chart.granularity, " (", kMinus,
                      "1 cold to +1 warm) with its 95% confidence interval.");
}

std::string Header(const TrendChart& chart, const Frame& f) {
  const std::string title =
      absl::StrCat(chart.dyad, " \xC2\xB7 tone by ", chart.granularity);
  std::string out = absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"", f.width,
      "\" height=\"", f.height, "\" viewBox=\"0 0 ", f.width, " ", f.height,
      "\" font-family=\"", kFont, "\">\n<title>", Escape(title), "</title>\n",
      Rect(0, 0, f.width, f.height, "#ffffff"));
  absl::StrAppend(&out, Text(f.left, 30, "start", 18, kInk, title,
                             " font-weight=\"600\" class=\"title\""));
  absl::StrAppend(&out, Text(f.left, 50, "start", 12, kMuted,
                             chart.subtitle.empty() ? DefaultSubtitle(chart)
                                                    : chart.subtitle));
  return out;
}

std::string Legend(const TrendChart& chart, const Frame& f) {
  bool smoothed = false;
  for (const TrendChartPoint& p : chart.points) {
    smoothed = smoothed || p.smoothed_tone.has_value();
  }
  std::vector<std::string> names = {"mean tone", "95% CI", "articles"};
  if (smoothed) names.push_back("moving average");
  double width = 0;
  for (const std::string& n : names) width += 26 + TextWidth(n, 12) + 14;
  double x = f.right - width + 14;
  std::string out = "<g class=\"legend\">\n";
  for (size_t i = 0; i < names.size(); ++i) {
    const double y = 26;
    if (i == 0) absl::StrAppend(&out, Line(x, y, x + 20, y, kLine, 2.5));
    if (i == 1) {
      absl::StrAppend(&out,
                      Rect(x, y - 6, 20, 12, kLine, " fill-opacity=\"0.18\""));
    }
    if (i == 2) absl::StrAppend(&out, Rect(x + 5, y - 6, 10, 12, kBars));
    if (i == 3) {
      absl::StrAppend(
          &out, Line(x, y, x + 20, y, kSmooth, 2, " stroke-dasharray=\"5 3\""));
    }
    absl::StrAppend(&out, Text(x + 26, y + 4, "start", 12, kMuted, names[i]));
    x += 26 + TextWidth(names[i], 12) + 14;
  }
  return out + "</g>\n";
}

// The tone panel's background, grid, zero axis, y ticks and y label.
std::string ToneAxes(const Frame& f) {
  const double zero = ToneY(f, 0);
  std::string out = "<g class=\"tone-axes\">\n";
  absl::StrAppend(&out, Rect(f.left, f.top, f.right - f.left, zero - f.top,
                             "#38a169", " fill-opacity=\"0.05\""));
  absl::StrAppend(&out, Rect(f.left, zero, f.right - f.left, f.bottom - zero,
                             "#e53e3e", " fill-opacity=\"0.05\""));
  for (double v : {-1.0, -0.5, 0.5, 1.0}) {
    absl::StrAppend(&out,
                    Line(f.left, ToneY(f, v), f.right, ToneY(f, v), kGrid, 1));
  }
  for (double v : {-1.0, -0.5, 0.0, 0.5, 1.0}) {
    absl::StrAppend(&out, Text(f.left - 8, ToneY(f, v) + 4, "end", 11, kMuted,
                               Signed(v, 1)));
  }
  absl::StrAppend(&out, Text(f.right + 8, ToneY(f, 0.5) + 4, "start", 11,
                             "#2f855a", "warm"));
  absl::StrAppend(&out, Text(f.right + 8, ToneY(f, -0.5) + 4, "start", 11,
                             "#c53030", "cold"));
  const double mid = (f.top + f.bottom) / 2;
  absl::StrAppend(
      &out, Text(20, mid, "middle", 12, kMuted, "mean tone",
                 absl::StrCat(" transform=\"rotate(-90 20 ", Px(mid), ")\"")));
  absl::StrAppend(&out, Line(f.left, zero, f.right, zero, kMuted, 1.5,
                             " class=\"zero-axis\""));
  return out + "</g>\n";
}

// One run of consecutive periods with articles: its band (or, for a single
// period, a whisker) and its line.
std::string Segment(const TrendChart& chart, const Frame& f, const XScale& x,
                    size_t begin, size_t end) {
  const std::vector<TrendChartPoint>& pts = chart.points;
  std::string out;
  if (end - begin == 1) {
    const double cx = x.center[begin];
    const double lo = ToneY(f, pts[begin].ci_low);
    const double hi = ToneY(f, pts[begin].ci_high);
    absl::StrAppend(&out, Line(cx, lo, cx, hi, kLine, 1.5,
                               " stroke-opacity=\"0.45\" class=\"whisker\""));
    absl::StrAppend(&out, Line(cx - 4, lo, cx + 4, lo, kLine, 1.5,
                               " stroke-opacity=\"0.45\""));
    absl::StrAppend(&out, Line(cx - 4, hi, cx + 4, hi, kLine, 1.5,
                               " stroke-opacity=\"0.45\""));
  } else {
    std::vector<std::pair<double, double>> band;
    for (size_t i = begin; i < end; ++i) {
      band.emplace_back(x.center[i], ToneY(f, pts[i].ci_high));
    }
    for (size_t i = end; i-- > begin;) {
      band.emplace_back(x.center[i], ToneY(f, pts[i].ci_low));
    }
    absl::StrAppend(&out, "<polygon class=\"band\" points=\"", Points(band),
                    "\" fill=\"", kLine, "\" fill-opacity=\"0.18\"/>\n");
  }
  std::vector<std::pair<double, double>> line;
  for (size_t i = begin; i < end; ++i) {
    line.emplace_back(x.center[i], ToneY(f, pts[i].mean_tone));
  }
  absl::StrAppend(&out, "<polyline class=\"mean\" points=\"", Points(line),
                  "\" fill=\"none\" stroke=\"", kLine,
                  "\" stroke-width=\"2.5\" stroke-linejoin=\"round\"/>\n");
  return out;
}

std::string ToneData(const TrendChart& chart, const Frame& f, const XScale& x) {
  const std::vector<TrendChartPoint>& pts = chart.points;
  std::string out = "<g class=\"tone\">\n";
  for (size_t i = 0; i < pts.size();) {
    if (pts[i].articles == 0) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < pts.size() && pts[end].articles > 0) ++end;
    absl::StrAppend(&out, Segment(chart, f, x, i, end));
    i = end;
  }
  std::vector<std::pair<double, double>> smooth;
  for (size_t i = 0; i < pts.size(); ++i) {
    if (pts[i].smoothed_tone) {
      smooth.emplace_back(x.center[i], ToneY(f, *pts[i].smoothed_tone));
    }
  }
  if (!smooth.empty()) {
    absl::StrAppend(&out, "<polyline class=\"smoothed\" points=\"",
                    Points(smooth), "\" fill=\"none\" stroke=\"", kSmooth,
                    "\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>\n");
  }
  const double r = pts.size() <= 60 ? 3.5 : 2.5;
  for (size_t i = 0; i < pts.size() && pts.size() <= 400; ++i) {
    if (pts[i].articles == 0) continue;
    absl::StrAppend(&out, "<circle cx=\"", Px(x.center[i]), "\" cy=\"",
                    Px(ToneY(f, pts[i].mean_tone)), "\" r=\"", r, "\" fill=\"",
                    kLine, "\" stroke=\"#ffffff\" stroke-width=\"1.5\"><title>",
                    Escape(PointTitle(pts[i])), "</title></circle>\n");
  }
  return out + "</g>\n";
}

// 1, 2, 5, 10, 20, 50, ... at least `v`.
int NiceCeiling(int v) {
  for (int scale = 1;; scale *= 10) {
    for (int m : {1, 2, 5}) {
      if (m * scale >= v) return m * scale;
    }
  }
}

std::string CountBars(const TrendChart& chart, const Frame& f,
                      const XScale& x) {
  int most = 0;
  for (const TrendChartPoint& p : chart.points)
    most = std::max(most, p.articles);
  const int top = NiceCeiling(std::max(most, 1));
  const double h = f.bars_bottom - f.bars_top;
  const double bar = std::clamp(x.period_px * 0.8, 1.0, 48.0);
  std::string out = "<g class=\"counts\">\n";
  absl::StrAppend(&out,
                  Line(f.left, f.bars_top, f.right, f.bars_top, kGrid, 1));
  for (size_t i = 0; i < chart.points.size(); ++i) {
    const TrendChartPoint& p = chart.points[i];
    if (p.articles == 0) continue;
    const double bh = std::max(1.0, h * p.articles / top);
    absl::StrAppend(&out, "<rect x=\"", Px(x.center[i] - bar / 2), "\" y=\"",
                    Px(f.bars_bottom - bh), "\" width=\"", Px(bar),
                    "\" height=\"", Px(bh), "\" fill=\"", kBars, "\"><title>",
                    Escape(PointTitle(p)), "</title></rect>\n");
  }
  absl::StrAppend(
      &out, Line(f.left, f.bars_bottom, f.right, f.bars_bottom, kMuted, 1));
  absl::StrAppend(&out, Text(f.right + 8, f.bars_top + 4, "start", 11, kMuted,
                             absl::StrCat(top)));
  absl::StrAppend(
      &out, Text(f.right + 8, f.bars_bottom + 4, "start", 11, kMuted, "0"));
  const double mid = (f.bars_top + f.bars_bottom) / 2;
  const double lx = f.width - 14;
  absl::StrAppend(&out, Text(lx, mid, "middle", 12, kMuted, "articles",
                             absl::StrCat(" transform=\"rotate(90 ", Px(lx),
                                          " ", Px(mid), ")\"")));
  return out + "</g>\n";
}

// Period labels under the bars, left to right, each drawn only when it
// clears the one before.
std::string XLabels(const TrendChart& chart, const Frame& f, const XScale& x) {
  std::string out = "<g class=\"x-axis\">\n";
  double last_end = -1e9;
  for (size_t i = 0; i < chart.points.size(); ++i) {
    const TrendChartPoint& p = chart.points[i];
    const std::string label = p.label.empty() ? p.period_start : p.label;
    const double half = TextWidth(label, 11) / 2;
    const double cx = x.center[i];
    if (cx - half < last_end + 10 || cx + half > f.width - 2) continue;
    last_end = cx + half;
    absl::StrAppend(&out,
                    Line(cx, f.bars_bottom, cx, f.bars_bottom + 4, kMuted, 1));
    absl::StrAppend(&out, Text(cx, f.bars_bottom + 18, "middle", 11, kMuted,
                               label, " class=\"x-label\""));
  }
  absl::StrAppend(
      &out, Text((f.left + f.right) / 2, f.height - 14, "middle", 12, kMuted,
                 absl::StrCat("period (", chart.granularity, ")")));
  return out + "</g>\n";
}

}  // namespace

std::string RenderTrendSvg(const TrendChart& chart) {
  const Frame f = svg::MakeFrame(chart);
  const XScale x = svg::MakeXScale(chart, f);
  std::string out = Header(chart, f);
  absl::StrAppend(&out, ToneAxes(f));
  if (chart.points.empty()) {
    absl::StrAppend(
        &out, Text((f.left + f.right) / 2, (f.top + f.bottom) / 2 - 12,
                   "middle", 20, kMuted, "no data", " class=\"no-data\""));
  } else {
    absl::StrAppend(&out, Legend(chart, f));
    absl::StrAppend(&out, ToneData(chart, f, x));
    absl::StrAppend(&out, CountBars(chart, f, x));
  }
  absl::StrAppend(&out, XLabels(chart, f, x));
  return out + "</svg>\n";
}

}  // namespace dyadtone
