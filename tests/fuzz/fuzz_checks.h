// What the fuzz targets (tests/fuzz/) check beyond "no crash, no sanitizer
// report": the engine's contracts, asserted on every input. A broken
// contract prints what broke and aborts, which libFuzzer reports as a crash
// and saves the input.

#ifndef DYADTONE_TESTS_FUZZ_FUZZ_CHECKS_H_
#define DYADTONE_TESTS_FUZZ_FUZZ_CHECKS_H_

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "service/engine/result.h"
#include "service/engine/spec_reader.h"

namespace dyadtone {

[[noreturn]] inline void FuzzFailure(const char* file, int line,
                                     const char* condition,
                                     const std::string& detail) {
  std::fprintf(stderr, "%s:%d: fuzz check failed: %s %s\n", file, line,
               condition, detail.c_str());
  std::fflush(stderr);
  std::abort();
}

// FUZZ_CHECK(condition, detail...): aborts with the details when false.
#define FUZZ_CHECK(condition, ...)                                         \
  do {                                                                     \
    if (!(condition)) {                                                    \
      ::dyadtone::FuzzFailure(__FILE__, __LINE__, #condition,              \
                              ::absl::StrCat(__VA_ARGS__));                \
    }                                                                      \
  } while (false)

// The content of a data file the fuzzer cannot run without; aborts when it
// cannot be read. Callers keep it in a function-local static.
inline std::string ReadFileOrDie(const char* path) {
  std::string content;
  const absl::Status status = ReadFileToString(path, &content);
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", status.ToString().c_str());
    std::abort();
  }
  return content;
}

inline bool SpanWithin(const ByteSpan& span, size_t text_size) {
  return span.begin <= span.end && span.end <= text_size;
}

// The contracts of an ArticleResult for a text of `text_size` bytes
// (engine.h, result.h): tones in (-1, 1) and equal to their formula, spans
// inside the text, evidence indices valid, sorted dyad keys, the main dyad
// first.
inline void CheckArticleResult(const ArticleResult& r, size_t text_size) {
  FUZZ_CHECK(r.tokens > 0 && r.sentences > 0, r.tokens, " ", r.sentences);
  if (r.date.source != DateSource::kNone &&
      r.date.source != DateSource::kCaller) {
    FUZZ_CHECK(r.date.day.has_value(), "source without a day");
    FUZZ_CHECK(r.date.begin < r.date.end && r.date.end <= text_size,
               r.date.begin, "..", r.date.end, " of ", text_size);
  }
  if (r.date.day) {
    FUZZ_CHECK(r.date.day->year() >= 1900 && r.date.day->year() <= 2199,
               r.date.day->year());
  }
  for (const ActorCount& a : r.actors) {
    FUZZ_CHECK(a.mentions > 0, a.code);
    FUZZ_CHECK(SpanWithin(a.first, text_size), a.code);
  }
  for (const Evidence& e : r.evidence) {
    FUZZ_CHECK(SpanWithin(e.span, text_size) && e.span.begin < e.span.end,
               e.pattern, " ", e.span.begin, "..", e.span.end);
    FUZZ_CHECK(SpanWithin(e.sentence_span, text_size), e.pattern);
    FUZZ_CHECK(e.sentence >= 0 && e.sentence < r.sentences, e.sentence);
    FUZZ_CHECK(std::isfinite(e.contribution), e.pattern);
    for (const AppliedModifier& m : e.modifiers) {
      FUZZ_CHECK(SpanWithin(m.span, text_size), m.text);
      FUZZ_CHECK(std::isfinite(m.factor), m.text);
    }
    if (e.dyad) FUZZ_CHECK(e.dyad->a < e.dyad->b, e.dyad->a, e.dyad->b);
  }
  for (const DyadScore& d : r.dyads) {
    const std::string name = absl::StrCat(d.dyad.a, "-", d.dyad.b);
    FUZZ_CHECK(d.dyad.a < d.dyad.b, name);
    FUZZ_CHECK(std::isfinite(d.tone) && d.tone > -1 && d.tone < 1, name,
               " tone ", d.tone);
    FUZZ_CHECK(d.positive >= 0 && d.negative >= 0, name);
    FUZZ_CHECK(std::fabs(d.raw_sum - (d.positive - d.negative)) <=
                   1e-9 * (1 + d.positive + d.negative),
               name, " raw_sum ", d.raw_sum);
    FUZZ_CHECK(std::fabs(d.tone - d.raw_sum / (d.positive + d.negative +
                                               kEvidencePrior)) < 1e-9,
               name, " tone ", d.tone);
    FUZZ_CHECK(d.goldstein_mean >= -10 && d.goldstein_mean <= 10, name);
    FUZZ_CHECK(d.signals >= 0 && d.co_mentions >= 0, name);
    for (int c : d.class_counts) FUZZ_CHECK(c >= 0, name);
    for (int i : d.evidence) {
      FUZZ_CHECK(i >= 0 && static_cast<size_t>(i) < r.evidence.size(), name,
                 " evidence ", i);
    }
  }
  if (r.main_dyad) {
    FUZZ_CHECK(!r.dyads.empty() && r.dyads.front().dyad == *r.main_dyad,
               "main dyad ", r.main_dyad->a, "-", r.main_dyad->b,
               " is not first");
  }
}

// A data-file error must say "FILE: reason" or "FILE:LINE: reason", with a
// line of the file (`content` has count('\n') + 1 lines at most).
inline void CheckFileError(absl::string_view message, absl::string_view file,
                           absl::string_view content) {
  FUZZ_CHECK(absl::StartsWith(message, absl::StrCat(file, ":")), message);
  absl::string_view rest = message.substr(file.size() + 1);
  if (rest.empty() || !absl::ascii_isdigit(rest[0])) {
    FUZZ_CHECK(absl::StartsWith(rest, " "), message);
    return;
  }
  const size_t colon = rest.find(':');
  int line = 0;
  FUZZ_CHECK(colon != absl::string_view::npos &&
                 absl::SimpleAtoi(rest.substr(0, colon), &line),
             message);
  const size_t lines =
      static_cast<size_t>(std::count(content.begin(), content.end(), '\n')) +
      1;
  FUZZ_CHECK(line >= 1 && static_cast<size_t>(line) <= lines, message,
             " (the file has ", lines, " lines)");
}

}  // namespace dyadtone

#endif  // DYADTONE_TESTS_FUZZ_FUZZ_CHECKS_H_
