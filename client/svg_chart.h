// Draws a dyad's tone trend as a self-contained SVG document: the mean tone
// per period as a line with its 95% confidence band, a zero axis and y ticks
// from -1 to +1, the article counts as bars on their own axis below, dated
// x labels (thinned when they would overlap), a title, axis labels and a
// legend. Hovering a point or bar shows its figures (SVG <title>).
//
// A pure function: no I/O, no clock; the same chart gives the same bytes.

#ifndef DYADTONE_CLIENT_SVG_CHART_H_
#define DYADTONE_CLIENT_SVG_CHART_H_

#include <optional>
#include <string>
#include <vector>

namespace dyadtone {

struct TrendChartPoint {
  // First day of the period "YYYY-MM-DD": places the point on a time axis.
  std::string period_start;
  // The x-axis label, e.g. "2023-04" (period_start when empty).
  std::string label;
  // Articles in the period; 0 draws a gap (no point, no band).
  int articles = 0;
  double mean_tone = 0;
  double ci_low = 0;
  double ci_high = 0;
  // The moving average, drawn as a dashed line when present.
  std::optional<double> smoothed_tone;
};

struct TrendChart {
  // The dyad as shown in the title, e.g. "PAK–USA".
  std::string dyad;
  // The period length: "day", "week", "month", "quarter" or "year".
  std::string granularity = "month";
  // A second line under the title (the default describes the data).
  std::string subtitle;
  // Oldest first.
  std::vector<TrendChartPoint> points;
  // Size in pixels.
  int width = 960;
  int height = 540;
};

// The SVG document, UTF-8. Text is XML-escaped. Without points the chart
// keeps its frame and says "no data".
std::string RenderTrendSvg(const TrendChart& chart);

}  // namespace dyadtone

#endif  // DYADTONE_CLIENT_SVG_CHART_H_
