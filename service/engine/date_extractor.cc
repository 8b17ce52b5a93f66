#include "service/engine/date_extractor.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace dyadtone {
namespace {

constexpr int kHeaderLines = 8;       // how far down the header reaches
constexpr uint32_t kHeaderTokens = 160;
constexpr uint32_t kMaxDatedLineTokens = 16;
constexpr int kMinYear = 1900, kMaxYear = 2199;
constexpr size_t kDatelineSentences = 3;
constexpr uint32_t kDatelineTokens = 12;

// "DDDD-DD-DD" with ASCII digits: SimpleAtoi alone would also take a sign
// or white space ("2024-+1-01", "2024-1\n-22").
bool IsIsoShape(absl::string_view text) {
  if (text.size() != 10) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 4 || i == 7;
    if (dash ? text[i] != '-' : !absl::ascii_isdigit(text[i])) return false;
  }
  return true;
}


bool IsWeekday(absl::string_view w) {
  static constexpr absl::string_view kDays[] = {
      "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
      "sunday", "mon", "tue", "tues", "wed", "thu", "thurs", "fri", "sat",
      "sun"};
  for (absl::string_view d : kDays) {
    if (w == d) return true;
  }
  return false;
}

// "22", "22nd", "1st" -> day of month.
int DayNumber(absl::string_view w) {
  size_t digits = 0;
  while (digits < w.size() && absl::ascii_isdigit(w[digits])) ++digits;
  if (digits == 0 || digits > 2) return 0;
  const absl::string_view suffix = w.substr(digits);
  if (!suffix.empty() && suffix != "st" && suffix != "nd" && suffix != "rd" &&
      suffix != "th") {
    return 0;
  }
  int d = 0;
  if (!absl::SimpleAtoi(w.substr(0, digits), &d) || d < 1 || d > 31) return 0;
  return d;
}

int YearNumber(absl::string_view w) {
  int y = 0;
  if (w.size() != 4 || !absl::SimpleAtoi(w, &y)) return 0;
  return y >= kMinYear && y <= kMaxYear ? y : 0;
}

std::optional<absl::CivilDay> MakeDay(int y, int m, int d) {
  if (y == 0 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  const absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) {
    return std::nullopt;  // 31 April
  }
  return day;
}

// Reads date expressions from tokens [i, end).
class DateReader {
 public:
  DateReader(const TokenizedText& text, uint32_t end)
      : text_(text), end_(end) {}

  absl::string_view W(uint32_t i) const {
    return i < end_ ? text_.Norm(text_.tokens[i]) : absl::string_view();
  }

  // YYYY-MM-DD.
  std::optional<absl::CivilDay> Iso(uint32_t i, uint32_t* last) const {
    int m = 0, d = 0;
    const int y = YearNumber(W(i));
    if (!y || W(i + 1) != "-" || W(i + 3) != "-" ||
        !absl::SimpleAtoi(W(i + 2), &m) || !absl::SimpleAtoi(W(i + 4), &d) ||
        W(i + 2).size() > 2 || W(i + 4).size() > 2) {
      return std::nullopt;
    }
    *last = i + 4;
    return MakeDay(y, m, d);
  }

  // [Weekday ,] Month Day [,] [Year] or Day Month [,] [Year]. Sets *year
  // to 0 when the year is missing.
  bool MonthDay(uint32_t i, int* year, int* month, int* day,
                uint32_t* last) const {
    if (IsWeekday(W(i))) {
      ++i;
      if (W(i) == ",") ++i;
    }
    if ((*month = MonthNumber(W(i))) && (*day = DayNumber(W(i + 1)))) {
      i += 1;
    } else if ((*day = DayNumber(W(i))) && (*month = MonthNumber(W(i + 1)))) {
      i += 1;
    } else {
      return false;
    }
    *last = i;
    uint32_t j = i + 1;
    if (W(j) == ",") ++j;
    *year = YearNumber(W(j));
    if (*year) *last = j;
    return true;
  }

 private:
  const TokenizedText& text_;
  uint32_t end_;
};

ArticleDate Found(const TokenizedText& text, absl::CivilDay day,
                  DateSource source, uint32_t first, uint32_t last) {
  ArticleDate d;
  d.day = day;
  d.source = source;
  d.begin = text.tokens[first].begin;
  d.end = text.tokens[last].end;
  return d;
}

}  // namespace

int MonthNumber(absl::string_view w) {
  static constexpr absl::string_view kMonths[12][2] = {
      {"january", "jan"}, {"february", "feb"}, {"march", "mar"},
      {"april", "apr"},   {"may", "may"},      {"june", "jun"},
      {"july", "jul"},    {"august", "aug"},   {"september", "sep"},
      {"october", "oct"}, {"november", "nov"}, {"december", "dec"}};
  if (!w.empty() && w.back() == '.') w.remove_suffix(1);
  if (w == "sept") return 9;
  for (int m = 0; m < 12; ++m) {
    if (w == kMonths[m][0] || w == kMonths[m][1]) return m + 1;
  }
  return 0;
}

absl::string_view DateSourceName(DateSource source) {
  switch (source) {
    case DateSource::kNone: return "none";
    case DateSource::kCaller: return "caller";
    case DateSource::kHeader: return "header";
    case DateSource::kDatedLine: return "dated_line";
    case DateSource::kDateline: return "dateline";
  }
  return "none";
}

absl::StatusOr<absl::CivilDay> ParseIsoDate(absl::string_view text) {
  int y = 0, m = 0, d = 0;
  const bool shape = IsIsoShape(text) &&
                     absl::SimpleAtoi(text.substr(0, 4), &y) &&
                     absl::SimpleAtoi(text.substr(5, 2), &m) &&
                     absl::SimpleAtoi(text.substr(8, 2), &d);
  if (!shape) {
    return absl::InvalidArgumentError(
        absl::StrCat("date \"", text, "\" is not of the form YYYY-MM-DD"));
  }
  if (y < kMinYear || y > kMaxYear) {
    return absl::InvalidArgumentError(absl::StrCat(
        "date \"", text, "\" is out of range (years ", kMinYear, "..",
        kMaxYear, ")"));
  }
  const std::optional<absl::CivilDay> day = MakeDay(y, m, d);
  if (!day) {
    return absl::InvalidArgumentError(
        absl::StrCat("date \"", text, "\" is not a calendar day"));
  }
  return *day;
}

ArticleDate ExtractDate(const TokenizedText& text) {
  const auto& tokens = text.tokens;
  // The header: the first kHeaderLines lines, at most kHeaderTokens tokens.
  uint32_t header_end = 0;
  int lines = 0;
  for (; header_end < tokens.size() && header_end < kHeaderTokens;
       ++header_end) {
    if (tokens[header_end].Has(kLineStart) && ++lines > kHeaderLines) break;
  }
  const DateReader r(text, header_end);

  // 1. "date YYYY-MM-DD" at the start of a line.
  for (uint32_t i = 0; i < header_end; ++i) {
    if (!tokens[i].Has(kLineStart) || r.W(i) != "date") continue;
    uint32_t j = i + 1, last;
    if (r.W(j) == ":") ++j;
    if (auto day = r.Iso(j, &last)) {
      return Found(text, *day, DateSource::kHeader, j, last);
    }
  }

  // 2. A short line that holds a full date.
  for (uint32_t start = 0; start < header_end;) {
    uint32_t stop = start + 1;
    while (stop < header_end && !tokens[stop].Has(kLineStart)) ++stop;
    if (stop - start <= kMaxDatedLineTokens) {
      for (uint32_t i = start; i < stop; ++i) {
        uint32_t last;
        if (auto day = r.Iso(i, &last)) {
          return Found(text, *day, DateSource::kDatedLine, i, last);
        }
        int y, m, d;
        if (r.MonthDay(i, &y, &m, &d, &last) && y != 0) {
          if (auto day = MakeDay(y, m, d)) {
            return Found(text, *day, DateSource::kDatedLine, i, last);
          }
        }
      }
    }
    start = stop;
  }

  // 3. A dateline near the start of one of the first sentences
  // ("Islamabad [Pakistan], December 15 (ANI):"), its year from elsewhere in
  // the header. The date must stand between punctuation, not in a phrase
  // ("on 9 January").
  for (size_t s = 0; s < text.sentences.size() && s < kDatelineSentences;
       ++s) {
    const uint32_t first = text.sentences[s].first_token;
    const uint32_t stop = std::min(
        {text.sentences[s].end_token, header_end, first + kDatelineTokens});
    for (uint32_t i = first; i < stop; ++i) {
      int y, m, d;
      uint32_t last;
      if (!r.MonthDay(i, &y, &m, &d, &last)) continue;
      const absl::string_view before = i > first ? r.W(i - 1) : ",";
      const absl::string_view after = r.W(last + 1);
      const bool framed =
          (before == "," || before == "]" || before == ")" || before == "-") &&
          (after == "(" || after == ":" || after == "-" || after == "--" ||
           after == "," || after == "." || after.empty());
      if (!framed) continue;
      for (uint32_t k = 0; k < header_end && y == 0; ++k) {
        y = YearNumber(r.W(k));
      }
      if (auto day = MakeDay(y, m, d)) {
        return Found(text, *day, DateSource::kDateline, i, last);
      }
    }
  }
  return ArticleDate();
}

}  // namespace dyadtone
