// Finds an article's publication date in its header. Never invents one:
// when nothing is found the result says so.

#ifndef DYADTONE_SERVICE_ENGINE_DATE_EXTRACTOR_H_
#define DYADTONE_SERVICE_ENGINE_DATE_EXTRACTOR_H_

#include <cstdint>
#include <optional>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "service/engine/tokenizer.h"

namespace dyadtone {

enum class DateSource {
  kNone,       // no date found
  kCaller,     // passed in by the caller
  kHeader,     // a "date YYYY-MM-DD" header line
  kDatedLine,  // a line near the top that is a date: "Wednesday, May 22, 2024"
  kDateline,   // "ISLAMABAD, Dec 15 (ANI)" with the year from the header
};

absl::string_view DateSourceName(DateSource source);  // "header", ...

struct ArticleDate {
  std::optional<absl::CivilDay> day;
  DateSource source = DateSource::kNone;
  uint32_t begin = 0;  // byte span of the date in the text (not for kCaller)
  uint32_t end = 0;
};

// Looks at the first lines of `text` for, in this order, a header line, a
// dated line and a dateline. Only years 1900..2199 are accepted.
ArticleDate ExtractDate(const TokenizedText& text);

// The month (1-12) a folded word names ("december", "dec", "dec.",
// "sept"), or 0.
int MonthNumber(absl::string_view folded_word);

// Parses "YYYY-MM-DD" strictly (a real calendar day, 1900..2199).
absl::StatusOr<absl::CivilDay> ParseIsoDate(absl::string_view text);

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_ENGINE_DATE_EXTRACTOR_H_
