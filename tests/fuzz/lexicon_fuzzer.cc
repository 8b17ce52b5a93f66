// Fuzzes the relations lexicon parser with arbitrary file contents: either
// a lexicon that compiles into an engine (with the small test gazetteer)
// and scores a text within the result's contracts, or an InvalidArgument
// "FILE:LINE: reason" naming a line of the file.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "service/engine/engine.h"
#include "service/engine/lexicon.h"
#include "service/engine/spec_reader.h"
#include "tests/fuzz/fuzz_checks.h"

namespace dyadtone {
namespace {

constexpr absl::string_view kFile = "fuzz_lexicon.txt";

// Exercises the matcher: countries, a warm and a cold signal, negation,
// an intensifier, a hedge, contrast and a dyad marker.
constexpr absl::string_view kText =
    "date 2021-06-01\n"
    "Pakistan and the United States reaffirmed their commitment to "
    "bilateral ties. Islamabad strongly condemned the US strike, but "
    "Washington said it may not abandon the talks; both sides welcomed "
    "the visit.";

const std::string& MiniGazetteer() {
  static const std::string* const text =
      new std::string(ReadFileOrDie(DYADTONE_TESTDATA_DIR "/mini_gazetteer.txt"));
  return *text;
}

}  // namespace
}  // namespace dyadtone

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dyadtone;
  const absl::string_view content(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<LexiconData> lexicon = ParseLexicon(content, kFile);
  if (!lexicon.ok()) {
    FUZZ_CHECK(absl::IsInvalidArgument(lexicon.status()),
               lexicon.status().ToString());
    CheckFileError(lexicon.status().message(), kFile, content);
    return 0;
  }
  FUZZ_CHECK(!lexicon->signals.empty(), "a lexicon without signals");
  absl::StatusOr<std::unique_ptr<const Engine>> engine = Engine::FromContents(
      MiniGazetteer(), "mini_gazetteer.txt", content, kFile);
  if (!engine.ok()) {
    // Compiling may still reject it (a pattern no text can match); the
    // error must then point into the lexicon too.
    FUZZ_CHECK(absl::IsInvalidArgument(engine.status()),
               engine.status().ToString());
    CheckFileError(engine.status().message(), kFile, content);
    return 0;
  }
  absl::StatusOr<ArticleResult> result = (*engine)->Score({kText});
  FUZZ_CHECK(result.ok(), result.status().ToString());
  CheckArticleResult(*result, kText.size());
  return 0;
}
