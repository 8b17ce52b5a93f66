// The gazetteer and lexicon compiled into matchers over one shared
// vocabulary, so that each token of an article costs one hash lookup.
//
// A CompiledModel is immutable after Compile() and shared by all threads
// without locks (the re2 "compile once, match many" shape).

#ifndef DYADTONE_SERVICE_ENGINE_COMPILED_MODEL_H_
#define DYADTONE_SERVICE_ENGINE_COMPILED_MODEL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "service/engine/gazetteer.h"
#include "service/engine/lexicon.h"
#include "service/engine/tokenizer.h"
#include "service/engine/word_table.h"

namespace dyadtone {

// A country mention found in a text.
struct Mention {
  uint32_t first_token = 0;
  uint32_t end_token = 0;  // one past the last token
  int actor = -1;
  AliasKind kind = AliasKind::kName;
  int alias = -1;          // index into GazetteerData::aliases; -1 when the
                           // name was learnt from this article
  bool locative = false;   // "in Islamabad": a place, not an agent
};

// What a modifier phrase is.
enum class ModifierKind : uint8_t {
  kNegator,
  kNonNegator,
  kIntensifier,
  kHedge,
  kContrast,
  kDyadMarker,
  kSpeakerCue,
  kClauseOpener,
};

// A modifier phrase found in a text.
struct ModifierMatch {
  uint32_t first_token = 0;
  uint32_t end_token = 0;
  ModifierKind kind = ModifierKind::kNegator;
  int index = -1;  // into the LexiconData vector of that kind
};

// A signal pattern found in a text.
struct SignalMatch {
  uint32_t first_token = 0;
  uint32_t end_token = 0;
  int entry = -1;  // into LexiconData::signals
};

// What each token can start, found in AssignWords()'s pass over the tokens
// (one byte a token), so that the matchers and the scorer's passes visit the
// tokens where they have something to do rather than every token.
class MatchStarts {
 public:
  enum Mark : uint8_t {
    kMention = 1,      // may start a country mention
    kModifier = 2,     // may start a modifier phrase
    kSignal = 4,       // may start a signal pattern
    kClauseMark = 8,   // first word of a sentence, or clause punctuation
    kCapitalized = 16,  // has kCapitalized
  };

  // Room for `tokens` tokens, unmarked.
  uint8_t* Prepare(size_t tokens);

  // The first token at or after `from` with a mark in `marks`, or the
  // number of tokens if none.
  size_t Next(size_t from, uint8_t marks) const;

 private:
  static constexpr size_t kPadding = 16;  // zero bytes after the last token
  std::vector<uint8_t> marks_;
  size_t tokens_ = 0;
};

// Word ids of the punctuation and function words the scorer's rules look
// at, so that they compare integers, not strings.
struct StructuralWords {
  uint32_t comma, semicolon, colon, dashes, lparen, rparen, lbracket,
      rbracket, and_, but_, or_, the, to, by, of, for_, possessive, apostrophe,
      over, about, regarding, from, in, on, both, two, which, with, that, question,
      against;
};

// Closed classes of words that attribution rules look for, as bits of a
// word's role (CompiledModel::HasRole), so that a rule tests one load
// rather than a list of strings.
enum WordRole : uint16_t {
  kQuoteMark = 1,        // '"' (typographic quotes fold to it)
  kSpeechVerb = 2,       // said, told, added ... after a quotation
  kUrgeVerb = 4,         // urged, asked, pressed ... before a country "to"
  kCallVerb = 8,         // called, appealed ... before "on|to" a country
  kDocumentNoun = 16,    // resolution, statement ... that can act
  kStateAgentNoun = 32,  // leadership, officials ... "in" a country
  kLocativeWord = 64,    // in, at, near ... before a place
  kBeForm = 128,         // was, were, is ... before a passive participle
  kTimeWord = 256,       // since, after, during ... before "the <event>"
  kExperiencer = 512,    // disappointed, alarmed ... "by" names the cause
  kReceiveVerb = 1024,   // received, got, won ... a signal given to them
  kReactVerb = 2048,     // condemned, protested ... an act of the target
  kRequestNoun = 4096,   // request, calls, demands ... "to" an act
};

class CompiledModel {
 public:
  // Compiles both files. Fails if they are inconsistent (for example a
  // contrast word that is also a negator).
  static absl::StatusOr<std::unique_ptr<const CompiledModel>> Compile(
      GazetteerData gazetteer, LexiconData lexicon);

  const GazetteerData& gazetteer() const { return gazetteer_; }
  const LexiconData& lexicon() const { return lexicon_; }

  // Sets Token::word for every token, and fills `starts` if not null.
  void AssignWords(TokenizedText* text, MatchStarts* starts = nullptr) const;

  // Finds country mentions, leftmost-longest, honouring case rules, vetoes
  // and (for persons) the article date. REQUIRES: AssignWords() was called,
  // with `starts` when given here.
  void FindMentions(const TokenizedText& text,
                    const std::optional<absl::CivilDay>& date,
                    std::vector<Mention>* out) const;
  void FindMentions(const TokenizedText& text, const MatchStarts& starts,
                    const std::optional<absl::CivilDay>& date,
                    std::vector<Mention>* out) const;

  // Finds modifier phrases, leftmost-longest.
  void FindModifiers(const TokenizedText& text,
                     std::vector<ModifierMatch>* out) const;
  void FindModifiers(const TokenizedText& text, const MatchStarts& starts,
                     std::vector<ModifierMatch>* out) const;

  // Finds signal patterns within sentences, leftmost-longest, no overlaps.
  void FindSignals(const TokenizedText& text,
                   std::vector<SignalMatch>* out) const;
  void FindSignals(const TokenizedText& text, const MatchStarts& starts,
                   std::vector<SignalMatch>* out) const;

  // True if `word` is a title word ("minister") from the gazetteer.
  bool IsTitle(uint32_t word) const {
    return (word_flags_[word] & kTitleWord) != 0;
  }

  // True if `word` belongs to the closed class `role`.
  bool HasRole(uint32_t word, WordRole role) const {
    return (word_roles_[word] & role) != 0;
  }

  // True if `word` is a comma or punctuation that can end a clause (";",
  // ":", "--", brackets): the words MarkClauses() looks at.
  bool IsClausePunctuation(uint32_t word) const {
    return (word_flags_[word] & kClauseBreak) != 0;
  }

  uint32_t Find(absl::string_view word) const;

  const StructuralWords& words() const { return words_; }

  // True if `word` is one of the words of signal entry `entry`'s slots.
  bool IsPatternWord(int entry, uint32_t word) const;

 private:
  enum WordFlag : uint8_t {
    kStartsAlias = 1,
    kStartsModifier = 2,
    kStartsSignal = 4,
    kTitleWord = 8,
    kFollowsName = 16,  // second word of a veto that starts with <Name>
    kContinuesAlias = 32,     // a word after the first of an alias or veto
    kContinuesModifier = 64,  // a word after the first of a modifier
    kClauseBreak = 128,       // punctuation that can end a clause
  };

  // A trie over word ids. Payload entries are >= 0 for aliases and
  // ~veto for vetoes (so < 0). The root, which has a child for thousands of
  // words and is looked up at every candidate token, is an array by word.
  struct Trie {
    std::vector<uint32_t> root;                     // word -> child of root
    absl::flat_hash_map<uint64_t, uint32_t> edges;  // (node << 32 | word)
    std::vector<std::vector<int>> payload;          // per node
    Trie() : payload(1) {}
    uint32_t Child(uint32_t node, uint32_t word) const {
      if (node == 0) return word < root.size() ? root[word] : 0;
      return DeepChild(node, word);
    }
    uint32_t DeepChild(uint32_t node, uint32_t word) const;
    uint32_t AddChild(uint32_t node, uint32_t word);
  };

  struct CompiledSlot {
    std::vector<uint32_t> words;  // sorted word ids
    uint64_t mask = 0;            // bit w % 64 of every word w: a quick no
    int max_gap = 0;
    bool optional = false;
    bool Has(uint32_t word) const {
      return ((mask >> (word & 63)) & 1) != 0 && HasWord(word);
    }
    bool HasWord(uint32_t word) const;
  };
  struct CompiledSignal {
    int entry = -1;
    int literals = 0;
    std::vector<CompiledSlot> slots;
    // A cheap necessary condition checked before MatchSlots(): the first
    // required literal slot after the first word (-1 if none) must match a
    // token within `reach` tokens after the first word's next token.
    int next_literal = -1;
    int reach = 0;
  };

  // What all the signals a word starts have in common, checked before any
  // of them: the union of their prefilter masks and the longest reach, or
  // `unfiltered` when one of them has no prefilter.
  struct StartFilter {
    uint64_t next_mask = 0;
    uint32_t reach = 0;
    bool unfiltered = false;
  };

  // A signal as a candidate first word lists it: the prefilter of its
  // CompiledSignal, copied so that rejecting it reads nothing else.
  struct SignalHead {
    uint64_t next_mask = 0;  // the mask of slot `next_literal`
    uint32_t signal = 0;     // into signals_
    int next_literal = -1;
    int reach = 0;
  };

  CompiledModel() = default;

  static WordFlag ContinuationFlag(WordFlag first);
  uint32_t Intern(absl::string_view word);
  void AddPhrase(Trie* trie, const std::vector<Slot>& slots, int payload,
                 WordFlag flag);
  void AddTokens(Trie* trie, const std::vector<std::string>& tokens,
                 int payload, WordFlag flag);
  absl::Status CompileSignals();
  static void SetPrefilter(CompiledSignal* sig);
  void CompileModifiers();

  // The marks of token i, whose word is assigned; a mark of the token before
  // it may be added.
  void Mark(const Token* tokens, size_t i, uint8_t* marks) const;
  // The match starts of `text`, for the overloads without them.
  MatchStarts StartsOf(const TokenizedText& text) const;
  // The mention that starts at token i, if any, appended to `out`; returns
  // the token to go on from.
  uint32_t MentionAt(const TokenizedText& text, uint32_t i,
                     const std::optional<absl::CivilDay>& date,
                     std::vector<std::pair<uint32_t, uint32_t>>* hits,
                     std::vector<Mention>* out) const;
  uint32_t ModifierAt(const TokenizedText& text, uint32_t i,
                      std::vector<ModifierMatch>* out) const;
  uint32_t SignalAt(const TokenizedText& text, uint32_t i,
                    std::vector<SignalMatch>* out) const;

  // Walks the alias trie from `node` at token i; records every terminal
  // reached as (end token, node).
  void WalkAliases(const TokenizedText& text, uint32_t node, uint32_t i,
                   uint32_t end, uint32_t depth,
                   std::vector<std::pair<uint32_t, uint32_t>>* hits) const;
  bool IsNameToken(const Token& t) const;
  bool CaseOk(const Alias& alias, const TokenizedText& text, uint32_t first,
              uint32_t end) const;
  int MatchSlots(const CompiledSignal& sig, const TokenizedText& text,
                 size_t slot, uint32_t pos, uint32_t end) const;
  bool MayMatch(const SignalHead& head, const TokenizedText& text,
                uint32_t pos, uint32_t end) const;

  GazetteerData gazetteer_;
  LexiconData lexicon_;

  absl::flat_hash_map<std::string, uint32_t> vocabulary_;  // word -> id >= 1
  WordTable word_table_;  // the same, for lookups after Compile()
  std::vector<uint8_t> word_flags_;                        // by word id
  std::vector<uint16_t> word_roles_;  // WordRole bits, by word id
  uint32_t name_word_ = 0;                                 // "<name>"
  StructuralWords words_;

  Trie aliases_;
  Trie modifiers_;  // payload: kind << 24 | index
  std::vector<CompiledSignal> signals_;
  // The signals a word can start, flat: those of word w are
  // first_word_signals_[first_word_begin_[w] .. first_word_begin_[w + 1]),
  // so that a candidate token costs no pointer chase to a separate vector.
  std::vector<uint32_t> first_word_begin_;
  std::vector<SignalHead> first_word_signals_;
  std::vector<StartFilter> start_filters_;  // by word id
};

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_ENGINE_COMPILED_MODEL_H_
