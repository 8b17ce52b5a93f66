// What the engine says about one article: the tone of every country pair
// in it, with the evidence behind each figure.
//
// The evidence's views (Evidence::pattern, Evidence::text and
// AppliedModifier::text) point into the Engine that scored the article and
// into the text it was given, as a regexp's submatches point into the text
// matched: copy them before either goes away.

#ifndef DYADTONE_SERVICE_ENGINE_RESULT_H_
#define DYADTONE_SERVICE_ENGINE_RESULT_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"
#include "service/engine/date_extractor.h"
#include "service/engine/general_lexicon.h"
#include "service/engine/lexicon.h"

namespace dyadtone {

struct ByteSpan {
  uint32_t begin = 0;
  uint32_t end = 0;
};

// An undirected pair of actors: `a` < `b` (ISO alpha-3 codes, sorted).
struct DyadKey {
  std::string a;
  std::string b;

  friend bool operator==(const DyadKey& x, const DyadKey& y) {
    return x.a == y.a && x.b == y.b;
  }
  friend bool operator<(const DyadKey& x, const DyadKey& y) {
    return x.a != y.a ? x.a < y.a : x.b < y.b;
  }
};

// Makes the sorted key of two codes.
DyadKey MakeDyadKey(const std::string& x, const std::string& y);

enum class ModifierType { kNegation, kIntensifier, kHedge, kContrast };

struct AppliedModifier {
  ModifierType type = ModifierType::kNegation;
  absl::string_view text;  // the modifier as written (into the input)
  ByteSpan span;
  double factor = 1;  // what it multiplied the weight by
};

// How a signal found its pair of countries.
enum class Attribution {
  kNone,        // no attributable pair: scores no dyad
  kClause,      // both countries named in the signal's clause
  kSentence,    // both countries named in the signal's sentence
  kMainDyadSpeaker,  // one side named, the other implied ("we value ...")
  kMainDyadMarker,   // "the two countries", "both sides", "bilateral"
  kMainDyadContext,  // a speaker of the main dyad continues from before
  kOrganization,     // an organisation acts or is acted upon ("the EU
                     // welcomed Serbia's decision"): scores no dyad
  kAntecedent,       // "the attack": the pair an earlier sentence gave the
                     // event it names, or that event's agent as the target
                     // of "condemned the attack"
};

absl::string_view AttributionName(Attribution a);
absl::string_view ModifierTypeName(ModifierType t);

struct Evidence {
  int lexicon_line = 0;        // the entry's line in the lexicon file
  absl::string_view pattern;   // the entry's pattern (into the Engine)
  QuadClass entry_class = QuadClass::kNeutral;  // as in the lexicon
  QuadClass effective_class = QuadClass::kNeutral;  // after negation
  double weight = 0;           // the entry's weight
  absl::string_view text;      // the matched words (into the input)
  ByteSpan span;               // of the match
  int sentence = 0;            // index of the sentence
  ByteSpan sentence_span;
  absl::InlinedVector<AppliedModifier, 1> modifiers;
  double contribution = 0;     // weight x modifiers
  Attribution attribution = Attribution::kNone;
  std::optional<DyadKey> dyad;
  std::string source;          // acting country, "" if not known
  std::string target;          // country acted upon, "" if not known
};

struct DyadScore {
  DyadKey dyad;
  // raw_sum / (positive + negative + kEvidencePrior), in (-1, 1).
  double tone = 0;
  double raw_sum = 0;    // sum of contributions
  double positive = 0;   // sum of positive contributions
  double negative = 0;   // sum of |negative contributions|
  // Contributions by direction: [0] a acting on b, [1] b acting on a.
  std::array<double, 2> directed_sum = {0, 0};
  // Signals by effective CAMEO quad class (VCOOP, MCOOP, VCONF, MCONF).
  std::array<int, kNumQuadClasses> class_counts = {0, 0, 0, 0};
  double goldstein_mean = 0;  // mean contribution, clamped to -10..+10
  int signals = 0;            // signals attributed (NEUTRAL ones excluded)
  int co_mentions = 0;        // sentences naming both
  std::vector<int> evidence;  // indices into ArticleResult::evidence
};

// The prior, in Goldstein units, that keeps a dyad with little evidence
// close to neutral: one signal of weight 3 gives a tone of 3 / 7 = 0.43.
inline constexpr double kEvidencePrior = 4.0;

struct ActorCount {
  std::string code;
  std::string name;
  int mentions = 0;
  ByteSpan first;  // the first mention
};

struct ArticleResult {
  ArticleDate date;
  std::vector<ActorCount> actors;  // by mentions, most first
  std::vector<DyadScore> dyads;    // the main dyad first, then by signals
  std::optional<DyadKey> main_dyad;
  std::vector<Evidence> evidence;  // every signal found, in text order
  std::optional<GeneralScores> general;  // when a general lexicon is loaded
  int sentences = 0;
  int tokens = 0;
  std::string lexicon_version;
  std::string gazetteer_version;
};

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_ENGINE_RESULT_H_
