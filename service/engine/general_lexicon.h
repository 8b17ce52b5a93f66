// General (document-level) sentiment from a word lexicon in the VADER or
// AFINN format, scored with the VADER rules (Hutto & Gilbert, ICWSM 2014).
//
// This is the "general tone" of an article, beside the per-dyad relations
// tone: it has no notion of who speaks about whom. A GeneralLexicon is
// immutable after Parse() and safe to share between threads.

#ifndef DYADTONE_SERVICE_ENGINE_GENERAL_LEXICON_H_
#define DYADTONE_SERVICE_ENGINE_GENERAL_LEXICON_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace dyadtone {

// VADER-style scores of one text.
struct GeneralScores {
  double compound = 0;  // normalised sum of valences, in [-1, 1]
  double positive = 0;  // share of positive valence, [0, 1]
  double neutral = 0;   // share of neutral tokens, [0, 1]
  double negative = 0;  // share of negative valence, [0, 1]
};

class GeneralLexicon {
 public:
  enum class Format {
    kAuto,   // VADER if the lines have >= 3 tab-separated fields, else AFINN
    kVader,  // token<TAB>mean<TAB>sd<TAB>[ratings] ; mean on -4..+4
    kAfinn,  // word<TAB>integer ; -5..+5, rescaled to VADER's -4..+4
  };

  // Parses `content`. `name` is used in error messages, which have the form
  // "NAME:LINE: reason".
  static absl::StatusOr<std::unique_ptr<const GeneralLexicon>> Parse(
      std::string_view content, std::string_view name,
      Format format = Format::kAuto);
  static absl::StatusOr<std::unique_ptr<const GeneralLexicon>> LoadFile(
      const std::string& path, Format format = Format::kAuto);

  // Scores `text`, which must be valid UTF-8. Thread-safe.
  GeneralScores Score(std::string_view text) const;

  Format format() const { return format_; }
  size_t size() const { return lexicon_size_; }

 private:
  // What Score() knows about one lower-cased token: its lexicon valence if it
  // has one, and its role in VADER's rules (negation, booster, "but", ...).
  // Lexicon words and rule words share one table so that each token of a
  // text costs a single hash probe.
  struct Entry {
    double valence = 0;  // on VADER's -4..+4 scale, if in_lexicon
    double booster = 0;  // B_INCR / B_DECR, if flags has kBooster
    uint16_t flags = 0;  // bit set of the word roles in the .cc
    bool in_lexicon = false;
  };

  GeneralLexicon() = default;
  // Adds the rule words (VADER's NEGATE, BOOSTER_DICT, "but", ...) to
  // entries_ after the lexicon is read.
  void AddRuleWords();

  Format format_ = Format::kVader;
  size_t lexicon_size_ = 0;  // tokens with a valence (multi-word entries not)
  // Lower-cased token -> Entry.
  absl::flat_hash_map<std::string, Entry> entries_;
};

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_ENGINE_GENERAL_LEXICON_H_
