// General (document-level) sentiment from a word lexicon in the VADER or
// AFINN format, scored with the VADER rules (Hutto & Gilbert, ICWSM 2014).
//
// This is the "general tone" of an article, beside the per-dyad relations
// tone: it has no notion of who speaks about whom. A GeneralLexicon is
// immutable after Parse() and safe to share between threads.
//
// Two rule sets (GeneralToneOptions::Mode):
//  - kDyadtone (the default): VADER's rules with general refinements --
//    length-normalised compound (long texts no longer saturate at +-1),
//    questions damped, weaker "not bad", look-back for modifiers bounded by
//    sentiment words and clause punctuation, elongated words ("soooo"),
//    regular -s / -ly forms of lexicon words, and a few fixes. With VADER's
//    lexicon its compound correlates better with human ratings than VADER's
//    (see the top of general_lexicon.cc for the figures).
//  - kVader: a faithful port of vaderSentiment 3.3.2 (same scores as the
//    reference package, up to the documented differences in the .cc), for
//    users who need VADER's numbers exactly.

#ifndef DYADTONE_SERVICE_ENGINE_GENERAL_LEXICON_H_
#define DYADTONE_SERVICE_ENGINE_GENERAL_LEXICON_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "service/engine/word_table.h"

namespace dyadtone {

// Which rules Score() applies; fixed when the lexicon is parsed.
struct GeneralToneOptions {
  enum class Mode {
    kDyadtone,  // default: VADER's rules, refined (see the .cc)
    kVader,     // faithful vaderSentiment 3.3.2
  };
  Mode mode = Mode::kDyadtone;
};

// VADER-style scores of one text.
struct GeneralScores {
  double compound = 0;  // normalised (kDyadtone: length-normalised) sum of
                        // valences, in [-1, 1]
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
  // "NAME:LINE: reason". `options` selects the rules Score() applies.
  static absl::StatusOr<std::unique_ptr<const GeneralLexicon>> Parse(
      std::string_view content, std::string_view name,
      Format format = Format::kAuto, GeneralToneOptions options = {});
  static absl::StatusOr<std::unique_ptr<const GeneralLexicon>> LoadFile(
      const std::string& path, Format format = Format::kAuto,
      GeneralToneOptions options = {});

  // Scores `text`, which must be valid UTF-8, with the rules of options().
  // Thread-safe; allocates nothing once the calling thread's buffers have
  // grown to the text's size.
  GeneralScores Score(std::string_view text) const;

  Format format() const { return format_; }
  const GeneralToneOptions& options() const { return options_; }
  size_t size() const { return lexicon_size_; }

 private:
  // What Score() knows about one lower-cased token: its lexicon valence if it
  // has one, and its role in VADER's rules (negation, booster, "but", ...).
  // Lexicon words and rule words share one table so that each token of a
  // text costs a single hash probe.
  struct Entry {
    double valence = 0;  // on VADER's -4..+4 scale, if in_lexicon
    uint16_t flags = 0;  // bit set of the word roles in the .cc (a booster's
                         // B_INCR or B_DECR among them)
    uint8_t phrase = 0;  // the word's id among the idioms' words, or 0
    bool in_lexicon = false;
  };

  GeneralLexicon() = default;
  // Adds the rule words (VADER's NEGATE, BOOSTER_DICT, "but", ...) to
  // `entries` after the lexicon is read.
  static void AddRuleWords(absl::flat_hash_map<std::string, Entry>* entries);

  // The entry of the lower-cased `word`, or null. REQUIRES: the
  // WordTable::kPadding bytes after `word` are readable.
  const Entry* Find(std::string_view word) const {
    return FindKey(WordTable::MakeKey(word.data(), word.size()));
  }
  const Entry* FindKey(const WordTable::Key& key) const {
    const uint32_t id = words_.Find(key);
    return id == 0 ? nullptr : &entries_[id];
  }
  // kDyadtone: for a lower-cased `word` that has no entry, the entry of a
  // respelling -- letter runs shortened ("gooood"), or the base of a -ly or
  // -s form ("superbly", "lacks") -- or null. The respelling, shorter than
  // `word`, is written to `out` (64 bytes, then WordTable::kPadding more)
  // and its length to `*out_len`; `*elongated` tells whether runs were
  // shortened.
  const Entry* Respell(std::string_view word, char* out, size_t* out_len,
                       bool* elongated) const;
  // kDyadtone: fills forms_ with the -ly and -s forms of the lexicon's words
  // that Respell() resolves, so that a word without a letter run costs one
  // more probe, with the hash already computed, instead of Respell().
  // `words` are the lexicon's (word, index into entries_).
  absl::Status AddRegularForms(
      const std::vector<std::pair<std::string, uint32_t>>& words);

  Format format_ = Format::kVader;
  GeneralToneOptions options_;
  size_t lexicon_size_ = 0;  // tokens with a valence (multi-word entries not)
  // Lower-cased token -> index into entries_ (whose entry 0 is unused): one
  // probe of a flat table with a cheap hash, the lookup every token of a
  // text makes.
  WordTable words_;
  std::vector<Entry> entries_;
  // Every word without a letter run for which Respell() finds an entry
  // (kDyadtone only) -> the entry's index << 7 | the length of the word's
  // prefix the respelling keeps << 1 | whether a 'y' follows it: Respell()
  // reduces such a word to a prefix and perhaps a 'y' ("happily" ->
  // "happy").
  WordTable forms_;
};

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_ENGINE_GENERAL_LEXICON_H_
