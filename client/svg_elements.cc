#include "client/svg_elements.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace dyadtone::svg {

std::string Escape(absl::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Px(double v) { return absl::StrFormat("%.1f", v); }

double TextWidth(absl::string_view text, double font_size) {
  size_t chars = 0;
  for (unsigned char c : text) chars += (c & 0xC0) != 0x80;
  return chars * font_size * 0.56;
}

std::string Text(double x, double y, absl::string_view anchor, double size,
                 absl::string_view color, absl::string_view text,
                 absl::string_view extra) {
  return absl::StrCat("<text x=\"", Px(x), "\" y=\"", Px(y),
                      "\" text-anchor=\"", anchor, "\" font-size=\"", size,
                      "\" fill=\"", color, "\"", extra, ">", Escape(text),
                      "</text>\n");
}

std::string Line(double x1, double y1, double x2, double y2,
                 absl::string_view color, double width,
                 absl::string_view extra) {
  return absl::StrCat("<line x1=\"", Px(x1), "\" y1=\"", Px(y1), "\" x2=\"",
                      Px(x2), "\" y2=\"", Px(y2), "\" stroke=\"", color,
                      "\" stroke-width=\"", width, "\"", extra, "/>\n");
}

std::string Rect(double x, double y, double w, double h, absl::string_view fill,
                 absl::string_view extra) {
  return absl::StrCat("<rect x=\"", Px(x), "\" y=\"", Px(y), "\" width=\"",
                      Px(w), "\" height=\"", Px(h), "\" fill=\"", fill, "\"",
                      extra, "/>\n");
}

std::string Points(const std::vector<std::pair<double, double>>& xy) {
  std::vector<std::string> parts;
  for (const auto& [x, y] : xy)
    parts.push_back(absl::StrCat(Px(x), ",", Px(y)));
  return absl::StrJoin(parts, " ");
}

}  // namespace dyadtone::svg
