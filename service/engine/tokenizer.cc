#include "service/engine/tokenizer.h"

#include <array>
#include <cstring>

#include "absl/container/flat_hash_set.h"
#include "service/engine/utf8.h"

namespace dyadtone {
namespace {

// What a code point is to the tokenizer, after folding.
enum class CharClass : uint8_t {
  kSpace,
  kNewline,
  kWord,        // letter or digit, any script
  kApostrophe,  // ' and its typographic forms
  kPeriod,
  kPunct,       // everything else
};

struct Char {
  char32_t cp;       // folded code point ('\'' for U+2019, '-' for U+2013...)
  CharClass cls;
  int len;           // bytes in the original text
  bool upper;        // an upper-case letter
  bool digit;
  bool em_dash;      // folds to "--"
};

constexpr std::array<CharClass, 128> MakeAsciiTable() {
  std::array<CharClass, 128> t{};
  for (int c = 0; c < 128; ++c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9')) {
      t[c] = CharClass::kWord;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' ||
               c < 0x20 || c == 0x7F) {
      t[c] = CharClass::kSpace;
    } else {
      t[c] = CharClass::kPunct;
    }
  }
  t['\n'] = CharClass::kNewline;
  t['\''] = CharClass::kApostrophe;
  t['.'] = CharClass::kPeriod;
  return t;
}
constexpr std::array<CharClass, 128> kAscii = MakeAsciiTable();

// ASCII letters and digits: 1 digit, 2 upper case, 4 lower case.
constexpr std::array<uint8_t, 128> MakeKindTable() {
  std::array<uint8_t, 128> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = 1;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = 2;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = 4;
  return t;
}
constexpr std::array<uint8_t, 128> kAsciiKind = MakeKindTable();

constexpr std::array<uint8_t, 128> MakeLowerTable() {
  std::array<uint8_t, 128> t{};
  for (int c = 0; c < 128; ++c) t[c] = c >= 'A' && c <= 'Z' ? c + 32 : c;
  return t;
}
constexpr std::array<uint8_t, 128> kAsciiLower = MakeLowerTable();

// ASCII punctuation that ScanPunct() makes a token of one byte with no flag
// and nothing else to decide: not the period, apostrophe, closing quote or
// brackets, dash, '!' or '?', which it treats specially.
constexpr std::array<bool, 256> MakePlainPunctTable() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 128; ++c) t[c] = kAscii[c] == CharClass::kPunct;
  for (char c : {'"', ')', ']', '-', '!', '?'}) {
    t[static_cast<unsigned char>(c)] = false;
  }
  return t;
}
constexpr std::array<bool, 256> kPlainPunct = MakePlainPunctTable();

bool IsUpperNonAscii(char32_t c) {
  return (c >= 0xC0 && c <= 0xDE && c != 0xD7) ||
         (c >= 0x100 && c <= 0x137 && c % 2 == 0) ||
         (c >= 0x139 && c <= 0x148 && c % 2 == 1) ||
         (c >= 0x14A && c <= 0x177 && c % 2 == 0) || c == 0x178 ||
         (c >= 0x179 && c <= 0x17E && c % 2 == 1) ||
         (c >= 0x391 && c <= 0x3A9) || (c >= 0x400 && c <= 0x42F);
}

char32_t ToLowerNonAscii(char32_t c) {
  if (!IsUpperNonAscii(c)) return c;
  if (c <= 0xDE) return c + 0x20;
  if (c == 0x178) return 0xFF;
  if (c <= 0x17E) return c + 1;
  if (c <= 0x3A9) return c + 0x20;
  if (c < 0x410) return c + 0x50;
  return c + 0x20;
}

inline Char Classify(absl::string_view text, size_t pos) {
  const unsigned char b = static_cast<unsigned char>(text[pos]);
  if (b < 0x80) {
    return Char{b, kAscii[b], 1, b >= 'A' && b <= 'Z', b >= '0' && b <= '9',
                false};
  }
  int len;
  const char32_t c = DecodeUtf8(text, pos, &len);
  Char ch{c, CharClass::kWord, len, false, false, false};
  switch (c) {
    case 0x00A0: case 0x2028: case 0x2029: case 0x202F: case 0x205F:
    case 0x3000: case 0xFEFF:
      ch.cls = c == 0x2028 || c == 0x2029 ? CharClass::kNewline
                                          : CharClass::kSpace;
      return ch;
    case 0x2018: case 0x2019: case 0x201B: case 0x02BC: case 0x2032:
      ch.cp = '\'', ch.cls = CharClass::kApostrophe;
      return ch;
    case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x00AB:
    case 0x00BB: case 0x2033:
      ch.cp = '"', ch.cls = CharClass::kPunct;
      return ch;
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2212:
      ch.cp = '-', ch.cls = CharClass::kPunct;
      return ch;
    case 0x2014: case 0x2015:
      ch.cp = '-', ch.cls = CharClass::kPunct, ch.em_dash = true;
      return ch;
    case 0x2026:
      ch.cp = 0x2026, ch.cls = CharClass::kPunct;
      return ch;
    default:
      break;
  }
  if ((c >= 0x2000 && c <= 0x200B)) {
    ch.cls = CharClass::kSpace;
  } else if ((c >= 0x80 && c <= 0xBF) || c == 0xD7 || c == 0xF7 ||
             (c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) ||
             (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0x1F000 && c <= 0x1FFFF)) {
    // Latin-1 punctuation, general punctuation, symbols, arrows, CJK
    // punctuation, emoji: punctuation to us.
    ch.cls = CharClass::kPunct;
  } else {
    ch.upper = IsUpperNonAscii(c);
  }
  return ch;
}

// Titles and month abbreviations that keep their dot and never end a
// sentence.
const absl::flat_hash_set<absl::string_view>& TitleAbbreviations() {
  static const auto* set = new absl::flat_hash_set<absl::string_view>{
      "mr",   "mrs",  "ms",   "dr",    "prof", "gen",  "col",  "lt",
      "sgt",  "capt", "cmdr", "adm",   "maj",  "brig", "st",   "jr",
      "sr",   "rep",  "sen",  "gov",   "pres", "amb",  "hon",  "rev",
      "vs",   "etc",  "inc",  "ltd",   "corp", "dept", "univ", "est",
      "jan",  "feb",  "apr",  "jun",   "jul",  "aug",  "sep",  "sept",
      "oct",  "nov",  "dec",  "approx", "fig", "mt",   "ft",   "no"};
  return *set;
}

// Words that, capitalised after a dotted acronym ("... with the U.S. The
// talks ..."), show that the acronym's dot also ended the sentence.
const absl::flat_hash_set<absl::string_view>& SentenceOpeners() {
  static const auto* set = new absl::flat_hash_set<absl::string_view>{
      "the", "he",  "she",     "it",        "they",  "we",    "but",
      "in",  "on",  "this",    "that",      "these", "a",     "an",
      "his", "her", "their",   "its",       "after", "however",
      "meanwhile",  "earlier", "later",     "i",     "there", "both"};
  return *set;
}

class Tokenizer {
 public:
  // `fast_path`: use the byte masks (classified with `simd`) for the common
  // words and spaces.
  Tokenizer(absl::string_view text, bool fast_path, SimdLevel simd,
            TokenizedText* out)
      : text_(text), out_(out), fast_(fast_path), simd_(simd) {}

  void Run();

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  Char Peek(size_t at) const { return Classify(text_, at); }

  void RunFast();
  void RunBytes();
  void SkipSpace();
  bool MaskedWord(size_t len, uint64_t upper, uint64_t digit);
  void ScanWord();
  void ScanPunct(const Char& c);
  bool TryDottedAcronym();
  bool FastAsciiWord();
  bool IsSentenceOpenerAt(size_t at) const;
  void AppendLower(const Char& c);
  void BeginToken(size_t begin);
  void EndToken(size_t end, uint16_t extra_flags);
  void StartSentenceIfDue();
  void Push(size_t begin, size_t end, uint16_t flags);
  void Emit(size_t begin, size_t end, uint16_t flags);
  void BreakSentence();

  absl::string_view text_;
  TokenizedText* out_;
  const bool fast_;
  const SimdLevel simd_;
  const ByteMasks* masks_ = nullptr;  // when fast_
  size_t pos_ = 0;
  // State for the token being built and the one before it.
  Token cur_;
  uint16_t pending_flags_ = kLineStart | kParagraphStart;
  void Put(char c) { nbuf_[nlen_++] = c; }
  // Adapts Put() for AppendUtf8().
  struct Sink {
    Tokenizer* t;
    void push_back(char c) { t->Put(c); }
  };

  // The folded text: a token's form is written from its offset on, so
  // nlen_ is where the token being built ends in it.
  char* nbuf_ = nullptr;
  size_t nlen_ = 0;
  Sink sink_{this};
  // Tokens so far, the current sentence's index and the token count at
  // which it is full: kept here, rather than derived from the vectors'
  // sizes, on the path every token takes.
  size_t ntokens_ = 0;
  uint32_t sentence_ = 0;
  size_t sentence_full_at_ = kMaxSentenceTokens;
  bool prev_abbreviation_ = false;  // the last token has kAbbreviation
  bool break_pending_ = false;     // the last token ended a sentence
  bool word_in_sentence_ = false;  // a word token was seen in this sentence
};

void Tokenizer::Run() {
  out_->text = text_;
  // A token's folded form is never longer than the token: each is written
  // at the token's offset.
  const size_t n = text_.size();
  out_->norm.resize(n + kNormPadding);
  nbuf_ = &out_->norm[0];
  std::memset(nbuf_ + n, 0, kNormPadding);
  nlen_ = 0;
  out_->tokens.clear();
  // News text has a token every five or six bytes.
  out_->tokens.reserve(n / 4 + 16);
  out_->sentences.clear();
  out_->sentences.push_back(Sentence{0, 0});
  if (fast_) {
    // The lower case of every ASCII byte, in place: a plain word's folded
    // form is then already written.
    ClassifyBytes(text_, simd_, nbuf_, &out_->masks);
    masks_ = &out_->masks;
    RunFast();
  } else {
    RunBytes();
  }
  Sentence& last = out_->sentences.back();
  last.end_token = static_cast<uint32_t>(out_->tokens.size());
  if (last.first_token == last.end_token && out_->sentences.size() > 1) {
    out_->sentences.pop_back();
  }
  if (out_->tokens.empty()) out_->sentences.clear();
}

// The tokens, a byte at a time: the reference for RunFast().
void Tokenizer::RunBytes() {
  while (true) {
    SkipSpace();
    if (AtEnd()) break;
    const unsigned char b = static_cast<unsigned char>(text_[pos_]);
    if (b < 0x80 && kAscii[b] == CharClass::kWord) {
      if (!FastAsciiWord()) ScanWord();
      continue;
    }
    const Char c = Peek(pos_);
    if (c.cls == CharClass::kWord) {
      ScanWord();
    } else {
      ScanPunct(c);
    }
  }
}

// RunBytes() with its common steps -- a run of ASCII spaces, a plain ASCII
// word -- taken from the byte masks. The masks of the next 56 bytes are
// held in registers, so that a step is a few bit operations on them rather
// than loads that wait for the step before; anything else falls back to
// the byte-at-a-time steps, after which the masks are read again.
void Tokenizer::RunFast() {
  const size_t n = text_.size();
  const ByteMasks& m = *masks_;
  constexpr size_t kWindow = 56;  // ByteMasks::At() gives at least 57 bits
  constexpr uint64_t kPast = uint64_t{1} << kWindow;
  size_t base = 0;
  uint64_t word = 0, blank = 0, upper = 0, digit = 0, other = 0;
  auto load = [&] {
    base = pos_;
    word = ByteMasks::At(m.word, base);
    blank = ByteMasks::At(m.blank, base);
    upper = ByteMasks::At(m.upper, base);
    digit = ByteMasks::At(m.digit, base);
    other = ByteMasks::At(m.other, base);
  };
  load();
  while (true) {
    size_t off = pos_ - base;
    // Spaces.
    const uint64_t from = ~uint64_t{0} << off;
    const size_t stop =
        static_cast<size_t>(__builtin_ctzll((~blank & from) | kPast));
    if (stop > off) pending_flags_ |= kSpaceBefore;
    pos_ = base + stop;
    if (stop == kWindow) {  // more spaces than the window holds
      load();
      continue;
    }
    off = stop;
    if (AtEnd()) break;
    if ((other >> off) & 1) {
      // A line break or a character above ASCII: SkipSpace() decides.
      SkipSpace();
      if (AtEnd()) break;
      load();
      off = 0;
    }
    if ((word >> off) & 1) {
      const size_t end = static_cast<size_t>(
          __builtin_ctzll((~word & (~uint64_t{0} << off)) | kPast));
      if (end == kWindow) {  // the word goes on past the window
        if (off > 0) {
          load();
        } else {
          if (!FastAsciiWord()) ScanWord();
          load();
        }
        continue;
      }
      const size_t len = end - off;
      const uint64_t keep = ((uint64_t{1} << len) - 1) << off;
      if (!MaskedWord(len, (upper & keep) >> off, (digit & keep) >> off)) {
        ScanWord();
        load();
      }
      continue;
    }
    // Punctuation that is a token of one byte with nothing else to decide
    // (a comma, a colon, a full stop not part of "..."), written to the
    // folded text already: ScanPunct()'s result without its steps.
    const unsigned char b = static_cast<unsigned char>(text_[pos_]);
    if (kPlainPunct[b] ||
        (b == '.' && (pos_ + 1 == n || text_[pos_ + 1] != '.'))) {
      nlen_ = pos_ + 1;
      Emit(pos_, pos_ + 1, b == '.' ? kSentenceEnd : 0);
      if (b == '.') break_pending_ = true;
      ++pos_;
      continue;  // the window's masks still hold
    }
    // Other punctuation, or a character above ASCII.
    const Char c = Peek(pos_);
    if (c.cls == CharClass::kWord) {
      ScanWord();
    } else {
      ScanPunct(c);
    }
    load();
  }
}

void Tokenizer::SkipSpace() {
  int newlines = 0;
  bool any = false;
  while (!AtEnd() && text_[pos_] == ' ') {  // the common case
    ++pos_;
    any = true;
  }
  while (!AtEnd()) {
    const unsigned char b = static_cast<unsigned char>(text_[pos_]);
    if (b < 0x80 && kAscii[b] != CharClass::kSpace &&
        kAscii[b] != CharClass::kNewline) {
      break;
    }
    const Char c = Peek(pos_);
    if (c.cls == CharClass::kNewline) {
      ++newlines;
    } else if (c.cls != CharClass::kSpace) {
      break;
    }
    any = true;
    pos_ += c.len;
  }
  if (any) pending_flags_ |= kSpaceBefore;
  if (newlines == 0 || out_->tokens.empty()) return;
  pending_flags_ |= kLineStart;
  if (newlines >= 2) {
    pending_flags_ |= kParagraphStart;
    break_pending_ = true;
    return;
  }
  // A single newline ends the sentence unless the next line continues it in
  // lower case (hard-wrapped text).
  if (AtEnd()) return;
  const Char next = Peek(pos_);
  const bool continues = next.cls == CharClass::kWord && !next.upper &&
                         !next.digit && !break_pending_;
  if (!continues) break_pending_ = true;
}

void Tokenizer::BreakSentence() {
  Sentence& last = out_->sentences.back();
  last.end_token = static_cast<uint32_t>(ntokens_);
  if (last.end_token > last.first_token) {
    out_->sentences.push_back(Sentence{last.end_token, 0});
    ++sentence_;
    sentence_full_at_ = ntokens_ + kMaxSentenceTokens;
  }
  word_in_sentence_ = false;
  break_pending_ = false;
}

inline void Tokenizer::StartSentenceIfDue() {
  if (break_pending_ || ntokens_ >= sentence_full_at_) {
    BreakSentence();
  }
}

void Tokenizer::BeginToken(size_t begin) {
  StartSentenceIfDue();
  cur_ = Token();
  cur_.begin = static_cast<uint32_t>(begin);
  nlen_ = begin;
  cur_.flags = pending_flags_;
  pending_flags_ = 0;
}

// Appends a token, whose flags include the pending ones, to the current
// sentence. The fields are written in place: a Token assembled on the stack
// and copied costs a store-forwarding stall per token.
inline void Tokenizer::Push(size_t begin, size_t end, uint16_t flags) {
  // kSentenceStart marks the first word of a sentence, after any quotes.
  if ((flags & kWordToken) && !word_in_sentence_) {
    flags |= kSentenceStart;
    word_in_sentence_ = true;
  } else {
    flags &= ~kSentenceStart;
  }
  prev_abbreviation_ = (flags & kAbbreviation) != 0;
  Token& t = out_->tokens.emplace_back();
  t.begin = static_cast<uint32_t>(begin);
  t.end = static_cast<uint32_t>(end);
  t.norm_size = static_cast<uint32_t>(nlen_ - begin);
  t.sentence = sentence_;
  ++ntokens_;
  t.flags = flags;
}

void Tokenizer::EndToken(size_t end, uint16_t extra_flags) {
  Push(cur_.begin, end, cur_.flags | extra_flags);
}

// BeginToken() and EndToken() in one step, for a token scanned before it
// was begun: the common word.
inline void Tokenizer::Emit(size_t begin, size_t end, uint16_t flags) {
  StartSentenceIfDue();
  flags |= pending_flags_;
  pending_flags_ = 0;
  Push(begin, end, flags);
}

void Tokenizer::AppendLower(const Char& c) {
  if (c.cp < 0x80) {
    Put(
        static_cast<char>(c.upper ? c.cp + ('a' - 'A') : c.cp));
  } else {
    AppendUtf8(ToLowerNonAscii(c.cp), &sink_);
  }
}

// "U.S.", "U.K.", "D.C.", "u.s.": single letters each followed by a dot.
bool Tokenizer::TryDottedAcronym() {
  // Quick exit for the common case: an ASCII letter not followed by a dot.
  if (static_cast<unsigned char>(text_[pos_]) < 0x80 &&
      (pos_ + 1 >= text_.size() || text_[pos_ + 1] != '.')) {
    return false;
  }
  size_t p = pos_;
  int letters = 0;
  while (p + 1 < text_.size()) {
    const Char c = Peek(p);
    if (c.cls != CharClass::kWord || c.digit) break;
    if (p + c.len >= text_.size() || text_[p + c.len] != '.') break;
    const size_t after = p + c.len + 1;
    ++letters;
    p = after;
    if (after < text_.size() && Peek(after).cls == CharClass::kWord &&
        after + Peek(after).len < text_.size() &&
        text_[after + Peek(after).len] == '.') {
      continue;
    }
    break;
  }
  if (letters < 2) return false;
  BeginToken(pos_);
  bool all_upper = true;
  while (pos_ < p) {
    const Char c = Peek(pos_);
    if (c.cls == CharClass::kWord && !c.upper) all_upper = false;
    AppendLower(c);
    pos_ += c.len;
  }
  uint16_t flags = kWordToken | kAbbreviation;
  if (all_upper) flags |= kAllCaps | kCapitalized;
  EndToken(pos_, flags);
  return true;
}

bool Tokenizer::IsSentenceOpenerAt(size_t at) const {
  char buf[16];
  size_t n = 0;
  while (at + n < text_.size() && n < sizeof(buf)) {
    const unsigned char b = static_cast<unsigned char>(text_[at + n]);
    if (!((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z'))) break;
    buf[n] = static_cast<char>(b | 0x20);
    ++n;
  }
  return n < sizeof(buf) &&
         SentenceOpeners().contains(absl::string_view(buf, n));
}

// Eight bytes of text, classified at once: the high bit of each byte of a
// mask is set where that byte is an ASCII upper-case letter, lower-case
// letter or digit. Words are short, so one or two of these cover most.
struct EightBytes {
  uint64_t upper, lower, digit;
};

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighBits = kOnes * 0x80;

inline EightBytes ClassifyEight(uint64_t x) {
  const uint64_t ascii = ~x & kHighBits;
  const uint64_t v = x & ~kHighBits;  // 7-bit values: the sums cannot carry
  auto at_least = [v](unsigned char c) {
    return (v + kOnes * (0x80 - c)) & kHighBits;
  };
  return EightBytes{at_least('A') & ~at_least('Z' + 1) & ascii,
                    at_least('a') & ~at_least('z' + 1) & ascii,
                    at_least('0') & ~at_least('9' + 1) & ascii};
}

inline uint64_t Load8(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// The common token: a run of ASCII letters and digits that ends at a space
// or at punctuation that cannot continue it. Returns false, having done
// nothing, for anything else (apostrophes, non-ASCII, numbers before a dot
// or comma, titles before their dot, the word after a dotted acronym),
// which ScanWord() handles.
inline bool Tokenizer::FastAsciiWord() {
  const char* const data = text_.data();
  const size_t n = text_.size();
  const size_t start = pos_;
  if (start + 1 < n && data[start + 1] == '.') return false;  // "U.S.", "J."
  if (prev_abbreviation_) return false;
  // Lower-case eight bytes at a time into the folded text, at the word's
  // offset (the bytes written past the word are the lower case of the bytes
  // there: a later token's folded form overwrites them or they are unused).
  char* const out = nbuf_ + start;
  uint64_t upper = 0, lower = 0, digit = 0;
  size_t len = 0;
  while (start + len + 8 <= n) {
    const uint64_t x = Load8(data + start + len);
    const EightBytes c = ClassifyEight(x);
    const uint64_t stop = ~(c.upper | c.lower | c.digit) & kHighBits;
    const uint64_t lowered = x | (c.upper >> 2);  // 'A' | 0x20 == 'a'
    std::memcpy(out + len, &lowered, 8);
    const uint64_t keep = stop == 0 ? ~uint64_t{0} : (stop & -stop) - 1;
    upper |= c.upper & keep, lower |= c.lower & keep, digit |= c.digit & keep;
    if (stop != 0) {
      len += static_cast<size_t>(__builtin_ctzll(stop)) / 8;
      break;
    }
    len += 8;
  }
  if (start + len + 8 > n) {  // near the end of the text: a byte at a time
    for (unsigned char b; start + len < n &&
                          (b = static_cast<unsigned char>(data[start + len])) <
                              0x80 &&
                          kAscii[b] == CharClass::kWord;
         ++len) {
      const uint8_t kind = kAsciiKind[b];
      upper |= kind == 2, lower |= kind == 4, digit |= kind == 1;
      out[len] = static_cast<char>(kAsciiLower[b]);
    }
  }
  const size_t end = start + len;
  if (end < n) {
    const unsigned char b = static_cast<unsigned char>(data[end]);
    if (b >= 0x80 || b == '\'') return false;
    // A comma or dot continues only a number ("1,000", "97.5"), and a dot
    // after a title ("Mr.") is kept.
    if ((b == ',' || b == '.') && digit != 0) return false;
    if (b == '.' && TitleAbbreviations().contains(absl::string_view(out, len))) {
      return false;
    }
  }
  uint16_t flags = kWordToken;
  if (kAsciiKind[static_cast<unsigned char>(data[start])] == 2) {
    flags |= kCapitalized;
  }
  if (upper != 0 && lower == 0) flags |= kAllCaps;
  if (digit != 0) flags |= kHasDigit;
  nlen_ = start + len;
  pos_ = end;
  Emit(start, end, flags);
  return true;
}

// FastAsciiWord() for the word of `len` bytes at pos_ whose upper-case
// letters and digits are the bits of `upper` and `digit` (bit 0 for its
// first byte): the same decisions, with its lower case already written.
// Returns false, having done nothing, where FastAsciiWord() would.
inline bool Tokenizer::MaskedWord(size_t len, uint64_t upper,
                                  uint64_t digit) {
  const char* const data = text_.data();
  const size_t n = text_.size();
  const size_t start = pos_;
  const size_t end = start + len;
  if (len == 1 && end < n && data[end] == '.') return false;  // "J."
  if (prev_abbreviation_) return false;
  if (end < n) {
    const unsigned char b = static_cast<unsigned char>(data[end]);
    if (b >= 0x80 || b == '\'') return false;
    if ((b == ',' || b == '.') && digit != 0) return false;
    if (b == '.' &&
        TitleAbbreviations().contains(absl::string_view(nbuf_ + start, len))) {
      return false;
    }
  }
  const uint64_t letters = ((uint64_t{1} << len) - 1) & ~digit;
  uint16_t flags = kWordToken;
  if (upper & 1) flags |= kCapitalized;
  if (upper != 0 && upper == letters) flags |= kAllCaps;
  if (digit != 0) flags |= kHasDigit;
  nlen_ = end;
  pos_ = end;
  Emit(start, end, flags);
  return true;
}

void Tokenizer::ScanWord() {
  // A dotted acronym after which a capitalised sentence opener follows
  // also ends its sentence: handled when the next word begins.
  const bool after_acronym =
      !out_->tokens.empty() &&
      out_->tokens.back().Has(kAbbreviation) &&
      !out_->tokens.back().Has(kInitial) &&
      out_->tokens.back().norm_size > 3 &&  // "u.s." but not "mr."
      (pending_flags_ & kSpaceBefore);
  if (TryDottedAcronym()) return;
  const size_t start = pos_;
  const Char first = Peek(pos_);
  // "J." followed by a space and a letter: an initial.
  if (first.upper && pos_ + first.len + 1 < text_.size() &&
      text_[pos_ + first.len] == '.' &&
      (text_[pos_ + first.len + 1] == ' ') &&
      pos_ + first.len + 2 < text_.size() &&
      Peek(pos_ + first.len + 2).cls == CharClass::kWord) {
    BeginToken(start);
    AppendLower(first);
    Put('.');
    pos_ += first.len + 1;
    EndToken(pos_, kWordToken | kInitial | kAbbreviation | kCapitalized |
                       kAllCaps);
    return;
  }
  if (after_acronym && first.upper && IsSentenceOpenerAt(start)) {
    break_pending_ = true;
  }
  BeginToken(start);
  bool has_letter = false, all_upper = true, digit = false;
  size_t last_char_pos = pos_;
  while (!AtEnd()) {
    unsigned char b = static_cast<unsigned char>(text_[pos_]);
    if (b < 0x80 && kAscii[b] == CharClass::kWord) {
      // A run of ASCII letters and digits: the common case.
      const size_t n = text_.size();
      uint8_t seen = 0;  // 1: digit, 2: upper, 4: lower
      do {
        seen |= kAsciiKind[b];
        nbuf_[nlen_++] = static_cast<char>(kAsciiLower[b]);
        ++pos_;
      } while (pos_ < n &&
               (b = static_cast<unsigned char>(text_[pos_])) < 0x80 &&
               kAscii[b] == CharClass::kWord);
      digit |= (seen & 1) != 0;
      has_letter |= (seen & 6) != 0;
      all_upper &= (seen & 4) == 0;
      last_char_pos = pos_ - 1;
      continue;
    }
    // Most words end at an ASCII space or punctuation that cannot continue
    // them.
    if (b < 0x80 && b != '\'' && b != '.' && b != ',') break;
    const Char c = Peek(pos_);
    if (c.cls == CharClass::kWord) {
      if (c.digit) {
        digit = true;
      } else {
        has_letter = true;
        if (!c.upper) all_upper = false;
      }
      AppendLower(c);
      last_char_pos = pos_;
      pos_ += c.len;
      continue;
    }
    const size_t next = pos_ + c.len;
    const bool next_is_word =
        next < text_.size() && Peek(next).cls == CharClass::kWord;
    if (c.cls == CharClass::kApostrophe && next_is_word) {
      // "'s" ends the word; "n't" is its own token; d'Ivoire stays whole.
      const Char n = Peek(next);
      const bool clitic_end =
          next + n.len >= text_.size() ||
          Peek(next + n.len).cls != CharClass::kWord;
      if (clitic_end && (n.cp == 's' || n.cp == 'S')) break;
      if (clitic_end && (n.cp == 't' || n.cp == 'T') &&
          nlen_ > cur_.begin + 1 &&
          nbuf_[nlen_ - 1] == 'n') {
        // Give the 'n' back: "did" + "n't".
        --nlen_;
        pos_ = last_char_pos;
        break;
      }
      Put('\'');
      pos_ = next;
      continue;
    }
    // 97.5 and 1,000 stay one token.
    if ((c.cp == '.' || c.cp == ',') && digit && next_is_word &&
        Peek(next).digit && nlen_ > cur_.begin &&
        (nbuf_[nlen_ - 1] >= '0' && nbuf_[nlen_ - 1] <= '9')) {
      Put(static_cast<char>(c.cp));
      pos_ = next;
      continue;
    }
    break;
  }
  uint16_t flags = kWordToken;
  if (first.upper) flags |= kCapitalized;
  if (has_letter && all_upper) flags |= kAllCaps;
  if (digit) flags |= kHasDigit;
  // Titles and month abbreviations keep their dot.
  if (!AtEnd() && text_[pos_] == '.' && has_letter &&
      TitleAbbreviations().contains(absl::string_view(
          nbuf_ + cur_.begin, nlen_ - cur_.begin))) {
    Put('.');
    ++pos_;
    flags |= kAbbreviation;
  }
  EndToken(pos_, flags);
}

void Tokenizer::ScanPunct(const Char& c) {
  // A closing quote or bracket right after the end of a sentence belongs to
  // that sentence.
  const bool closing = (c.cp == '"' || c.cp == ')' || c.cp == ']' ||
                        c.cls == CharClass::kApostrophe) &&
                       !(pending_flags_ & kSpaceBefore) &&
                       !out_->tokens.empty() &&
                       out_->tokens.back().Has(kSentenceEnd);
  if (closing) break_pending_ = false;
  BeginToken(pos_);
  if (closing) break_pending_ = true;
  uint16_t flags = 0;
  if (c.cls == CharClass::kApostrophe) {
    // A lone "'s" (typed with a space, or after a quote) is a clitic word.
    Put('\'');
    pos_ += c.len;
    if (!AtEnd() && (text_[pos_] == 's' || text_[pos_] == 'S') &&
        (pos_ + 1 >= text_.size() ||
         Peek(pos_ + 1).cls != CharClass::kWord) &&
        !out_->tokens.empty() && !(cur_.flags & kSpaceBefore)) {
      Put('s');
      ++pos_;
      flags |= kWordToken;
    }
    EndToken(pos_, flags);
    return;
  }
  if (c.cls == CharClass::kPeriod) {
    // "..." is one token and does not end a sentence.
    size_t n = 0;
    while (pos_ + n < text_.size() && text_[pos_ + n] == '.') ++n;
    Put('.');
    if (n >= 3) Put('.'), Put('.');
    pos_ += n >= 3 ? n : 1;
    if (n < 3) {
      flags |= kSentenceEnd;
      break_pending_ = true;
    }
    EndToken(pos_, flags);
    return;
  }
  if (c.em_dash) {
    Put('-'), Put('-');
  } else if (c.cp == 0x2026) {
    Put('.'), Put('.'), Put('.');
  } else {
    AppendUtf8(c.cp, &sink_);
  }
  pos_ += c.len;
  if (c.cp == '-' && !c.em_dash && !AtEnd() && text_[pos_] == '-') {
    Put('-');  // "--" typed as two hyphens
    ++pos_;
  }
  if (c.cp == '!' || c.cp == '?') {
    flags |= kSentenceEnd;
    break_pending_ = true;
  }
  EndToken(pos_, flags);
}

}  // namespace

void Tokenize(absl::string_view text, TokenizedText* out) {
  Tokenizer(text, /*fast_path=*/true, BestSimdLevel(), out).Run();
}

void TokenizeForTesting(absl::string_view text, bool fast_path,
                        SimdLevel simd, TokenizedText* out) {
  Tokenizer(text, fast_path, simd, out).Run();
}

std::vector<std::string> TokenizePhrase(absl::string_view phrase) {
  TokenizedText t;
  Tokenize(phrase, &t);
  std::vector<std::string> words;
  words.reserve(t.tokens.size());
  for (const Token& tok : t.tokens) words.emplace_back(t.Norm(tok));
  return words;
}

}  // namespace dyadtone
