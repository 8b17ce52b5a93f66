#include "client/cli/output.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"

namespace dyadtone::cli {
namespace {

constexpr char kFull[] = "\xE2\x96\x88";       // █
constexpr char kLeftHalf[] = "\xE2\x96\x8C";   // ▌ for a bar growing right
constexpr char kRightHalf[] = "\xE2\x96\x90";  // ▐ for a bar growing left
constexpr char kWhisker[] = "\xE2\x94\x80";    // ─
constexpr char kAxis[] = "\xE2\x94\x82";       // │

std::string Paint(const std::string& text, const char* sgr, bool color) {
  if (!color || text == " ") return text;
  return absl::StrCat("\x1b[", sgr, "m", text, "\x1b[0m");
}

}  // namespace

void Table::AddColumn(std::string header, Align align) {
  headers_.push_back(std::move(header));
  aligns_.push_back(align);
}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

std::string Table::Render() const {
  std::vector<size_t> width(headers_.size());
  for (size_t c = 0; c < headers_.size(); ++c) {
    width[c] = DisplayWidth(headers_[c]);
    for (const auto& row : rows_)
      width[c] = std::max(width[c], DisplayWidth(row[c]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t c = 0; c < cells.size(); ++c) {
      const std::string pad(width[c] - DisplayWidth(cells[c]), ' ');
      const bool last = c + 1 == cells.size();
      if (c > 0) out += "  ";
      if (aligns_[c] == kRight) {
        absl::StrAppend(&out, pad, cells[c]);
      } else {
        absl::StrAppend(&out, cells[c], last ? "" : pad);
      }
    }
    return out + "\n";
  };
  std::string out = line(headers_);
  std::vector<std::string> rule;
  for (size_t w : width) {
    std::string r;
    for (size_t i = 0; i < w; ++i) r += kWhisker;
    rule.push_back(r);
  }
  out += line(rule);
  for (const auto& row : rows_) out += line(row);
  return out;
}

size_t DisplayWidth(absl::string_view text) {
  size_t n = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\x1b') {
      while (i < text.size() && text[i] != 'm') ++i;
      continue;
    }
    n += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
  }
  return n;
}

std::string CsvRow(const std::vector<std::string>& cells) {
  std::vector<std::string> quoted;
  for (const std::string& c : cells) {
    if (c.find_first_of(",\"\r\n") == std::string::npos) {
      quoted.push_back(c);
    } else {
      std::string q = "\"";
      for (char ch : c)
        q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      quoted.push_back(q + "\"");
    }
  }
  return absl::StrCat(absl::StrJoin(quoted, ","), "\n");
}

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string out;
  // Printing a valid message cannot fail; an empty object is the fallback.
  if (!google::protobuf::util::MessageToJsonString(message, &out, options)
           .ok()) {
    out = "{}";
  }
  return out;
}

std::string CenteredBar(double value, double low, double high, int half,
                        bool color) {
  std::vector<std::string> left(half, " "), right(half, " ");
  const int units =
      static_cast<int>(std::lround(std::min(std::fabs(value), 1.0) * half * 2));
  std::vector<std::string>& side = value < 0 ? left : right;
  const char* sgr = value < 0 ? "31" : "32";
  for (int i = 0; i < units / 2; ++i) side[i] = Paint(kFull, sgr, color);
  int used = units / 2;
  if (units % 2 == 1) {
    side[used++] = Paint(value < 0 ? kRightHalf : kLeftHalf, sgr, color);
  }
  // Whiskers: cells past the bar that the interval reaches at least halfway
  // into, at the bar's half-cell resolution.
  const long reach_right = std::lround(std::clamp(high, 0.0, 1.0) * half * 2);
  const long reach_left = std::lround(std::clamp(-low, 0.0, 1.0) * half * 2);
  for (int i = 0; i < half; ++i) {
    if (reach_right >= 2 * i + 1 && (value < 0 || i >= used)) {
      right[i] = Paint(kWhisker, "2", color);
    }
    if (reach_left >= 2 * i + 1 && (value >= 0 || i >= used)) {
      left[i] = Paint(kWhisker, "2", color);
    }
  }
  std::string out;
  for (int i = half; i-- > 0;) out += left[i];
  out += kAxis;
  for (int i = 0; i < half; ++i) out += right[i];
  return out;
}

std::string CenteredBarHeader(int half) {
  std::string left = "-1 cold", right = "warm +1";
  if (half < static_cast<int>(left.size())) return "tone";
  left.resize(half, ' ');
  right.insert(0, half - right.size(), ' ');
  return absl::StrCat(left, "0", right);
}

std::string SignedNumber(double value, int decimals) {
  if (std::fabs(value) < 0.5 * std::pow(10.0, -decimals)) {
    return absl::StrFormat(" %.*f", decimals, 0.0);
  }
  return absl::StrFormat("%+.*f", decimals, value);
}

std::string EnumLabel(absl::string_view name, absl::string_view prefix) {
  if (absl::StartsWith(name, prefix)) name.remove_prefix(prefix.size());
  std::string out = absl::AsciiStrToLower(name);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

bool StdoutWantsColor() {
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return isatty(STDOUT_FILENO) && (no_color == nullptr || *no_color == '\0') &&
         !(term != nullptr && std::string(term) == "dumb");
}

}  // namespace dyadtone::cli
