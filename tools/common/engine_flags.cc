#include "tools/common/engine_flags.h"

#include <string>

#include "absl/flags/flag.h"

ABSL_FLAG(std::string, gazetteer, dyadtone::DefaultGazetteerPath(),
          "gazetteer file");
ABSL_FLAG(std::string, lexicon, dyadtone::DefaultLexiconPath(),
          "relations lexicon file");
ABSL_FLAG(std::string, general_lexicon, "",
          "VADER- or AFINN-format lexicon for the general tone");
ABSL_FLAG(bool, vader_compatible, false,
          "score the general tone exactly as vaderSentiment 3.3.2 does");

namespace dyadtone {

EngineOptions EngineOptionsFromFlags() {
  EngineOptions options;
  options.gazetteer_path = absl::GetFlag(FLAGS_gazetteer);
  options.lexicon_path = absl::GetFlag(FLAGS_lexicon);
  options.general_lexicon_path = absl::GetFlag(FLAGS_general_lexicon);
  if (absl::GetFlag(FLAGS_vader_compatible)) {
    options.general_tone.mode = GeneralToneOptions::Mode::kVader;
  }
  return options;
}

}  // namespace dyadtone
