// General-tone scorer: the VADER rules over a VADER or AFINN lexicon, in two
// modes (GeneralToneOptions::Mode).
//
// kVader follows vaderSentiment 3.3.2 (vaderSentiment/vaderSentiment.py,
// https://github.com/cjhutto/vaderSentiment, MIT licence, (c) C.J. Hutto),
// described in Hutto & Gilbert, "VADER: A Parsimonious Rule-based Model for
// Sentiment Analysis of Social Media Text", ICWSM 2014. Each rule below names
// the reference function it mirrors. It gives the reference's score on every
// text of the two rated sets below (to 1e-9), and on 100k fuzzed texts.
//
// kDyadtone (the default) is kVader with these changes:
//  1. Length normalisation: the sum of valences is multiplied by
//     sqrt(5 / max(tokens, 5)) before the punctuation emphasis and VADER's
//     normalisation s / sqrt(s^2 + 15). Texts of up to 5 tokens score as in
//     VADER; longer ones (multi-sentence reviews, articles) no longer
//     saturate at +-1, and a sum of n independent valences grows like
//     sqrt(n), so the score tracks intensity rather than length.
//  2. Questions: valences in a sentence ending with "?" are halved (a
//     question does not assert its sentiment). Sentences end at tokens
//     ending with . ! or ? (closing quotes and brackets looked through).
//  3. Negating a negative valence multiplies it by N_SCALAR / 2 (-0.37), not
//     N_SCALAR: "not bad" is milder praise than "good" is (also for "no" and
//     "least").
//  4. The look-back for boosters and negations (3 tokens) stops at another
//     lexicon word, which owns the modifiers before it, and at a token ending
//     with . ! ? , ; or :. (VADER negates "care" twice in "don't care don't
//     care", and "not. good" is negative there.)
//  5. Elongated words: a word unknown to the scorer with a run of >= 3 equal
//     letters is looked up with the runs as 2, then 1 letters ("gooood",
//     "sooo", "nooot") and, if found, emphasised by B_INCR like a booster.
//  6. Regular forms: an unknown all-letter word is looked up as the -ly
//     adverb ("superbly", "happily", "dramatically") or -s form ("lacks",
//     "injuries") of a lexicon word of >= 3 letters.
//  7. Fixes: a <= 2-letter word kept with its punctuation ("no.", "ok!") is
//     looked up without it if the whole token is not a lexicon word; "no" is
//     not negated by a preceding "no" ("no no no" is negative); "but" scales
//     by position, without _but_check's list.index() quirk.
// Everything else (word lists, constants, the "so"/"this" x1.25 quirk,
// whose fix measured worse) is as in kVader. Respelled tokens are rewritten
// in the per-thread buffer, so there is still no per-token allocation.
//
// Measured with VADER's lexicon, Pearson r of compound with the human mean
// (tweets_GroundTruth n=4200 / movieReviewSnippets_GroundTruth n=10605;
// VADER's published figures 0.881 / 0.451):
//   kVader (= vaderSentiment 3.3.2)                          0.8722 / 0.4276
//   kDyadtone                                                0.8852 / 0.4613
// Normalisations tried on kVader's valences: alpha 30 instead of 15
// 0.8701 / 0.4283; mean valence of sentiment tokens 0.8399 / 0.4260; sum /
// sqrt(sentiment tokens) 0.8635 / 0.4396; alpha x sentiment tokens
// 0.8759 / 0.4380 (with kDyadtone's rules: 0.8831 / 0.4529); average of
// per-sentence compounds 0.8508 / 0.4276; pos-neg proportion difference
// 0.8262 / 0.4467; compound + 0.5 x that 0.8773 / 0.4390 (+ 2 x:
// 0.8684 / 0.4501); length normalisation (1) 0.8781 / 0.4479.
// Each change removed from kDyadtone (r without it): 1: 0.8791 / 0.4413;
// 2: 0.8839 / 0.4604; 3: 0.8841 / 0.4598; 4 (lexicon word): 0.8848 / 0.4600;
// 4 (punctuation): 0.8853 / 0.4609; 5: 0.8838 / 0.4611; 6 (-ly):
// 0.8855 / 0.4570; 6 (-s): 0.8850 / 0.4563; 7 (short words): 0.8849 /
// 0.4613; 7 ("no no"): 0.8843 / 0.4613; 7 ("but"): 0.8852 / 0.4614.
// Tried and left out (r with it added): negation scope to the clause end
// (up to 6 tokens) 0.8826 / 0.4642; "too" + positive word negated, + negative
// boosted 0.8840 / 0.4635; "too" as a booster 0.8852 / 0.4613; the "so"/
// "this" precedence fix 0.8843 / 0.4607; -ly adverb before a lexicon word as
// a booster 0.8853 / 0.4605; -ed forms 0.8853 / 0.4599; -ing forms
// 0.8851 / 0.4617; "but" (also "however", "yet") scoped to its sentence, a
// sentence-initial one to the sentence before 0.8851 / 0.4615. Sensitivity:
// with the reference length 3..8 tokens, the question factor 0.3..0.7 and
// the negated-negative factor -0.25..-0.5, r stays within 0.8793..0.8857 /
// 0.4570..0.4627.
//
// Known, deliberate differences from the reference:
//  - Emoji are not translated to their textual descriptions (the reference's
//    emoji_utf8_lexicon step); an emoji scores only if the lexicon has it.
//  - Scores are not rounded (the reference rounds compound to 4 decimals and
//    the proportions to 3).
//  - Python's str.lower()/str.isupper() are Unicode-wide; here ASCII, Latin-1,
//    Latin Extended-A, Greek and Cyrillic letters are cased, other scripts are
//    treated as uncased. Python's str.split() whitespace set is reproduced.
//  - Lexicon keys are lower-cased when read (the reference keeps them as
//    written and looks up lower-cased tokens, so an upper-case key can never
//    match). Where a key exists both in lower case and in another case (":p"
//    and ":P" in VADER's file) the lower-case spelling wins, as in the
//    reference; an upper-case key without a lower-case twin becomes
//    matchable (in VADER's file only ":Þ" and ":-Þ").
//  - Multi-word entries ("can't stand" in VADER's file, "does not work" in
//    AFINN) are validated and then ignored: tokens are split on whitespace, so
//    they can never match a token. The reference behaves the same (its lookup
//    is per token); matching them as phrases would change VADER's scores.
//  - A token repeated in the file: the later line wins, as in the reference's
//    dict (VADER's own file repeats 14 tokens, e.g. "lol" on lines 305 and
//    4406 with different valences), so repeats are not an error.
//
// Reproduced quirks of the reference, kept so scores match it:
//  - _strip_punc_if_word keeps the punctuation of a token whose stripped form
//    has <= 2 characters ("is," stays "is,", so it is not the word "is").
//  - _negation_check's 3-words-back branch multiplies by 1.25 whenever the
//    word just before is "so" or "this" (operator precedence in the original).
//  - _but_check finds each sentiment by value with list.index(), so a value
//    that occurs twice is scaled at its first occurrence (see ButCheck).
//  - SPECIAL_CASES is consulted only from the third preceding word's branch,
//    i.e. for a word with >= 3 words before it; "badass" (a one-word key) is
//    never matched; SENTIMENT_LADEN_IDIOMS is unused ("future work" there).

#include "service/engine/general_lexicon.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <queue>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace dyadtone {
namespace {

// ---------------------------------------------------------------------------
// VADER's constants and word lists (vaderSentiment.py, MIT licence).

constexpr double kBIncr = 0.293;    // B_INCR
constexpr double kBDecr = -0.293;   // B_DECR
constexpr double kCIncr = 0.733;    // C_INCR
constexpr double kNScalar = -0.74;  // N_SCALAR
constexpr double kExclaim = 0.292;  // per "!", at most 4 counted
constexpr double kQuestion = 0.18;  // per "?", when 2 or 3
constexpr double kQuestionMax = 0.96;
constexpr double kAlpha = 15;  // normalize()

// kDyadtone's constants (see the top of this file).
constexpr double kNScalarOfNegative = kNScalar / 2;  // "not bad"
constexpr double kQuestionDamp = 0.5;                // sentiment in a question
constexpr double kReferenceLength = 5;  // tokens; longer texts are scaled
constexpr size_t kMaxVariant = 64;      // bytes of a respelled token looked up
// Bytes after Score()'s copy of the text, so that every token can be read 16
// bytes at a time (the first of them a NUL, which ends the last token and
// any run of spaces); also the bytes after the lower-cased copy, where the
// 16-byte writes of the last token land.
constexpr size_t kTextPadding = 16;

// NEGATE.
constexpr std::string_view kNegateWords[] = {
    "aint",    "arent",    "cannot",  "cant",     "couldnt",  "darent",
    "didnt",   "doesnt",   "ain't",   "aren't",   "can't",    "couldn't",
    "daren't", "didn't",   "doesn't", "dont",     "hadnt",    "hasnt",
    "havent",  "isnt",     "mightnt", "mustnt",   "neither",  "don't",
    "hadn't",  "hasn't",   "haven't", "isn't",    "mightn't", "mustn't",
    "neednt",  "needn't",  "never",   "none",     "nope",     "nor",
    "not",     "nothing",  "nowhere", "oughtnt",  "shant",    "shouldnt",
    "uhuh",    "wasnt",    "werent",  "oughtn't", "shan't",   "shouldn't",
    "uh-uh",   "wasn't",   "weren't", "without",  "wont",     "wouldnt",
    "won't",   "wouldn't", "rarely",  "seldom",   "despite"};

struct WordValue {
  std::string_view word;
  double value;
};

// BOOSTER_DICT, one-word keys.
constexpr WordValue kBoosters[] = {
    {"absolutely", kBIncr},    {"amazingly", kBIncr},
    {"awfully", kBIncr},       {"completely", kBIncr},
    {"considerable", kBIncr},  {"considerably", kBIncr},
    {"decidedly", kBIncr},     {"deeply", kBIncr},
    {"effing", kBIncr},        {"enormous", kBIncr},
    {"enormously", kBIncr},    {"entirely", kBIncr},
    {"especially", kBIncr},    {"exceptional", kBIncr},
    {"exceptionally", kBIncr}, {"extreme", kBIncr},
    {"extremely", kBIncr},     {"fabulously", kBIncr},
    {"flipping", kBIncr},      {"flippin", kBIncr},
    {"frackin", kBIncr},       {"fracking", kBIncr},
    {"fricking", kBIncr},      {"frickin", kBIncr},
    {"frigging", kBIncr},      {"friggin", kBIncr},
    {"fully", kBIncr},         {"fuckin", kBIncr},
    {"fucking", kBIncr},       {"fuggin", kBIncr},
    {"fugging", kBIncr},       {"greatly", kBIncr},
    {"hella", kBIncr},         {"highly", kBIncr},
    {"hugely", kBIncr},        {"incredible", kBIncr},
    {"incredibly", kBIncr},    {"intensely", kBIncr},
    {"major", kBIncr},         {"majorly", kBIncr},
    {"more", kBIncr},          {"most", kBIncr},
    {"particularly", kBIncr},  {"purely", kBIncr},
    {"quite", kBIncr},         {"really", kBIncr},
    {"remarkably", kBIncr},    {"so", kBIncr},
    {"substantially", kBIncr}, {"thoroughly", kBIncr},
    {"total", kBIncr},         {"totally", kBIncr},
    {"tremendous", kBIncr},    {"tremendously", kBIncr},
    {"uber", kBIncr},          {"unbelievably", kBIncr},
    {"unusually", kBIncr},     {"utter", kBIncr},
    {"utterly", kBIncr},       {"very", kBIncr},
    {"almost", kBDecr},        {"barely", kBDecr},
    {"hardly", kBDecr},        {"kinda", kBDecr},
    {"kindof", kBDecr},        {"kind-of", kBDecr},
    {"less", kBDecr},          {"little", kBDecr},
    {"marginal", kBDecr},      {"marginally", kBDecr},
    {"occasional", kBDecr},    {"occasionally", kBDecr},
    {"partly", kBDecr},        {"scarce", kBDecr},
    {"scarcely", kBDecr},      {"slight", kBDecr},
    {"slightly", kBDecr},      {"somewhat", kBDecr},
    {"sorta", kBDecr},         {"sortof", kBDecr},
    {"sort-of", kBDecr}};

// The words of the idioms below. A token carries its word's id here (its
// index + 1) rather than its spelling, so that an idiom is matched by
// comparing bytes.
constexpr std::string_view kPhraseWords[] = {
    "the",   "shit",   "bomb", "bad",    "ass",  "bus", "stop", "yeah",
    "right", "kiss",   "of",   "death",  "to",   "die", "for",  "beating",
    "heart", "broken", "just", "enough", "kind", "sort"};

// The id of a word of kPhraseWords; not a constant expression (so a compile
// error in the tables below) for any other word.
constexpr uint8_t W(std::string_view word) {
  for (size_t k = 0; k < std::size(kPhraseWords); ++k) {
    if (kPhraseWords[k] == word) return static_cast<uint8_t>(k + 1);
  }
  throw "not in kPhraseWords";
}

// A phrase of up to three words (kPhraseWords ids) with a value.
struct PhraseValue {
  uint8_t words[3];
  int n;
  double value;
};

// BOOSTER_DICT, two-word keys (only reached by _special_idioms_check).
constexpr PhraseValue kBoosterBigrams[] = {
    {{W("just"), W("enough")}, 2, kBDecr},
    {{W("kind"), W("of")}, 2, kBDecr},
    {{W("sort"), W("of")}, 2, kBDecr}};

// SPECIAL_CASES, multi-word keys ("badass" is a one-word key there, which the
// reference never matches: every sequence it builds has two or three words).
constexpr PhraseValue kSpecialCases[] = {
    {{W("the"), W("shit")}, 2, 3},
    {{W("the"), W("bomb")}, 2, 3},
    {{W("bad"), W("ass")}, 2, 1.5},
    {{W("bus"), W("stop")}, 2, 0.0},
    {{W("yeah"), W("right")}, 2, -2},
    {{W("kiss"), W("of"), W("death")}, 3, -1.5},
    {{W("to"), W("die"), W("for")}, 3, 3},
    {{W("beating"), W("heart")}, 2, 3.1},
    {{W("broken"), W("heart")}, 2, -2.9}};

// Roles of a lower-cased word in the rules (Entry::flags).
enum WordFlag : uint16_t {
  kBooster = 1 << 0,    // in BOOSTER_DICT
  kNegate = 1 << 1,     // in NEGATE (tokens containing "n't" get it too)
  kNo = 1 << 2,         // "no"
  kKind = 1 << 3,       // "kind"
  kOf = 1 << 4,         // "of"
  kBut = 1 << 5,        // "but"
  kLeast = 1 << 6,      // "least"
  kAt = 1 << 7,         // "at"
  kVery = 1 << 8,       // "very"
  kNever = 1 << 9,      // "never"
  kSoThis = 1 << 10,    // "so", "this"
  kWithout = 1 << 11,   // "without"
  kDoubt = 1 << 12,     // "doubt"
  kOrNor = 1 << 13,     // "or", "nor"
  kPhrase = 1 << 14,    // a word of kSpecialCases or kBoosterBigrams
  kDampener = 1 << 15,  // with kBooster: its value is B_DECR, not B_INCR
};

// ---------------------------------------------------------------------------
// Character classes.

// Python's str.split() separators (str.isspace()) in ASCII.
constexpr bool IsAsciiSpace(unsigned char c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
}

// Bytes of the whitespace character starting at p (0 if none): Python's
// whitespace set, i.e. the ASCII ones and U+0085, U+00A0, U+1680,
// U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
inline size_t SpaceLength(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = *p;
  if (c < 0x80) return IsAsciiSpace(c) ? 1 : 0;
  const size_t left = static_cast<size_t>(end - p);
  switch (c) {
    case 0xC2:
      return left >= 2 && (p[1] == 0x85 || p[1] == 0xA0) ? 2 : 0;
    case 0xE1:
      return left >= 3 && p[1] == 0x9A && p[2] == 0x80 ? 3 : 0;
    case 0xE2:
      if (left < 3) return 0;
      if (p[1] == 0x80) {
        const unsigned char d = p[2];
        return (d >= 0x80 && d <= 0x8A) || d == 0xA8 || d == 0xA9 || d == 0xAF
                   ? 3
                   : 0;
      }
      return p[1] == 0x81 && p[2] == 0x9F ? 3 : 0;
    case 0xE3:
      return left >= 3 && p[1] == 0x80 && p[2] == 0x80 ? 3 : 0;
    default:
      return 0;
  }
}

// Python's string.punctuation: every printable ASCII character that is not a
// letter, a digit or a space.
constexpr bool IsPunct(unsigned char c) {
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
         (c >= 123 && c <= 126);
}

// Byte classes for the tokeniser's inner loop.
enum ByteClass : uint8_t {
  kClassSpace = 1,        // ASCII whitespace
  kClassPunct = 2,        // string.punctuation
  kClassHigh = 4,         // >= 0x80: may start a Unicode space
  kClassUpper = 8,        // A-Z
  kClassLower = 16,       // a-z
  kClassApostrophe = 32,  // '
  kClassEmphasis = 64,    // ! or ?
  kClassRun = 128,        // ScanToken(): the token may have a run of three
                          // equal letters ("sooo")
};
struct ByteClassTable {
  uint8_t of[256];
  char lower[256];  // ASCII lower case; other bytes unchanged
  constexpr ByteClassTable() : of(), lower() {
    for (int c = 0; c < 256; ++c) {
      const auto u = static_cast<unsigned char>(c);
      of[c] = static_cast<uint8_t>((IsAsciiSpace(u) ? kClassSpace : 0) |
                                   (IsPunct(u) ? kClassPunct : 0) |
                                   (c >= 0x80 ? kClassHigh : 0) |
                                   (c >= 'A' && c <= 'Z' ? kClassUpper : 0) |
                                   (c >= 'a' && c <= 'z' ? kClassLower : 0) |
                                   (c == '\'' ? kClassApostrophe : 0) |
                                   (c == '!' || c == '?' ? kClassEmphasis : 0));
      lower[c] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
  }
};
constexpr ByteClassTable kByteClass;

// Lower case of a code point in U+0080..U+07FF (identity where uncased or not
// covered). Every mapping stays within two UTF-8 bytes.
constexpr uint32_t LowerTwoByte(uint32_t cp) {
  // Latin-1 Supplement.
  if (cp >= 0xC0 && cp <= 0xDE) return cp == 0xD7 ? cp : cp + 0x20;
  // Latin Extended-A.
  if (cp >= 0x100 && cp <= 0x17F) {
    if (cp == 0x130 || cp == 0x131 || cp == 0x138 || cp == 0x149 ||
        cp == 0x17F) {
      return cp;  // U+0130 lowers to two code points in Python: left alone
    }
    if (cp == 0x178) return 0xFF;
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) {
      return (cp & 1) ? cp + 1 : cp;
    }
    return (cp & 1) ? cp : cp + 1;
  }
  // Greek.
  if (cp >= 0x386 && cp <= 0x3AB) {
    if (cp == 0x386) return 0x3AC;
    if (cp >= 0x388 && cp <= 0x38A) return cp + 37;
    if (cp == 0x38C) return 0x3CC;
    if (cp == 0x38E || cp == 0x38F) return cp + 63;
    if (cp >= 0x391 && cp != 0x3A2) return cp + 32;
    return cp;
  }
  // Cyrillic.
  if (cp >= 0x400 && cp <= 0x40F) return cp + 80;
  if (cp >= 0x410 && cp <= 0x42F) return cp + 32;
  if (cp == 0x4C0) return 0x4CF;
  if ((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48A && cp <= 0x4BF) ||
      (cp >= 0x4D0 && cp <= 0x52F)) {
    return (cp & 1) ? cp : cp + 1;
  }
  if (cp >= 0x4C1 && cp <= 0x4CE) return (cp & 1) ? cp + 1 : cp;
  return cp;
}

// Whether a code point in U+0080..U+07FF is a lower-case letter (of the
// scripts LowerTwoByte covers).
constexpr bool IsLowerTwoByte(uint32_t cp) {
  if (cp == 0xAA || cp == 0xB5 || cp == 0xBA) return true;
  if (cp >= 0xDF && cp <= 0xFF) return cp != 0xF7;
  if (cp >= 0x100 && cp <= 0x17F) {
    return cp != 0x130 && LowerTwoByte(cp) == cp;
  }
  if (cp >= 0x3AC && cp <= 0x3CE) return true;
  if (cp >= 0x430 && cp <= 0x45F) return true;
  if (cp == 0x4CF) return true;
  if ((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48A && cp <= 0x52F)) {
    return cp != 0x4C0 && LowerTwoByte(cp) == cp;
  }
  return false;
}

// Writes the lower case of `word` to `out` (word.size() bytes, as every
// mapping keeps the byte length) and returns whether `word` is ALL CAPS in
// the sense of Python's str.isupper(): at least one cased character and no
// lower-case one.
bool LowerAndIsUpper(std::string_view word, char* out) {
  bool has_upper = false;
  bool has_lower = false;
  const auto* p = reinterpret_cast<const unsigned char*>(word.data());
  const size_t n = word.size();
  for (size_t k = 0; k < n;) {
    const unsigned char c = p[k];
    if (c < 0x80) {
      if (c >= 'A' && c <= 'Z') {
        has_upper = true;
        out[k] = static_cast<char>(c + 32);
      } else {
        has_lower |= (c >= 'a' && c <= 'z');
        out[k] = static_cast<char>(c);
      }
      ++k;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF && k + 1 < n && (p[k + 1] & 0xC0) == 0x80) {
      const uint32_t cp = ((c & 0x1Fu) << 6) | (p[k + 1] & 0x3Fu);
      const uint32_t lc = LowerTwoByte(cp);
      if (lc != cp || cp == 0x130) {
        has_upper = true;
      } else {
        has_lower |= IsLowerTwoByte(cp);
      }
      out[k] = static_cast<char>(0xC0 | (lc >> 6));
      out[k + 1] = static_cast<char>(0x80 | (lc & 0x3F));
      k += 2;
      continue;
    }
    out[k] = static_cast<char>(c);  // other scripts: uncased
    ++k;
  }
  return has_upper && !has_lower;
}

std::string LowerString(std::string_view s) {
  std::string out(s.size(), '\0');
  LowerAndIsUpper(s, out.data());
  return out;
}

// What ScanToken() saw in a token.
struct Scanned {
  const unsigned char* end;   // one past the token's last byte
  const unsigned char* next;  // where the next token may start: `end`, or
                              // past a space known to follow it
  uint8_t classes;            // ByteClass bits of its bytes (kClassUpper and
                    // kClassLower also for the cased letters above ASCII;
                    // kClassRun and kClassPunct where there may be one)
  bool upper;  // ALL CAPS: kClassUpper without kClassLower
};

// Finds the end of the whitespace-separated token that starts at `p` (not a
// space) and writes the lower case of its bytes to `out` as
// LowerAndIsUpper() does, in the same pass: the token's bytes are read once.
// Not inlined: it is the rare path, and inlined it made the common one
// keep Scanned in memory.
ABSL_ATTRIBUTE_NOINLINE Scanned ScanTokenBytes(const unsigned char* p,
                                               const unsigned char* end,
                                               char* out) {
  uint8_t classes = kClassRun;  // not looked for here
  const unsigned char* q = p;
  for (; q < end; ++q) {
    const unsigned char c = *q;
    const uint8_t k = kByteClass.of[c];
    if (k & (kClassSpace | kClassHigh)) {
      if (k & kClassSpace) break;
      if (SpaceLength(q, end) != 0) break;
      // A two-byte character: cased where LowerTwoByte() covers it.
      if (c >= 0xC2 && c <= 0xDF && q + 1 < end && (q[1] & 0xC0) == 0x80) {
        const uint32_t cp = ((c & 0x1Fu) << 6) | (q[1] & 0x3Fu);
        const uint32_t lc = LowerTwoByte(cp);
        if (lc != cp || cp == 0x130) {
          classes |= kClassUpper;
        } else if (IsLowerTwoByte(cp)) {
          classes |= kClassLower;
        }
        out[q - p] = static_cast<char>(0xC0 | (lc >> 6));
        out[q - p + 1] = static_cast<char>(0x80 | (lc & 0x3F));
        classes |= kClassHigh;
        ++q;
        continue;
      }
    }
    out[q - p] = kByteClass.lower[c];
    classes |= k;
  }
  return Scanned{q, q, classes,
                 (classes & (kClassUpper | kClassLower)) == kClassUpper};
}

#if defined(__SSE2__)
// ScanTokenBytes() for the common token: ASCII, shorter than 16 bytes and
// followed by an ASCII space or the end, classified and lower-cased 16 bytes
// at once. It also tells exactly whether the token has a run of three equal
// letters. Returns false, having written nothing, for any other token.
// REQUIRES: 16 bytes are readable at `p` and writable at `out`; *end is a
// control character (not a space).
inline bool ScanShortAsciiToken(const unsigned char* p,
                                const unsigned char* end, char* out,
                                Scanned* scanned) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  // One signed compare finds every byte that may end the token: the ASCII
  // spaces, the control characters (the one at `end` among them), and the
  // bytes above ASCII (negative here). The token is taken here only if the
  // first of them is a space or the end.
  const unsigned stop = static_cast<unsigned>(
      _mm_movemask_epi8(_mm_cmplt_epi8(v, _mm_set1_epi8(0x21))));
  if (stop == 0) return false;  // 16 bytes or more
  const int len = __builtin_ctz(stop);
  const unsigned char* const token_end = p + len;
  const bool at_end = token_end == end;
  if (!(kByteClass.of[*token_end] & kClassSpace) && !at_end) return false;
  const unsigned keep = (1u << len) - 1;
  // Letters of either case: 'A'..'Z' | 0x20 is 'a'..'z', and no other byte
  // lands there.
  const __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
  const __m128i letters_v =
      _mm_and_si128(_mm_cmpgt_epi8(folded, _mm_set1_epi8('a' - 1)),
                    _mm_cmplt_epi8(folded, _mm_set1_epi8('z' + 1)));
  const __m128i lowered =
      _mm_or_si128(v, _mm_and_si128(letters_v, _mm_set1_epi8(0x20)));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), lowered);
  auto bits = [keep](__m128i m) {
    return static_cast<unsigned>(_mm_movemask_epi8(m)) & keep;
  };
  const unsigned letters = bits(letters_v);
  // Bit 0x20 of each byte, moved to its top bit: set in a lower-case letter.
  const unsigned lower = letters & bits(_mm_slli_epi16(v, 2));
  const unsigned upper = letters & ~lower;
  // Byte k starts a run when bytes k, k+1 and k+2 are the same letter.
  const unsigned same_next =
      bits(_mm_cmpeq_epi8(lowered, _mm_srli_si128(lowered, 1)));
  const unsigned runs = letters & same_next & (same_next >> 1) & (keep >> 2);
  scanned->end = token_end;
  scanned->next = token_end + (at_end ? 0 : 1);
  scanned->upper = upper != 0 && lower == 0;
  // The caller reads kClassUpper and kClassLower only through `upper`.
  unsigned classes = runs ? kClassRun : 0;
  if (keep & ~letters) {
    // kClassPunct for any byte that is not a letter: digits and control
    // characters too, which only costs the caller a needless look.
    classes |= kClassPunct;
    const unsigned emphasis =
        bits(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('!')),
                          _mm_cmpeq_epi8(v, _mm_set1_epi8('?'))));
    const unsigned apostrophes = bits(_mm_cmpeq_epi8(v, _mm_set1_epi8('\'')));
    classes |=
        (emphasis ? kClassEmphasis : 0) | (apostrophes ? kClassApostrophe : 0);
  }
  scanned->classes = static_cast<uint8_t>(classes);
  return true;
}
#endif

// The token that starts at `p`: ScanTokenBytes(), with a fast path.
// REQUIRES: 16 bytes are readable at `p` and writable at `out`, and *end is
// a control character (see Score()).
inline Scanned ScanToken(const unsigned char* p, const unsigned char* end,
                         char* out) {
#if defined(__SSE2__)
  Scanned scanned;
  if (ScanShortAsciiToken(p, end, out, &scanned)) return scanned;
#endif
  return ScanTokenBytes(p, end, out);
}

// Occurrences of `c` in [b, e).
inline size_t CountByte(const unsigned char* b, const unsigned char* e,
                        unsigned char c) {
  size_t k = 0;
  for (; b < e; ++b) k += *b == c;
  return k;
}

// Characters (code points) in [b, e), counted up to `limit`.
inline size_t CountCodePoints(const unsigned char* b, const unsigned char* e,
                              size_t limit) {
  size_t count = 0;
  for (; b < e && count < limit; ++b) count += (*b & 0xC0) != 0x80;
  return count;
}

// Strict UTF-8 validation (no overlong forms, surrogates or > U+10FFFF).
bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t k = 0;
  while (k < n) {
    const unsigned char c = p[k];
    if (c < 0x80) {
      ++k;
      continue;
    }
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (k + len > n) return false;
    if (p[k + 1] < lo || p[k + 1] > hi) return false;
    for (size_t j = 2; j < len; ++j) {
      if ((p[k + j] & 0xC0) != 0x80) return false;
    }
    k += len;
  }
  return true;
}

bool HasSpace(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  for (; p < end; ++p) {
    if (SpaceLength(p, end) != 0) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Scoring state.

// One token of the text (SentiText.words_and_emoticons) and what the lexicon
// says about its word (after _strip_punc_if_word, lower-cased; kDyadtone: the
// spelling found in the lexicon). 16 bytes, written once per token.
struct Token {
  double valence;  // lexicon valence, if in_lexicon
  uint16_t flags;  // WordFlag bits
  uint8_t phrase;  // the word's kPhraseWords id, or 0
  uint8_t marks;   // TokenMark bits (kDyadtone only)
  bool in_lexicon;
  bool upper;  // the word's isupper()
};

// What kDyadtone notes about a token beyond its word.
enum TokenMark : uint8_t {
  kElongated = 1 << 0,    // found after shortening letter runs ("sooo")
  kClauseEnd = 1 << 1,    // ends with . ! ? , ; or : (and is not just it)
  kSentenceEnd = 1 << 2,  // ends with . ! or ?
  kQuestionEnd = 1 << 3,  // ends with ?
  kInQuestion = 1 << 4,   // in a sentence that ends with ?
};

// A buffer that grows and is never initialised on reuse: a snippet's call
// must not pay for clearing (std::vector::resize) or bounds checks
// (push_back) on every token.
template <typename T>
class Buffer {
 public:
  // At least n elements; their values are whatever the last call left
  // (zeros when new).
  T* Get(size_t n) {
    if (n > capacity_) {
      data_.reset(new T[n]());
      capacity_ = n;
    }
    return data_.get();
  }
  void TrimIfLarger(size_t keep) {
    if (capacity_ > keep) {
      data_.reset();
      capacity_ = 0;
    }
  }

 private:
  std::unique_ptr<T[]> data_;
  size_t capacity_ = 0;
};

// Per-thread buffers reused across Score() calls, so that scoring allocates
// nothing once they have grown. Buffers grown past kKeep elements (a very
// long text) are released after the call rather than held by the thread.
struct Scratch {
  static constexpr size_t kKeep = size_t{1} << 16;

  void TrimIfLarge() {
    text.TrimIfLarger(kKeep);
    lower.TrimIfLarger(kKeep);
    tokens.TrimIfLarger(kKeep);
    valences.TrimIfLarger(kKeep);
    lexicon_tokens.TrimIfLarger(kKeep);
  }

  Buffer<char> text;                // the text, and kTextPadding spaces
  Buffer<char> lower;               // the text lower-cased, and padding
  Buffer<Token> tokens;             // every token
  Buffer<double> valences;          // kVader: per token; kDyadtone: per
                                    // lexicon token
  Buffer<uint32_t> lexicon_tokens;  // kDyadtone: indices of the tokens
                                    // with a lexicon valence
};

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

// Whether the words at `idx` (all valid indices) spell `phrase`.
bool Spells(const Token* t, std::initializer_list<size_t> idx,
            const PhraseValue& phrase) {
  if (static_cast<int>(idx.size()) != phrase.n) return false;
  const uint8_t* w = phrase.words;
  for (size_t j : idx) {
    if (t[j].phrase != *w++) return false;
  }
  return true;
}

// The SPECIAL_CASES value of the words at `idx`, or null.
const double* SpecialCase(const Token* t, std::initializer_list<size_t> idx) {
  for (size_t j : idx) {
    if (!(t[j].flags & kPhrase)) return nullptr;
  }
  for (const PhraseValue& sc : kSpecialCases) {
    if (Spells(t, idx, sc)) return &sc.value;
  }
  return nullptr;
}

// `valence` moved away from zero by `by` (towards the negative side when it
// is zero, as in the reference).
inline double Emphasize(double valence, double by) {
  return valence > 0 ? valence + by : valence - by;
}

// A negated valence: x N_SCALAR. With `refined` (kDyadtone), a negative
// valence is scaled by N_SCALAR / 2: "not bad" is milder than "good".
inline double Negate(double valence, bool refined) {
  return refined && valence < 0 ? valence * kNScalarOfNegative
                                : valence * kNScalar;
}

// scalar_inc_dec: the booster/dampener effect of `w` on `valence`. An
// elongated booster ("sooo", kDyadtone) counts as emphasised once more.
double ScalarIncDec(const Token& w, double valence, bool cap_diff) {
  double scalar = 0.0;
  if (w.flags & kBooster) {
    scalar = (w.flags & kDampener) ? kBDecr : kBIncr;
    if (valence < 0) scalar *= -1;
    if (w.upper && cap_diff) {
      if (valence > 0) {
        scalar += kCIncr;
      } else {
        scalar -= kCIncr;
      }
    }
    if (w.marks & kElongated) scalar += valence > 0 ? kBIncr : -kBIncr;
  }
  return scalar;
}

// _negation_check (`refined`: see Negate).
double NegationCheck(double valence, const Token* t, int start_i, size_t i,
                     bool refined) {
  auto is = [t](size_t j, uint16_t flag) { return (t[j].flags & flag) != 0; };
  if (start_i == 0) {
    if (is(i - 1, kNegate)) valence = Negate(valence, refined);
  } else if (start_i == 1) {
    if (is(i - 2, kNever) && is(i - 1, kSoThis)) {
      valence *= 1.25;
    } else if (is(i - 2, kWithout) && is(i - 1, kDoubt)) {
      // unchanged
    } else if (is(i - 2, kNegate)) {
      valence = Negate(valence, refined);
    }
  } else {
    // The reference's condition is `never and (so or this) or (so or this)`,
    // which Python groups as `(never and ...) or (word i-1 is so/this)`.
    if ((is(i - 3, kNever) && is(i - 2, kSoThis)) || is(i - 1, kSoThis)) {
      valence *= 1.25;
    } else if (is(i - 3, kWithout) &&
               (is(i - 2, kDoubt) || is(i - 1, kDoubt))) {
      // unchanged
    } else if (is(i - 3, kNegate)) {
      valence = Negate(valence, refined);
    }
  }
  return valence;
}

// _special_idioms_check, for i >= 3.
double SpecialIdiomsCheck(double valence, const Token* t, size_t n, size_t i) {
  // Every phrase below has at least two words, all of them kPhrase words:
  // with fewer than two among the words it looks at, none can match.
  int phrase_words = 0;
  for (size_t j = i - 3; j <= i + 2 && j < n; ++j) {
    phrase_words += (t[j].flags & kPhrase) != 0;
  }
  if (phrase_words < 2) return valence;
  const double* v = nullptr;
  if ((v = SpecialCase(t, {i - 1, i})) ||             // onezero
      (v = SpecialCase(t, {i - 2, i - 1, i})) ||      // twoonezero
      (v = SpecialCase(t, {i - 2, i - 1})) ||         // twoone
      (v = SpecialCase(t, {i - 3, i - 2, i - 1})) ||  // threetwoone
      (v = SpecialCase(t, {i - 3, i - 2}))) {         // threetwo
    valence = *v;
  }
  if (n - 1 > i && (v = SpecialCase(t, {i, i + 1}))) valence = *v;
  if (n - 1 > i + 1 && (v = SpecialCase(t, {i, i + 1, i + 2}))) valence = *v;
  // Booster/dampener bigrams such as "kind of" (threetwoone has three words
  // and cannot be a BOOSTER_DICT key).
  for (const auto& [a, b] : {std::pair<size_t, size_t>{i - 3, i - 2},
                             std::pair<size_t, size_t>{i - 2, i - 1}}) {
    if (!(t[a].flags & kPhrase) || !(t[b].flags & kPhrase)) continue;
    for (const PhraseValue& bg : kBoosterBigrams) {
      if (Spells(t, {a, b}, bg)) valence += bg.value;
    }
  }
  return valence;
}

// _least_check (`refined`: see Negate).
double LeastCheck(double valence, const Token* t, size_t i, bool refined) {
  if (i > 1 && !t[i - 1].in_lexicon && (t[i - 1].flags & kLeast)) {
    if (!(t[i - 2].flags & kAt) && !(t[i - 2].flags & kVery)) {
      valence = Negate(valence, refined);
    }
  } else if (i > 0 && !t[i - 1].in_lexicon && (t[i - 1].flags & kLeast)) {
    valence = Negate(valence, refined);
  }
  return valence;
}

// _but_check. The reference walks the list and, for each value v, rescales
// the element at sentiments.index(v): the FIRST element equal to v at that
// moment (earlier elements may already have been rescaled). The rescale
// factor depends on that element's position: x0.5 before the first "but",
// x1.5 after it. So with a value occurring twice, the first occurrence may be
// rescaled twice and the second not at all. This reproduces it in
// O(n log n): at step k, elements >= k are untouched, so the target is the
// smallest index j < k whose current value is v, else k itself. Zeros are
// skipped: rescaling a zero changes nothing.
void ButCheck(const Token* t, size_t n, double* s) {
  size_t bi = n;
  for (size_t j = 0; j < n; ++j) {
    if (t[j].flags & kBut) {
      bi = j;
      break;
    }
  }
  if (bi == n) return;
  using MinHeap =
      std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>>;
  // Value -> indices (< current step) that held it; stale entries are dropped
  // lazily (a rescaled element never returns to an earlier value).
  absl::flat_hash_map<double, MinHeap> where;
  for (size_t k = 0; k < n; ++k) {
    const double v = s[k];
    if (v == 0) continue;
    size_t si = k;
    if (auto it = where.find(v); it != where.end()) {
      MinHeap& heap = it->second;
      while (!heap.empty() && s[heap.top()] != v) heap.pop();
      if (!heap.empty()) si = heap.top();
    }
    double scaled = v;
    if (si < bi) {
      scaled = v * 0.5;
    } else if (si > bi) {
      scaled = v * 1.5;
    }
    s[si] = scaled;
    if (scaled != v) where[scaled].push(si);
    if (si != k) where[v].push(k);  // s[k] keeps its value
    if (si == k && scaled == v) where[v].push(k);
  }
}

// kDyadtone's "but" rule: what _but_check means -- sentiment before the
// first "but" (token `but`) x0.5, after it x1.5 -- without its list.index()
// quirk. `s` holds the valences of the tokens `lex` (the others are 0);
// `but` is SIZE_MAX when there is none.
void ContrastCheck(const uint32_t* lex, size_t lex_n, size_t but, double* s) {
  if (but == SIZE_MAX) return;
  for (size_t j = 0; j < lex_n; ++j) {
    if (lex[j] < but) {
      s[j] *= 0.5;
    } else if (lex[j] > but) {
      s[j] *= 1.5;
    }
  }
}

// _amplify_ep + _amplify_qm, from the counts of '!' and '?' in the text.
double PunctuationEmphasis(size_t ep, size_t qm) {
  if (ep > 4) ep = 4;
  double amplifier = static_cast<double>(ep) * kExclaim;
  if (qm > 1) {
    amplifier += qm <= 3 ? static_cast<double>(qm) * kQuestion : kQuestionMax;
  }
  return amplifier;
}

// score_valence over `n` tokens, `count` of whose valences are in `s`: the
// others are 0, and adding a zero changes no sum, so kDyadtone passes only
// the lexicon tokens' valences. The sum of valences is multiplied by `scale`
// (1 in kVader) before the punctuation emphasis is added and it is
// normalised. `ep` and `qm` count the '!' and '?' of the text.
GeneralScores ScoreValence(const double* s, size_t count, size_t n, size_t ep,
                           size_t qm, double scale) {
  GeneralScores out;
  if (n == 0) return out;
  double sum = 0;
  for (size_t k = 0; k < count; ++k) sum += s[k];
  sum *= scale;
  const double amplifier = PunctuationEmphasis(ep, qm);
  if (sum > 0) {
    sum += amplifier;
  } else if (sum < 0) {
    sum -= amplifier;
  }
  double compound = sum / std::sqrt(sum * sum + kAlpha);
  if (compound < -1.0) compound = -1.0;
  if (compound > 1.0) compound = 1.0;

  // _sift_sentiment_scores.
  double pos_sum = 0;
  double neg_sum = 0;
  size_t neu_count = n - count;
  for (size_t k = 0; k < count; ++k) {
    // Adding +0.0 changes neither sum (pos_sum >= +0, neg_sum <= +0 and
    // never -0), so the signs select values rather than branches.
    const double v = s[k];
    pos_sum += v > 0 ? v + 1 : 0.0;
    neg_sum += v < 0 ? v - 1 : 0.0;
    neu_count += v == 0;
  }
  if (pos_sum > std::fabs(neg_sum)) {
    pos_sum += amplifier;
  } else if (pos_sum < std::fabs(neg_sum)) {
    neg_sum -= amplifier;
  }
  const double total =
      pos_sum + std::fabs(neg_sum) + static_cast<double>(neu_count);
  out.compound = compound;
  out.positive = std::fabs(pos_sum / total);
  out.negative = std::fabs(neg_sum / total);
  out.neutral = std::fabs(static_cast<double>(neu_count) / total);
  return out;
}

// sentiment_valence's step for the word `back` places before t[i]: its
// booster or dampener (less the further back it is), then the negation and,
// three back, the idiom checks; `refined` as in NegationCheck.
inline double ApplyModifier(double valence, const Token* t, size_t n, size_t i,
                            size_t back, bool cap_diff, bool refined) {
  const int start_i = static_cast<int>(back) - 1;
  double inc = ScalarIncDec(t[i - back], valence, cap_diff);
  if (start_i == 1 && inc != 0) inc *= 0.95;
  if (start_i == 2 && inc != 0) inc *= 0.9;
  valence += inc;
  valence = NegationCheck(valence, t, start_i, i, refined);
  if (start_i == 2) valence = SpecialIdiomsCheck(valence, t, n, i);
  return valence;
}

// The valence of each lexicon token t[lex[j]] (the others score 0) under the
// kDyadtone rules, in s[j]: sentiment_valence with the changes listed at the
// top of this file.
void DyadtoneValences(const Token* t, size_t n, const uint32_t* lex,
                      size_t lex_n, bool cap_diff, double* s) {
  auto is = [t](size_t j, uint16_t flag) { return (t[j].flags & flag) != 0; };
  for (size_t j = 0; j < lex_n; ++j) {
    const size_t i = lex[j];
    const Token& w = t[i];
    s[j] = 0;
    if (w.flags & kBooster) continue;
    if (i + 1 < n && (w.flags & kKind) && is(i + 1, kOf)) continue;

    double valence = w.valence;
    // "no" before a lexicon word negates it rather than scoring, but "no no"
    // is two no's, not a negated one.
    const bool is_no = (w.flags & kNo) != 0;
    if (is_no && i != n - 1 && t[i + 1].in_lexicon && !is(i + 1, kNo)) {
      valence = 0.0;
    }
    if (!is_no && ((i > 0 && is(i - 1, kNo)) || (i > 1 && is(i - 2, kNo)) ||
                   (i > 2 && is(i - 3, kNo) && is(i - 1, kOrNor)))) {
      valence = Negate(w.valence, true);
    }
    if (w.upper && cap_diff) valence = Emphasize(valence, kCIncr);
    if (w.marks & kElongated) valence = Emphasize(valence, kBIncr);
    // Modifiers up to three words back, but not across another lexicon word
    // (it owns the modifiers before it) or clause punctuation.
    size_t reach = 0;
    while (reach < 3 && i > reach) {
      const Token& m = t[i - reach - 1];
      if (m.in_lexicon || (m.marks & kClauseEnd)) break;
      ++reach;
    }
    for (size_t back = 1; back <= reach; ++back) {
      valence = ApplyModifier(valence, t, n, i, back, cap_diff, true);
    }
    valence = LeastCheck(valence, t, i, true);
    if (w.marks & kInQuestion) valence *= kQuestionDamp;
    s[j] = valence;
  }
}

// The valence of each token under the kVader rules: sentiment_valence.
void VaderValences(const Token* t, size_t n, bool cap_diff, double* s) {
  auto is = [t](size_t j, uint16_t flag) { return (t[j].flags & flag) != 0; };
  for (size_t i = 0; i < n; ++i) {
    const Token& w = t[i];
    s[i] = 0;
    // Words used as modifiers score 0 themselves.
    if (w.flags & kBooster) continue;
    if (i + 1 < n && (w.flags & kKind) && is(i + 1, kOf)) continue;
    if (!w.in_lexicon) continue;

    // sentiment_valence.
    double valence = w.valence;
    // "no" before another lexicon word negates it rather than scoring.
    if ((w.flags & kNo) && i != n - 1 && t[i + 1].in_lexicon) valence = 0.0;
    if ((i > 0 && is(i - 1, kNo)) || (i > 1 && is(i - 2, kNo)) ||
        (i > 2 && is(i - 3, kNo) && is(i - 1, kOrNor))) {
      valence = w.valence * kNScalar;
    }
    // ALL CAPS emphasis while other words are not.
    if (w.upper && cap_diff) {
      if (valence > 0) {
        valence += kCIncr;
      } else {
        valence -= kCIncr;
      }
    }
    // Modifiers up to three words back that are not lexicon words.
    for (int start_i = 0; start_i < 3; ++start_i) {
      const size_t back = static_cast<size_t>(start_i) + 1;
      if (i > static_cast<size_t>(start_i) && !t[i - back].in_lexicon) {
        valence = ApplyModifier(valence, t, n, i, back, cap_diff, false);
      }
    }
    valence = LeastCheck(valence, t, i, false);
    s[i] = valence;
  }
}

absl::Status LineError(absl::string_view name, size_t line,
                       absl::string_view reason) {
  return absl::InvalidArgumentError(
      absl::StrCat(name, ":", line, ": ", reason));
}

}  // namespace

// ---------------------------------------------------------------------------
// Parsing.

absl::StatusOr<std::unique_ptr<const GeneralLexicon>> GeneralLexicon::Parse(
    std::string_view content_in, std::string_view name_in, Format format,
    GeneralToneOptions options) {
  // Debian's Abseil has its own absl::string_view (not std::string_view).
  const absl::string_view content(content_in.data(), content_in.size());
  const absl::string_view name(name_in.data(), name_in.size());
  struct Parsed {
    std::string key;  // lower-cased token
    double valence;
    bool exact;  // the token was written in lower case
  };
  std::vector<Parsed> parsed;
  Format detected = format;
  size_t line_no = 0;
  size_t phrases = 0;
  for (absl::string_view line : absl::StrSplit(content, '\n')) {
    ++line_no;
    if (line_no == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") {
      line.remove_prefix(3);  // UTF-8 byte order mark
    }
    // The reference strips each line before splitting it on tabs. A leading
    // tab is kept, so that it reads as an empty token rather than shifting
    // the fields.
    while (!line.empty() &&
           IsAsciiSpace(static_cast<unsigned char>(line.back()))) {
      line.remove_suffix(1);
    }
    while (!line.empty() && line.front() != '\t' &&
           IsAsciiSpace(static_cast<unsigned char>(line.front()))) {
      line.remove_prefix(1);
    }
    if (line.empty()) continue;
    if (!IsValidUtf8(std::string_view(line.data(), line.size()))) {
      return LineError(name, line_no, "invalid UTF-8");
    }
    std::vector<absl::string_view> fields = absl::StrSplit(line, '\t');
    if (fields.size() < 2) {
      return LineError(name, line_no,
                       "missing tab: expected token<TAB>valence");
    }
    if (detected == Format::kAuto) {
      detected = fields.size() >= 3 ? Format::kVader : Format::kAfinn;
    }
    const absl::string_view token = fields[0];
    if (token.empty()) return LineError(name, line_no, "empty token");
    double valence = 0;
    if (detected == Format::kVader) {
      if (fields.size() < 3) {
        return LineError(
            name, line_no,
            "expected token<TAB>mean<TAB>sd<TAB>[ratings] (VADER format), got "
            "2 fields");
      }
      if (!absl::SimpleAtod(fields[1], &valence) || !std::isfinite(valence)) {
        return LineError(
            name, line_no,
            absl::StrCat("valence '", fields[1], "' is not a number"));
      }
      if (valence < -4 || valence > 4) {
        return LineError(
            name, line_no,
            absl::StrCat("valence ", fields[1], " out of range [-4, 4]"));
      }
      double sd = 0;
      if (!absl::SimpleAtod(fields[2], &sd) || !std::isfinite(sd) || sd < 0) {
        return LineError(name, line_no,
                         absl::StrCat("standard deviation '", fields[2],
                                      "' is not a non-negative number"));
      }
    } else {
      if (fields.size() != 2) {
        return LineError(
            name, line_no,
            absl::StrCat("expected word<TAB>integer (AFINN format), got ",
                         fields.size(), " fields"));
      }
      int score = 0;
      if (!absl::SimpleAtoi(fields[1], &score)) {
        return LineError(
            name, line_no,
            absl::StrCat("valence '", fields[1], "' is not an integer"));
      }
      if (score < -5 || score > 5) {
        return LineError(
            name, line_no,
            absl::StrCat("valence ", score, " out of range [-5, 5]"));
      }
      valence = score * 0.8;  // AFINN -5..+5 onto VADER's -4..+4
    }
    if (HasSpace(std::string_view(token.data(), token.size()))) {
      // Multi-word entry: tokens never contain whitespace, so it could never
      // match; ignored (see the top of this file).
      ++phrases;
      continue;
    }
    std::string key = LowerString(std::string_view(token.data(), token.size()));
    const bool exact = key == token;
    parsed.push_back({std::move(key), valence, exact});
  }
  if (line_no == 0 || (parsed.empty() && phrases == 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": empty lexicon (no entries)"));
  }
  if (parsed.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": lexicon has only multi-word entries"));
  }

  auto lexicon = std::unique_ptr<GeneralLexicon>(new GeneralLexicon());
  lexicon->format_ = detected;
  lexicon->options_ = options;
  absl::flat_hash_map<std::string, Entry> entries;
  entries.reserve(parsed.size() + 128);
  // Keys written in another case first, so that a key written in lower case
  // wins over them; within each group the later line wins.
  for (bool exact : {false, true}) {
    for (const Parsed& p : parsed) {
      if (p.exact != exact) continue;
      Entry& e = entries[p.key];
      e.valence = p.valence;
      e.in_lexicon = true;
    }
  }
  lexicon->lexicon_size_ = entries.size();
  AddRuleWords(&entries);
  std::vector<std::pair<std::string, uint32_t>> ids;
  ids.reserve(entries.size());
  lexicon->entries_.reserve(entries.size() + 1);
  lexicon->entries_.emplace_back();  // id 0: not in the table
  for (auto& [word, entry] : entries) {
    ids.emplace_back(word, static_cast<uint32_t>(lexicon->entries_.size()));
    lexicon->entries_.push_back(entry);
  }
  // Most tokens of a text are not in the table: at a load of at most 1/4
  // such a token's probe usually ends at its first slot.
  lexicon->words_ = WordTable(ids, /*slots_per_word=*/4);
  if (options.mode == GeneralToneOptions::Mode::kDyadtone) {
    if (absl::Status s = lexicon->AddRegularForms(ids); !s.ok()) return s;
  }
  return std::unique_ptr<const GeneralLexicon>(std::move(lexicon));
}

void GeneralLexicon::AddRuleWords(
    absl::flat_hash_map<std::string, Entry>* entries) {
  auto add = [entries](std::string_view word, uint16_t flag) -> Entry& {
    Entry& e = entries->try_emplace(std::string(word)).first->second;
    e.flags |= flag;
    return e;
  };
  for (std::string_view w : kNegateWords) add(w, kNegate);
  for (const WordValue& b : kBoosters) {
    add(b.word, b.value == kBDecr ? kBooster | kDampener : kBooster);
  }
  // Every word of kSpecialCases and kBoosterBigrams.
  for (size_t k = 0; k < std::size(kPhraseWords); ++k) {
    add(kPhraseWords[k], kPhrase).phrase = static_cast<uint8_t>(k + 1);
  }
  add("no", kNo);
  add("kind", kKind);
  add("of", kOf);
  add("but", kBut);
  add("least", kLeast);
  add("at", kAt);
  add("very", kVery);
  add("never", kNever);
  add("so", kSoThis);
  add("this", kSoThis);
  add("without", kWithout);
  add("doubt", kDoubt);
  add("or", kOrNor);
  add("nor", kOrNor);
}

absl::StatusOr<std::unique_ptr<const GeneralLexicon>> GeneralLexicon::LoadFile(
    const std::string& path, Format format, GeneralToneOptions options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::string content((std::istreambuf_iterator<char>(in)),
                      std::istreambuf_iterator<char>());
  if (in.bad()) return absl::DataLossError(absl::StrCat("cannot read ", path));
  return Parse(content, path, format, options);
}

// ---------------------------------------------------------------------------
// Scoring (SentimentIntensityAnalyzer.polarity_scores).

namespace {

// Whether `word` has a run of >= 3 equal ASCII lower-case letters.
bool HasLetterRun(std::string_view word) {
  for (size_t k = 2; k < word.size(); ++k) {
    const char c = word[k];
    if (c >= 'a' && c <= 'z' && word[k - 1] == c && word[k - 2] == c) {
      return true;
    }
  }
  return false;
}

// Byte by byte: the suffixes are short, and a call to memcmp costs more.
inline bool EndsWith(std::string_view word, std::string_view suffix) {
  if (word.size() < suffix.size()) return false;
  const char* w = word.data() + word.size() - suffix.size();
  for (size_t k = 0; k < suffix.size(); ++k) {
    if (w[k] != suffix[k]) return false;
  }
  return true;
}

// Writes `word` with every run of >= 3 equal ASCII letters shortened to
// `keep` letters to `out` (kMaxVariant bytes); returns its length, or 0 if it
// has no such run or would not fit.
size_t ShortenRuns(std::string_view word, size_t keep, char* out) {
  size_t m = 0;
  bool shortened = false;
  for (size_t k = 0; k < word.size();) {
    size_t run = 1;
    while (k + run < word.size() && word[k + run] == word[k]) ++run;
    const char c = word[k];
    const size_t copy = run >= 3 && c >= 'a' && c <= 'z' ? keep : run;
    shortened |= copy != run;
    if (m + copy > kMaxVariant) return 0;
    for (size_t j = 0; j < copy; ++j) out[m++] = c;
    k += run;
  }
  return shortened ? m : 0;
}

// Punctuation marks of a whitespace-separated token [b, e) (non-empty);
// `ascii` tells that it has no byte above ASCII.
uint8_t PunctuationMarks(const unsigned char* b, const unsigned char* e,
                         bool ascii) {
  const unsigned char* q = e;
  while (q > b && (q[-1] == '"' || q[-1] == '\'' || q[-1] == ')')) --q;
  if (q == b) return 0;
  uint8_t marks = 0;
  switch (q[-1]) {
    case '?':
      marks |= kQuestionEnd;
      [[fallthrough]];
    case '.':
    case '!':
      marks |= kSentenceEnd;
      [[fallthrough]];
    case ',':
    case ';':
    case ':':
      if (ascii ? e - b >= 2 : CountCodePoints(b, e, 2) >= 2) {
        marks |= kClauseEnd;
      }
      break;
    default:
      break;
  }
  return marks;
}

}  // namespace

const GeneralLexicon::Entry* GeneralLexicon::Respell(std::string_view word,
                                                     char* out, size_t* out_len,
                                                     bool* elongated) const {
  *elongated = false;
  // Elongated ("sooo", "gooood"): runs of >= 3 letters as 2, then as 1.
  if (HasLetterRun(word)) {
    for (const size_t keep : {size_t{2}, size_t{1}}) {
      const size_t m = ShortenRuns(word, keep, out);
      if (m == 0) break;
      if (const Entry* found = Find(std::string_view(out, m))) {
        *out_len = m;
        *elongated = true;
        return found;
      }
    }
  }
  // A regular -ly adverb or -s form of a lexicon word of >= 3 letters:
  // "superbly" -> "superb", "happily" -> "happy", "dramatically" ->
  // "dramatic", "lacks" -> "lack", "injuries" -> "injury".
  const size_t n = word.size();
  if (n <= 3 || n >= kMaxVariant) return nullptr;
  const bool ly = EndsWith(word, "ly");
  if (ly ? n <= 5 : (word[n - 1] != 's' || word[n - 2] == 's')) {
    return nullptr;
  }
  if (!std::all_of(word.begin(), word.end(),
                   [](char c) { return c >= 'a' && c <= 'z'; })) {
    return nullptr;
  }
  auto base = [&](size_t keep, bool add_y) -> const Entry* {
    const size_t m = keep + (add_y ? 1 : 0);
    if (m < 3) return nullptr;
    std::memcpy(out, word.data(), keep);
    if (add_y) out[keep] = 'y';
    const Entry* found = Find(std::string_view(out, m));
    if (found == nullptr || !found->in_lexicon) return nullptr;
    *out_len = m;
    return found;
  };
  const Entry* found = nullptr;
  if (ly) {
    (void)((found = base(n - 2, false)) ||
           (EndsWith(word, "ily") && (found = base(n - 3, true))) ||
           (EndsWith(word, "ally") && (found = base(n - 4, false))));
  } else {
    (void)((found = base(n - 1, false)) ||
           (EndsWith(word, "ies") && (found = base(n - 3, true))));
  }
  return found;
}

absl::Status GeneralLexicon::AddRegularForms(
    const std::vector<std::pair<std::string, uint32_t>>& words) {
  // Respell() resolves a word without a letter run only as one of these
  // forms of a lexicon word of letters a-z; which of them it resolves, and
  // to what, is left to Respell() itself.
  std::vector<std::string> forms;
  for (const auto& [word, id] : words) {
    if (!entries_[id].in_lexicon || word.empty() ||
        !std::all_of(word.begin(), word.end(),
                     [](char c) { return c >= 'a' && c <= 'z'; })) {
      continue;
    }
    forms.push_back(word + "ly");
    forms.push_back(word + "ally");
    forms.push_back(word + "s");
    if (word.back() == 'y') {
      const std::string stem = word.substr(0, word.size() - 1);
      forms.push_back(stem + "ily");
      forms.push_back(stem + "ies");
    }
  }
  std::sort(forms.begin(), forms.end());
  forms.erase(std::unique(forms.begin(), forms.end()), forms.end());
  std::vector<std::pair<std::string, uint32_t>> ids;
  for (std::string& form : forms) {
    if (form.size() >= kMaxVariant || HasLetterRun(form)) continue;
    form.append(WordTable::kPadding, '\0');  // Find() reads past the word
    const std::string_view word(form.data(), form.size() - WordTable::kPadding);
    if (Find(word) != nullptr) continue;  // Respell() is not asked
    char out[kMaxVariant + WordTable::kPadding];
    size_t m = 0;
    bool elongated = false;
    const Entry* found = Respell(word, out, &m, &elongated);
    if (found == nullptr) continue;
    // Without a run, Respell() keeps a prefix and may add a 'y'.
    const bool add_y = out[m - 1] != word[m - 1];
    const size_t keep = add_y ? m - 1 : m;
    const size_t entry = static_cast<size_t>(found - entries_.data());
    if (elongated || std::memcmp(out, word.data(), keep) != 0 ||
        (add_y && out[m - 1] != 'y') || entry >= (size_t{1} << 25)) {
      return absl::InternalError(
          absl::StrCat("cannot index the respelling of ",
                       absl::string_view(word.data(), word.size())));
    }
    ids.emplace_back(
        std::string(word),
        static_cast<uint32_t>(entry << 7 | keep << 1 | (add_y ? 1 : 0)));
  }
  forms_ = WordTable(ids);
  return absl::OkStatus();
}

GeneralScores GeneralLexicon::Score(std::string_view text) const {
  const bool refined = options_.mode == GeneralToneOptions::Mode::kDyadtone;
  Scratch& scratch = ThreadScratch();
  // Lower-cased tokens are written at their offset in the text (lower-casing
  // keeps byte lengths, and kDyadtone's respellings are shorter).
  // WordTable::Find() reads up to kPadding bytes past a word.
  static_assert(kTextPadding >= WordTable::kPadding);
  char* const lower_buf = scratch.lower.Get(text.size() + kTextPadding);
  char* const copy = scratch.text.Get(text.size() + kTextPadding);
  if (!text.empty()) std::memcpy(copy, text.data(), text.size());
  copy[text.size()] = '\0';  // see kTextPadding
  // Tokens are separated by whitespace: at most one per two bytes, rounded
  // up.
  const size_t max_tokens = text.size() / 2 + 1;
  Token* const t = scratch.tokens.Get(max_tokens);
  uint32_t* const lex = scratch.lexicon_tokens.Get(max_tokens);
  size_t n = 0;                 // tokens
  size_t lex_n = 0;             // lexicon tokens, in lex
  size_t sentence_lex = 0;      // lex[sentence_lex..] are in the open sentence
  size_t first_but = SIZE_MAX;  // the first "but" token

  // SentiText._words_and_emoticons: split on whitespace, then
  // _strip_punc_if_word.
  const auto* begin = reinterpret_cast<const unsigned char*>(copy);
  const auto* end = begin + text.size();
  size_t upper_count = 0;
  size_t exclaims = 0, questions = 0;
  const auto* p = begin;
  for (;;) {
    // Spaces; the NUL at `end` is not one.
    while (kByteClass.of[*p] & kClassSpace) ++p;
    if (p >= end) break;
    if (kByteClass.of[*p] & kClassHigh) {
      if (const size_t sp = SpaceLength(p, end)) {
        p += sp;
        continue;
      }
    }
    const auto* tb = p;
    // The whole token is lower-cased at its offset; the word kept below is
    // part of it, and the punctuation around it is uncased, so the word's
    // lower case and ALL CAPS test are those of the token.
    const Scanned scanned =
        ScanToken(tb, end, lower_buf + static_cast<size_t>(tb - begin));
    const auto* te = scanned.end;
    p = scanned.next;
    const bool ascii = (scanned.classes & kClassHigh) == 0;
    const bool punct = (scanned.classes & kClassPunct) != 0;
    if (scanned.classes & kClassEmphasis) {
      exclaims += CountByte(tb, te, '!');
      questions += CountByte(tb, te, '?');
    }

    Token& tok = t[n];
    tok.upper = scanned.upper;
    tok.marks = 0;
    // Everything that depends on punctuation in one branch: a token without
    // any (most) is its own word.
    const auto* b = tb;  // the word: the token, or the stripped word
    const auto* e = te;
    const auto* sb = tb;  // the stripped word
    const auto* se = te;
    bool kept_whole = false;  // short when stripped, and punctuated
    if (punct) {
      while (sb < se && (kByteClass.of[*sb] & kClassPunct)) ++sb;
      while (se > sb && (kByteClass.of[*(se - 1)] & kClassPunct)) --se;
      kept_whole = ascii ? se - sb <= 2 : CountCodePoints(sb, se, 3) <= 2;
      if (!kept_whole) {  // else likely an emoticon: keep it whole
        b = sb;
        e = se;
      }
      if (refined) tok.marks = PunctuationMarks(tb, te, ascii);
    }
    size_t offset = static_cast<size_t>(b - begin);
    size_t len = static_cast<size_t>(e - b);
    const WordTable::Key key = WordTable::MakeKey(lower_buf + offset, len);
    const Entry* entry = FindKey(key);
    if (refined) {
      // A short word kept with its punctuation ("no.", "ok!") that is not
      // itself a lexicon token is looked up without it.
      if (kept_whole && sb < se && (sb != b || se != e) &&
          !(entry != nullptr && entry->in_lexicon)) {
        const size_t s_offset = static_cast<size_t>(sb - begin);
        const size_t s_len = static_cast<size_t>(se - sb);
        const WordTable::Key s_key =
            WordTable::MakeKey(lower_buf + s_offset, s_len);
        const Entry* stripped = FindKey(s_key);
        if (stripped != nullptr && stripped->in_lexicon) {
          offset = s_offset;
          len = s_len;
          entry = stripped;  // found: `key` is not needed again
        }
      }
      if (entry == nullptr && (scanned.classes & kClassRun)) {
        char respelled[kMaxVariant + WordTable::kPadding];
        size_t m = 0;
        bool elongated = false;
        if (const Entry* found =
                Respell(std::string_view(lower_buf + offset, len), respelled,
                        &m, &elongated)) {
          // Shorter than the token: it can replace it in lower_buf.
          std::memcpy(lower_buf + offset, respelled, m);
          len = m;
          if (elongated) tok.marks |= kElongated;
          entry = found;
        }
      } else if (entry == nullptr) {
        // No letter run: what Respell() would find is in forms_, whose
        // words all have four letters or more and end with -s or -y (-ly).
        // (One branch, not three: the outcome is hard to predict.)
        const char last = lower_buf[offset + len - 1];
        const bool maybe_form =
            static_cast<int>(len >= 4) &
            (static_cast<int>(last == 's') | static_cast<int>(last == 'y'));
        if (maybe_form) {
          if (const uint32_t form = forms_.Find(key)) {
            const size_t keep = (form >> 1) & 63;
            if (form & 1) lower_buf[offset + keep] = 'y';
            len = keep + (form & 1);
            entry = &entries_[form >> 7];
          }
        }
      }
    }
    upper_count += tok.upper;
    if (entry == nullptr) entry = &entries_[0];  // no role, no valence
    tok.valence = entry->valence;
    tok.flags = entry->flags;
    tok.phrase = entry->phrase;
    tok.in_lexicon = entry->in_lexicon;
    if ((scanned.classes & kClassApostrophe) &&
        std::string_view(lower_buf + offset, len).find("n't") !=
            std::string_view::npos) {
      tok.flags |= kNegate;
    }
    lex[lex_n] = static_cast<uint32_t>(n);  // kept if a lexicon token
    lex_n += tok.in_lexicon;
    if ((tok.flags & kBut) && first_but == SIZE_MAX) first_but = n;
    // kDyadtone: a sentence ends at a token ending with . ! or ?; the
    // lexicon tokens of one that ends with ? are damped.
    // (A question's end is a sentence's end. The second test is a
    // conditional move: as a branch, punctuation made it unpredictable.)
    if (tok.marks & kQuestionEnd) {
      for (size_t k = sentence_lex; k < lex_n; ++k) {
        t[lex[k]].marks |= kInQuestion;
      }
    }
    sentence_lex = (tok.marks & kSentenceEnd) ? lex_n : sentence_lex;
    ++n;
  }
  // allcap_differential: some but not all words are ALL CAPS.
  const bool cap_diff = upper_count > 0 && upper_count < n;

  double* const valences = scratch.valences.Get(max_tokens);
  GeneralScores scores;
  if (refined) {
    DyadtoneValences(t, n, lex, lex_n, cap_diff, valences);
    ContrastCheck(lex, lex_n, first_but, valences);
    const double scale = std::sqrt(
        kReferenceLength / std::max(static_cast<double>(n), kReferenceLength));
    scores = ScoreValence(valences, lex_n, n, exclaims, questions, scale);
  } else {
    VaderValences(t, n, cap_diff, valences);
    ButCheck(t, n, valences);
    scores = ScoreValence(valences, n, n, exclaims, questions, 1.0);
  }
  scratch.TrimIfLarge();
  return scores;
}

}  // namespace dyadtone
