// The relations lexicon: the signal patterns and the modifiers that scale
// them. This header is the parsed, uncompiled form; see compiled_model.h for
// the matcher and docs/data-formats.md for the format.

#ifndef DYADTONE_SERVICE_ENGINE_LEXICON_H_
#define DYADTONE_SERVICE_ENGINE_LEXICON_H_

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"

namespace dyadtone {

// The CAMEO quad classes, plus procedural entries that score nothing.
enum class QuadClass {
  kVerbalCooperation,    // CAMEO 01-05
  kMaterialCooperation,  // CAMEO 06-08
  kVerbalConflict,       // CAMEO 09-13
  kMaterialConflict,     // CAMEO 14-20
  kNeutral,
};
inline constexpr int kNumQuadClasses = 4;  // kNeutral is not counted

absl::string_view QuadClassName(QuadClass c);  // "VCOOP", ...

// One slot of a pattern: a set of words, or a gap.
struct Slot {
  std::vector<std::string> words;  // normalised alternatives; empty for a gap
  int max_gap = 0;                 // > 0 for a gap "~N"
  bool optional = false;
};

struct SignalEntry {
  double weight = 0;  // Goldstein scale, -10..+10
  QuadClass quad = QuadClass::kNeutral;
  std::string pattern;  // as written
  std::vector<Slot> slots;
  int line = 0;
};

// A phrase of a modifier section: slots without gaps.
struct Phrase {
  std::vector<Slot> slots;
  std::string text;
  int line = 0;
};

struct ScaledPhrase {
  Phrase phrase;
  double factor = 1;
};

struct Contrast {
  std::string word;
  bool clause = false;  // "clause F after G" rather than "before F after G"
  double first = 1;     // before the word, or within its clause
  double after = 1;
  int line = 0;
};

struct LexiconData {
  std::string version;
  std::string fingerprint;
  std::vector<SignalEntry> signals;
  std::vector<Phrase> negators;
  std::vector<Phrase> non_negators;  // "!not only"
  std::vector<ScaledPhrase> intensifiers;
  std::vector<ScaledPhrase> hedges;
  std::vector<Contrast> contrasts;
  std::vector<Phrase> dyad_markers;
  std::vector<Phrase> speaker_cues;
  std::vector<Phrase> clause_openers;
};

// Parses a lexicon file. Errors name the file, line and reason.
absl::StatusOr<LexiconData> ParseLexicon(absl::string_view content,
                                         absl::string_view file_name);

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_ENGINE_LEXICON_H_
