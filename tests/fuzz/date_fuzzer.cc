// Fuzzes the date parsers: ExtractDate on the tokens of arbitrary UTF-8
// text, and ParseIsoDate on the raw bytes. A found date lies in the years
// the extractor accepts and its span in the text; a parsed ISO date prints
// back as exactly the input, since the parse is strict.

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "service/engine/date_extractor.h"
#include "service/engine/tokenizer.h"
#include "service/engine/utf8.h"
#include "tests/fuzz/fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dyadtone;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);

  absl::StatusOr<absl::CivilDay> iso = ParseIsoDate(text);
  if (iso.ok()) {
    FUZZ_CHECK(absl::FormatCivilTime(*iso) == text,
               "\"", text, "\" parsed as ", absl::FormatCivilTime(*iso));
  } else {
    FUZZ_CHECK(absl::IsInvalidArgument(iso.status()), iso.status().ToString());
  }

  if (!ValidateUtf8(text).ok()) return 0;  // Tokenize requires UTF-8
  TokenizedText tokens;
  Tokenize(text, &tokens);
  const ArticleDate date = ExtractDate(tokens);
  if (date.source == DateSource::kNone) {
    FUZZ_CHECK(!date.day.has_value(), "a day without a source");
    return 0;
  }
  FUZZ_CHECK(date.source != DateSource::kCaller, "caller date from text");
  FUZZ_CHECK(date.day.has_value(), "a source without a day");
  FUZZ_CHECK(date.day->year() >= 1900 && date.day->year() <= 2199,
             date.day->year());
  FUZZ_CHECK(date.begin < date.end && date.end <= text.size(), date.begin,
             "..", date.end, " of ", text.size());
  return 0;
}
