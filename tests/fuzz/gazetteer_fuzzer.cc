// Fuzzes the gazetteer parser with arbitrary file contents: either a
// gazetteer that compiles into an engine (with the small test lexicon) and
// scores a text within the result's contracts, or an InvalidArgument
// "FILE:LINE: reason" naming a line of the file.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "service/engine/engine.h"
#include "service/engine/gazetteer.h"
#include "service/engine/spec_reader.h"
#include "tests/fuzz/fuzz_checks.h"

namespace dyadtone {
namespace {

constexpr absl::string_view kFile = "fuzz_gazetteer.txt";

// Names, acronyms, capitals, seats, people and a person in office, for
// whatever actors the fuzzed gazetteer defines.
constexpr absl::string_view kText =
    "date 2021-06-01\n"
    "Pakistan and the US reaffirmed their commitment to bilateral ties. "
    "Islamabad condemned the strike, but Washington said the White House "
    "welcomed Prime Minister Imran Khan; Pakistanis and Americans, the "
    "Indian and Chinese envoys, Mr. Smith of Georgia and Atlanta, Georgia "
    "praised the talks.";

const std::string& MiniLexicon() {
  static const std::string* const text =
      new std::string(ReadFileOrDie(DYADTONE_TESTDATA_DIR "/mini_lexicon.txt"));
  return *text;
}

}  // namespace
}  // namespace dyadtone

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dyadtone;
  const absl::string_view content(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<GazetteerData> gazetteer = ParseGazetteer(content, kFile);
  if (!gazetteer.ok()) {
    FUZZ_CHECK(absl::IsInvalidArgument(gazetteer.status()),
               gazetteer.status().ToString());
    CheckFileError(gazetteer.status().message(), kFile, content);
    return 0;
  }
  for (const Alias& a : gazetteer->aliases) {
    FUZZ_CHECK(a.actor >= 0 &&
                   static_cast<size_t>(a.actor) < gazetteer->actors.size(),
               a.text);
    FUZZ_CHECK(!a.tokens.empty(), "alias \"", a.text, "\" has no tokens");
  }
  absl::StatusOr<std::unique_ptr<const Engine>> engine = Engine::FromContents(
      content, kFile, MiniLexicon(), "mini_lexicon.txt");
  if (!engine.ok()) {
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
