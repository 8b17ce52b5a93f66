// Where svg_chart.cc puts things: the panels of the chart and the x and y
// positions of its periods, in pixels.

#ifndef DYADTONE_CLIENT_SVG_CHART_LAYOUT_H_
#define DYADTONE_CLIENT_SVG_CHART_LAYOUT_H_

#include <vector>

#include "absl/strings/string_view.h"
#include "client/svg_chart.h"

namespace dyadtone::svg {

struct Frame {
  double width, height;
  double left, right;            // of both panels
  double top, bottom;            // the tone panel
  double bars_top, bars_bottom;  // the article-count panel
};

// The panels for the chart's size (at least 320 x 300).
Frame MakeFrame(const TrendChart& chart);

// Days in a period of the granularity ("month": 30.44); a month for an
// unknown name.
double PeriodDays(absl::string_view granularity);

// Each point's x (the middle of its period) and the width of one period.
// Periods sit on a time axis when every period_start parses, in increasing
// order; otherwise they are evenly spaced.
struct XScale {
  std::vector<double> center;
  double period_px = 0;
};
XScale MakeXScale(const TrendChart& chart, const Frame& f);

// The y of a tone, clamped to [-1, 1].
double ToneY(const Frame& f, double tone);

}  // namespace dyadtone::svg

#endif  // DYADTONE_CLIENT_SVG_CHART_LAYOUT_H_
