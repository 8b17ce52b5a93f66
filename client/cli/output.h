// What the dyadtone commands print: aligned tables, CSV rows, the proto's
// JSON mapping, and small terminal bar charts.

#ifndef DYADTONE_CLIENT_CLI_OUTPUT_H_
#define DYADTONE_CLIENT_CLI_OUTPUT_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace dyadtone::cli {

enum class Format { kTable, kJson, kCsv };

// A table printed with aligned columns: a header row, a rule, the rows.
class Table {
 public:
  enum Align { kLeft, kRight };

  void AddColumn(std::string header, Align align = kLeft);
  // REQUIRES: as many cells as columns.
  void AddRow(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }

  // Columns two spaces apart; widths count characters, not bytes, and skip
  // ANSI colour sequences.
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<Align> aligns_;
  std::vector<std::vector<std::string>> rows_;
};

// Characters a terminal shows for `text`: UTF-8 code points outside ANSI
// escape sequences.
size_t DisplayWidth(absl::string_view text);

// One CSV record (RFC 4180 quoting), with the line end.
std::string CsvRow(const std::vector<std::string>& cells);

// The message in the proto's JSON mapping, one line, default values
// included.
std::string ToJson(const google::protobuf::Message& message);

// A bar for a value in [-1, 1] around a zero axis: `half` cells each side,
// negative values to the left, positive to the right, at half-cell
// resolution. Cells the interval [low, high] reaches beyond the bar are drawn
// as a thin whisker. With `color`, ANSI green/red/dim.
std::string CenteredBar(double value, double low, double high, int half,
                        bool color);

// The header of a CenteredBar column: "-1 cold" at the left end, "0" over
// the axis, "warm +1" at the right end.
std::string CenteredBarHeader(int half);

// "+0.42" / "-0.13" with the given decimals; zero is " 0.00".
std::string SignedNumber(double value, int decimals = 2);

// "DATE_SOURCE_HEADER" -> "header" given the prefix "DATE_SOURCE_".
std::string EnumLabel(absl::string_view name, absl::string_view prefix);

// Whether stdout is a terminal that takes colour (and NO_COLOR is unset).
bool StdoutWantsColor();

}  // namespace dyadtone::cli

#endif  // DYADTONE_CLIENT_CLI_OUTPUT_H_
