// Small builders of SVG markup for svg_chart.cc: escaped text and the few
// elements the chart draws, with coordinates to a tenth of a pixel.

#ifndef DYADTONE_CLIENT_SVG_ELEMENTS_H_
#define DYADTONE_CLIENT_SVG_ELEMENTS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace dyadtone::svg {

// `text` with & < > " ' as XML entities.
std::string Escape(absl::string_view text);

// A coordinate: "12.3".
std::string Px(double v);

// Approximate width in pixels of a line of text, for layout.
double TextWidth(absl::string_view text, double font_size);

// <text> at (x, y) with anchor "start", "middle" or "end"; `extra` is more
// attributes, starting with a space.
std::string Text(double x, double y, absl::string_view anchor, double size,
                 absl::string_view color, absl::string_view text,
                 absl::string_view extra = "");
std::string Line(double x1, double y1, double x2, double y2,
                 absl::string_view color, double width,
                 absl::string_view extra = "");
std::string Rect(double x, double y, double w, double h, absl::string_view fill,
                 absl::string_view extra = "");

// The `points` attribute of a polyline or polygon: "x,y x,y ...".
std::string Points(const std::vector<std::pair<double, double>>& xy);

}  // namespace dyadtone::svg

#endif  // DYADTONE_CLIENT_SVG_ELEMENTS_H_
