#include "client/svg_chart_layout.h"

#include <algorithm>

#include "absl/time/civil_time.h"

namespace dyadtone::svg {

Frame MakeFrame(const TrendChart& chart) {
  Frame f;
  f.width = std::max(chart.width, 320);
  f.height = std::max(chart.height, 300);
  f.left = 70;
  f.right = f.width - 64;
  f.top = 72;
  f.bars_bottom = f.height - 64;
  f.bars_top = f.bars_bottom - std::min(76.0, f.height * 0.15);
  f.bottom = f.bars_top - 18;
  return f;
}

double PeriodDays(absl::string_view granularity) {
  if (granularity == "day") return 1;
  if (granularity == "week") return 7;
  if (granularity == "quarter") return 91.31;
  if (granularity == "year") return 365.25;
  return 30.44;
}

XScale MakeXScale(const TrendChart& chart, const Frame& f) {
  XScale x;
  const std::vector<TrendChartPoint>& points = chart.points;
  const double plot_width = f.right - f.left;
  std::vector<absl::CivilDay> days;
  for (const TrendChartPoint& p : points) {
    absl::CivilDay day;
    if (!absl::ParseCivilTime(p.period_start, &day) ||
        (!days.empty() && day <= days.back())) {
      days.clear();
      break;
    }
    days.push_back(day);
  }
  if (!days.empty()) {
    const double period_days = PeriodDays(chart.granularity);
    const double span = (days.back() - days.front()) + period_days;
    const double px_per_day = plot_width / span;
    x.period_px = period_days * px_per_day;
    for (const absl::CivilDay& d : days) {
      x.center.push_back(f.left +
                         ((d - days.front()) + period_days / 2) * px_per_day);
    }
    return x;
  }
  x.period_px = points.empty() ? plot_width : plot_width / points.size();
  for (size_t i = 0; i < points.size(); ++i) {
    x.center.push_back(f.left + (i + 0.5) * x.period_px);
  }
  return x;
}

double ToneY(const Frame& f, double tone) {
  const double v = std::clamp(tone, -1.0, 1.0);
  return f.top + (1 - v) / 2 * (f.bottom - f.top);
}

}  // namespace dyadtone::svg
