// The tokenizer shared by article text and by the data files' aliases and
// patterns, so that an entry is written the way it appears in running text.
//
// It folds typographic quotes, apostrophes and dashes to ASCII, lower-cases
// each token into a normalised buffer, keeps byte offsets into the original
// text for every token, and splits sentences without breaking on "U.S.",
// "Mr.", "Dec." or initials ("Antony J. Blinken").

#ifndef DYADTONE_SERVICE_ENGINE_TOKENIZER_H_
#define DYADTONE_SERVICE_ENGINE_TOKENIZER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "service/engine/byte_masks.h"

namespace dyadtone {

enum TokenFlag : uint16_t {
  kWordToken = 1 << 0,       // letters or digits; otherwise punctuation
  kCapitalized = 1 << 1,     // starts with an upper-case letter
  kAllCaps = 1 << 2,         // has letters, all of them upper case
  kSentenceStart = 1 << 3,   // first token of its sentence
  kLineStart = 1 << 4,       // first token of its line
  kInitial = 1 << 5,         // a single capital and a dot: "J."
  kAbbreviation = 1 << 6,    // "U.S.", "Mr.", "Dec.", initials
  kHasDigit = 1 << 7,        // contains a digit
  kParagraphStart = 1 << 8,  // first token after a blank line
  kSpaceBefore = 1 << 9,     // white space precedes it
  kSentenceEnd = 1 << 10,    // '.', '!' or '?' that ends a sentence
};

struct Token {
  uint32_t begin = 0;       // byte offset in the original text, and of the
                            // folded, lower-cased form in TokenizedText::norm
  uint32_t end = 0;         // one past the last byte
  uint32_t norm_size = 0;   // bytes of the folded form (<= end - begin)
  uint32_t sentence = 0;    // index into TokenizedText::sentences
  uint32_t word = 0;        // vocabulary id; 0 when not in the vocabulary
  uint16_t flags = 0;

  bool Has(TokenFlag f) const { return (flags & f) != 0; }
};

struct Sentence {
  uint32_t first_token = 0;
  uint32_t end_token = 0;  // one past the last token
};

// The tokens of one text. Reusable: Tokenize() clears it but keeps its
// capacity, so a worker that scores many articles does not reallocate.
struct TokenizedText {
  absl::string_view text;  // the original; not owned
  std::string norm;       // the folded, lower-cased form of each token at
                          // its offset (folding never lengthens a token),
                          // then kNormPadding NUL bytes; the bytes between
                          // tokens are unspecified
  std::vector<Token> tokens;
  std::vector<Sentence> sentences;
  ByteMasks masks;  // Tokenize()'s scratch

  absl::string_view Norm(const Token& t) const {
    return absl::string_view(norm).substr(t.begin, t.norm_size);
  }
  absl::string_view Original(const Token& t) const {
    return text.substr(t.begin, t.end - t.begin);
  }
};

// Splits `text` into tokens and sentences. A sentence never exceeds
// kMaxSentenceTokens tokens, so run-on text costs linear time downstream.
// REQUIRES: `text` is valid UTF-8 and shorter than 4 GiB; it must outlive
// the use of `out`.
void Tokenize(absl::string_view text, TokenizedText* out);

inline constexpr uint32_t kMaxSentenceTokens = 400;
inline constexpr size_t kNormPadding = 8;

// Tokenize() with its paths chosen, for tests that compare them: without
// `fast_path`, every token takes the byte-at-a-time path; with it, `simd`
// (which the CPU must support) classifies the bytes. The result is the same.
void TokenizeForTesting(absl::string_view text, bool fast_path,
                        SimdLevel simd, TokenizedText* out);

// Tokenizes a data-file phrase (an alias or a pattern word) into the
// normalised forms of its tokens.
std::vector<std::string> TokenizePhrase(absl::string_view phrase);

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_ENGINE_TOKENIZER_H_
