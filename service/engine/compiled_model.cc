#include "service/engine/compiled_model.h"

#include <algorithm>
#include <cstring>
#include <initializer_list>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/strings/str_cat.h"

namespace dyadtone {
namespace {

constexpr int kKindShift = 24;
constexpr int kIndexMask = (1 << kKindShift) - 1;

bool InTerm(const Alias& a, const std::optional<absl::CivilDay>& date) {
  if (!date) return true;
  if (a.from && *date < *a.from) return false;
  if (a.to && *date > *a.to) return false;
  return true;
}

}  // namespace

uint32_t CompiledModel::Trie::DeepChild(uint32_t node, uint32_t word) const {
  const auto it = edges.find((uint64_t{node} << 32) | word);
  return it == edges.end() ? 0 : it->second;
}

uint32_t CompiledModel::Trie::AddChild(uint32_t node, uint32_t word) {
  if (node == 0) {
    if (word >= root.size()) root.resize(word + 1, 0);
    if (root[word] == 0) {
      root[word] = static_cast<uint32_t>(payload.size());
      payload.emplace_back();
    }
    return root[word];
  }
  const uint64_t key = (uint64_t{node} << 32) | word;
  const auto it = edges.find(key);
  if (it != edges.end()) return it->second;
  const uint32_t child = static_cast<uint32_t>(payload.size());
  payload.emplace_back();
  edges.emplace(key, child);
  return child;
}

CompiledModel::WordFlag CompiledModel::ContinuationFlag(WordFlag first) {
  return first == kStartsAlias ? kContinuesAlias : kContinuesModifier;
}

uint32_t CompiledModel::Intern(absl::string_view word) {
  const auto [it, inserted] = vocabulary_.emplace(
      std::string(word), static_cast<uint32_t>(vocabulary_.size() + 1));
  if (inserted) {
    word_flags_.push_back(0);  // word_flags_[id]
    word_roles_.push_back(0);
  }
  return it->second;
}

uint32_t CompiledModel::Find(absl::string_view word) const {
  std::string padded(word);
  padded.append(WordTable::kPadding, '\0');
  return word_table_.Find(padded.data(), word.size());
}

void CompiledModel::AddTokens(Trie* trie, const std::vector<std::string>& tokens,
                              int payload, WordFlag flag) {
  uint32_t node = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const uint32_t id = Intern(tokens[i]);
    word_flags_[id] |= i == 0 ? flag : ContinuationFlag(flag);
    node = trie->AddChild(node, id);
  }
  trie->payload[node].push_back(payload);
}

// Adds every combination of a phrase's alternatives (optional slots both
// present and absent).
void CompiledModel::AddPhrase(Trie* trie, const std::vector<Slot>& slots,
                              int payload, WordFlag flag) {
  std::vector<std::vector<std::string>> paths = {{}};
  for (const Slot& slot : slots) {
    std::vector<std::vector<std::string>> next;
    for (const auto& path : paths) {
      if (slot.optional) next.push_back(path);
      for (const std::string& w : slot.words) {
        next.push_back(path);
        next.back().push_back(w);
      }
    }
    paths = std::move(next);
  }
  for (const auto& path : paths) {
    if (!path.empty()) AddTokens(trie, path, payload, flag);
  }
}

absl::StatusOr<std::unique_ptr<const CompiledModel>> CompiledModel::Compile(
    GazetteerData gazetteer, LexiconData lexicon) {
  std::unique_ptr<CompiledModel> m(new CompiledModel());
  m->word_flags_.push_back(0);  // id 0: not in the vocabulary
  m->word_roles_.push_back(0);
  m->gazetteer_ = std::move(gazetteer);
  m->lexicon_ = std::move(lexicon);
  m->name_word_ = m->Intern(kNameToken);
  StructuralWords& w = m->words_;
  w = {m->Intern(","), m->Intern(";"), m->Intern(":"), m->Intern("--"),
       m->Intern("("), m->Intern(")"), m->Intern("["), m->Intern("]"),
       m->Intern("and"), m->Intern("but"), m->Intern("or"), m->Intern("the"),
       m->Intern("to"), m->Intern("by"), m->Intern("of"), m->Intern("for"),
       m->Intern("'s"), m->Intern("'"), m->Intern("over"), m->Intern("about"),
       m->Intern("regarding"), m->Intern("from"), m->Intern("in"),
       m->Intern("on"), m->Intern("both"), m->Intern("two"),
       m->Intern("which"), m->Intern("with"), m->Intern("that"),
       m->Intern("?"), m->Intern("against")};
  auto roles = [&m](WordRole role,
                    std::initializer_list<absl::string_view> words) {
    for (absl::string_view word : words) {
      m->word_roles_[m->Intern(word)] |= role;
    }
  };
  roles(kQuoteMark, {"\""});
  roles(kSpeechVerb,
        {"said", "says", "say", "told", "tells", "added", "adds", "stated",
         "wrote", "noted", "insisted", "stressed", "declared", "tweeted"});
  roles(kUrgeVerb,
        {"urge", "urged", "urges", "urging", "ask", "asked", "asks", "asking",
         "press", "pressed", "presses", "pressing", "encourage", "encouraged",
         "encourages", "encouraging", "told", "tells", "advised", "advises",
         "invited", "invites"});
  roles(kCallVerb, {"call", "called", "calls", "calling", "appeal", "appealed",
                    "appeals", "appealing"});
  // "refused US requests to deploy troops": what is requested has not
  // happened (IsUrgedAct).
  roles(kRequestNoun,
        {"request", "requests", "call", "calls", "demand", "demands", "plea",
         "pleas", "appeal", "appeals", "pressure", "proposal", "proposals"});
  roles(kDocumentNoun,
        {"resolution", "resolutions", "statement", "statements", "motion",
         "draft", "declaration", "letter", "report", "communique",
         "communiqué", "bill", "text", "petition", "proposal", "editorial",
         "vote", "votes"});
  // A state's own agents: "the leadership in Pakistan", "officials in
  // Beijing" name the state, not a place.
  roles(kStateAgentNoun,
        {"leadership", "leaders", "officials", "government", "authorities",
         "administration", "regime", "rulers", "establishment", "diplomats",
         "policymakers", "lawmakers"});
  roles(kLocativeWord,
        {"in", "at", "near", "across", "inside", "throughout", "around"});
  roles(kBeForm, {"was", "were", "is", "are", "been", "being", "be", "get",
                  "gets", "got"});
  // "since the invasion", "after the talks": an event named as a time.
  roles(kTimeWord, {"since", "after", "before", "during", "following",
                    "until", "till"});
  // "was disappointed by Hungary's veto": the subject feels, the "by"
  // names the cause, not an agent.
  roles(kExperiencer,
        {"disappointed", "concerned", "alarmed", "worried", "dismayed",
         "troubled", "frustrated", "angered", "outraged", "shocked",
         "saddened", "encouraged", "pleased", "delighted", "heartened",
         "impressed", "satisfied", "dissatisfied", "offended", "irritated",
         "upset", "surprised", "disturbed", "appalled", "incensed",
         "infuriated", "reassured", "gratified", "annoyed", "unnerved",
         "alienated", "humiliated", "insulted", "embarrassed"});
  // "condemned the attacks", "summoned the envoy over attacks": the
  // disapproval of what its target did.
  roles(kReactVerb,
        {"condemn", "condemned", "condemns", "condemning", "condemnation",
         "protest", "protested", "protests", "protesting", "denounce",
         "denounced", "denounces", "denouncing", "criticise", "criticised",
         "criticises", "criticising", "criticize", "criticized", "criticizes",
         "criticizing", "criticism", "deplore", "deplored", "deplores",
         "decry", "decried", "decries", "slam", "slammed", "slams", "blast",
         "blasted", "blasts", "rebuke", "rebuked", "rebukes", "summon",
         "summoned", "summons", "summoning", "lodge", "lodged", "lodges"});
  // "India received a warm welcome in Washington": the subject is given
  // the signal.
  roles(kReceiveVerb, {"received", "receives", "receive", "receiving", "got",
                       "gets", "won", "wins", "enjoyed", "enjoys", "earned",
                       "accepted", "accepts"});
  for (uint32_t p : {w.comma, w.semicolon, w.colon, w.dashes, w.lparen,
                     w.rparen, w.lbracket, w.rbracket}) {
    m->word_flags_[p] |= kClauseBreak;
  }
  for (size_t i = 0; i < m->gazetteer_.aliases.size(); ++i) {
    m->AddTokens(&m->aliases_, m->gazetteer_.aliases[i].tokens,
                 static_cast<int>(i), kStartsAlias);
  }
  for (size_t i = 0; i < m->gazetteer_.vetoes.size(); ++i) {
    m->AddTokens(&m->aliases_, m->gazetteer_.vetoes[i].tokens,
                 ~static_cast<int>(i), kStartsAlias);
  }
  for (const std::string& t : m->gazetteer_.titles) {
    m->word_flags_[m->Intern(t)] |= kTitleWord;
  }
  m->CompileModifiers();
  if (absl::Status s = m->CompileSignals(); !s.ok()) return s;
  for (const Veto& v : m->gazetteer_.vetoes) {
    if (v.tokens[0] == kNameToken) {
      m->word_flags_[m->vocabulary_.at(v.tokens[1])] |= kFollowsName;
    }
  }
  m->word_table_ = WordTable(std::vector<std::pair<std::string, uint32_t>>(
      m->vocabulary_.begin(), m->vocabulary_.end()));
  return std::unique_ptr<const CompiledModel>(std::move(m));
}

void CompiledModel::CompileModifiers() {
  auto add = [this](const std::vector<Phrase>& phrases, ModifierKind kind) {
    for (size_t i = 0; i < phrases.size(); ++i) {
      AddPhrase(&modifiers_, phrases[i].slots,
                (static_cast<int>(kind) << kKindShift) | static_cast<int>(i),
                kStartsModifier);
    }
  };
  auto add_scaled = [this](const std::vector<ScaledPhrase>& phrases,
                           ModifierKind kind) {
    for (size_t i = 0; i < phrases.size(); ++i) {
      AddPhrase(&modifiers_, phrases[i].phrase.slots,
                (static_cast<int>(kind) << kKindShift) | static_cast<int>(i),
                kStartsModifier);
    }
  };
  // Contrast words first: a word that is also a clause opener ("although")
  // is taken as the contrast, which opens a clause too.
  for (size_t i = 0; i < lexicon_.contrasts.size(); ++i) {
    AddTokens(&modifiers_, {lexicon_.contrasts[i].word},
              (static_cast<int>(ModifierKind::kContrast) << kKindShift) |
                  static_cast<int>(i),
              kStartsModifier);
  }
  add(lexicon_.negators, ModifierKind::kNegator);
  add(lexicon_.non_negators, ModifierKind::kNonNegator);
  add_scaled(lexicon_.intensifiers, ModifierKind::kIntensifier);
  add_scaled(lexicon_.hedges, ModifierKind::kHedge);
  add(lexicon_.dyad_markers, ModifierKind::kDyadMarker);
  add(lexicon_.speaker_cues, ModifierKind::kSpeakerCue);
  add(lexicon_.clause_openers, ModifierKind::kClauseOpener);
}

absl::Status CompiledModel::CompileSignals() {
  for (size_t e = 0; e < lexicon_.signals.size(); ++e) {
    const SignalEntry& entry = lexicon_.signals[e];
    CompiledSignal sig;
    sig.entry = static_cast<int>(e);
    for (const Slot& slot : entry.slots) {
      CompiledSlot cs;
      cs.max_gap = slot.max_gap;
      cs.optional = slot.optional;
      for (const std::string& w : slot.words) cs.words.push_back(Intern(w));
      std::sort(cs.words.begin(), cs.words.end());
      cs.words.erase(std::unique(cs.words.begin(), cs.words.end()),
                     cs.words.end());
      for (uint32_t w : cs.words) cs.mask |= uint64_t{1} << (w & 63);
      if (!cs.words.empty() && !cs.optional) ++sig.literals;
      sig.slots.push_back(std::move(cs));
    }
    SetPrefilter(&sig);
    signals_.push_back(std::move(sig));
  }
  std::vector<std::vector<uint32_t>> by_word(vocabulary_.size() + 1);
  for (size_t s = 0; s < signals_.size(); ++s) {
    for (uint32_t w : signals_[s].slots.front().words) {
      by_word[w].push_back(static_cast<uint32_t>(s));
      word_flags_[w] |= kStartsSignal;
    }
  }
  first_word_begin_.push_back(0);
  start_filters_.resize(by_word.size());
  for (size_t w = 0; w < by_word.size(); ++w) {
    const std::vector<uint32_t>& list = by_word[w];
    StartFilter& filter = start_filters_[w];
    for (uint32_t s : list) {
      const CompiledSignal& sig = signals_[s];
      SignalHead head;
      head.signal = s;
      head.next_literal = sig.next_literal;
      head.reach = sig.reach;
      if (sig.next_literal >= 0) {
        head.next_mask = sig.slots[sig.next_literal].mask;
      }
      filter.next_mask |= head.next_mask;
      filter.reach = std::max<uint32_t>(filter.reach, head.reach);
      filter.unfiltered |= head.next_literal < 0;
      first_word_signals_.push_back(head);
    }
    first_word_begin_.push_back(
        static_cast<uint32_t>(first_word_signals_.size()));
  }
  return absl::OkStatus();
}

// Finds the first required literal slot after the first and how far the
// gaps and optional slots before it can push it.
void CompiledModel::SetPrefilter(CompiledSignal* sig) {
  for (size_t k = 1; k < sig->slots.size(); ++k) {
    const CompiledSlot& slot = sig->slots[k];
    if (slot.max_gap > 0) {
      sig->reach += slot.max_gap;
    } else if (slot.optional) {
      sig->reach += 1;
    } else {
      sig->next_literal = static_cast<int>(k);
      return;
    }
  }
}

bool CompiledModel::CompiledSlot::HasWord(uint32_t word) const {
  // Most slots hold a few words: a linear scan beats a binary search.
  if (words.size() <= 8) {
    return std::find(words.begin(), words.end(), word) != words.end();
  }
  return std::binary_search(words.begin(), words.end(), word);
}

bool CompiledModel::MayMatch(const SignalHead& head,
                             const TokenizedText& text, uint32_t pos,
                             uint32_t end) const {
  if (head.next_literal < 0) return true;
  const uint32_t last = std::min<uint32_t>(end, pos + head.reach + 1);
  for (uint32_t p = pos; p < last; ++p) {
    const uint32_t w = text.tokens[p].word;
    if (((head.next_mask >> (w & 63)) & 1) != 0 &&
        signals_[head.signal].slots[head.next_literal].HasWord(w)) {
      return true;
    }
  }
  return false;
}

bool CompiledModel::IsPatternWord(int entry, uint32_t word) const {
  for (const CompiledSlot& slot : signals_[entry].slots) {
    if (slot.Has(word)) return true;
  }
  return false;
}

uint8_t* MatchStarts::Prepare(size_t tokens) {
  if (marks_.size() < tokens + kPadding) marks_.resize(tokens + kPadding);
  std::memset(marks_.data(), 0, tokens + kPadding);
  tokens_ = tokens;
  return marks_.data();
}

size_t MatchStarts::Next(size_t from, uint8_t marks) const {
  const uint8_t* p = marks_.data();
#if defined(__SSE2__)
  // Sixteen tokens at a time; the zero padding ends the last chunk.
  const __m128i want = _mm_set1_epi8(static_cast<char>(marks));
  const __m128i zero = _mm_setzero_si128();
  for (size_t i = from; i < tokens_; i += 16) {
    const __m128i v = _mm_and_si128(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)), want);
    const unsigned hit =
        ~static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, zero))) &
        0xFFFF;
    if (hit != 0) {
      return std::min(tokens_, i + static_cast<size_t>(__builtin_ctz(hit)));
    }
  }
  return tokens_;
#else
  size_t i = from;
  while (i < tokens_ && (p[i] & marks) == 0) ++i;
  return std::min(i, tokens_);
#endif
}

inline void CompiledModel::Mark(const Token* tokens, size_t i,
                                uint8_t* marks) const {
  const Token& t = tokens[i];
  const uint8_t f = word_flags_[t.word];
  // A capitalised name before the second word of a veto ("<Name> Street")
  // may start one (rare).
  if ((f & kFollowsName) && i > 0 && IsNameToken(tokens[i - 1])) {
    marks[i - 1] |= MatchStarts::kMention;
  }
  // The word's starts are the marks' low bits; clause punctuation, the
  // first word of a sentence and a capital are shifted into theirs.
  static_assert(int{kStartsAlias} == int{MatchStarts::kMention} &&
                int{kStartsModifier} == int{MatchStarts::kModifier} &&
                int{kStartsSignal} == int{MatchStarts::kSignal});
  static_assert((kClauseBreak >> 4) == int{MatchStarts::kClauseMark} &&
                int{kSentenceStart} == int{MatchStarts::kClauseMark} &&
                (kCapitalized << 3) == int{MatchStarts::kCapitalized});
  marks[i] |= static_cast<uint8_t>(
      (f & (kStartsAlias | kStartsModifier | kStartsSignal)) |
      ((f & kClauseBreak) >> 4) | (t.flags & kSentenceStart) |
      ((t.flags & kCapitalized) << 3));
}

void CompiledModel::AssignWords(TokenizedText* text,
                                MatchStarts* starts) const {
  // TokenizedText::norm keeps kNormPadding bytes after the last token.
  static_assert(kNormPadding >= WordTable::kPadding);
  const char* norm = text->norm.data();
  Token* const tokens = text->tokens.data();
  const size_t n = text->tokens.size();
  uint8_t* const marks = starts != nullptr ? starts->Prepare(n) : nullptr;
  for (size_t i = 0; i < n; ++i) {
    tokens[i].word = word_table_.Find(norm + tokens[i].begin,
                                      tokens[i].norm_size);
    if (marks != nullptr) Mark(tokens, i, marks);
  }
}

MatchStarts CompiledModel::StartsOf(const TokenizedText& text) const {
  MatchStarts starts;
  uint8_t* const marks = starts.Prepare(text.tokens.size());
  for (size_t i = 0; i < text.tokens.size(); ++i) {
    Mark(text.tokens.data(), i, marks);
  }
  return starts;
}

bool CompiledModel::IsNameToken(const Token& t) const {
  return t.Has(kWordToken) && t.Has(kCapitalized) &&
         !t.Has(kSentenceStart) && !IsTitle(t.word);
}

void CompiledModel::WalkAliases(
    const TokenizedText& text, uint32_t node, uint32_t i, uint32_t end,
    uint32_t depth, std::vector<std::pair<uint32_t, uint32_t>>* hits) const {
  if (node != 0 && !aliases_.payload[node].empty()) hits->push_back({i, node});
  if (i >= end) return;
  const Token& t = text.tokens[i];
  // A word that continues no alias needs no lookup below the root.
  if (t.word != 0 &&
      (node == 0 || (word_flags_[t.word] & kContinuesAlias) != 0)) {
    if (const uint32_t child = aliases_.Child(node, t.word)) {
      WalkAliases(text, child, i + 1, end, depth + 1, hits);
    }
  }
  if (IsNameToken(t)) {
    if (const uint32_t child = aliases_.Child(node, name_word_)) {
      WalkAliases(text, child, i + 1, end, depth + 1, hits);
    }
  }
  // "Antony J. Blinken" matches the alias "Antony Blinken".
  if (depth >= 1 && t.Has(kInitial)) {
    WalkAliases(text, node, i + 1, end, depth, hits);
  }
}

bool CompiledModel::CaseOk(const Alias& alias, const TokenizedText& text,
                           uint32_t first, uint32_t end) const {
  switch (alias.case_rule) {
    case CaseRule::kAny:
      return true;
    case CaseRule::kCapitalized:
      return text.tokens[first].Has(kCapitalized);
    case CaseRule::kAcronym:
      for (uint32_t i = first; i < end; ++i) {
        const Token& t = text.tokens[i];
        if (!t.Has(kWordToken)) continue;
        if (t.Has(kAllCaps)) continue;
        if (t.Has(kCapitalized) && !t.Has(kSentenceStart)) continue;
        return false;
      }
      return true;
  }
  return false;
}

void CompiledModel::FindMentions(const TokenizedText& text,
                                 const std::optional<absl::CivilDay>& date,
                                 std::vector<Mention>* out) const {
  FindMentions(text, StartsOf(text), date, out);
}

void CompiledModel::FindMentions(const TokenizedText& text,
                                 const MatchStarts& starts,
                                 const std::optional<absl::CivilDay>& date,
                                 std::vector<Mention>* out) const {
  out->clear();
  std::vector<std::pair<uint32_t, uint32_t>> hits;
  const size_t n = text.tokens.size();
  size_t i = starts.Next(0, MatchStarts::kMention);
  while (i < n) {
    const uint32_t next =
        MentionAt(text, static_cast<uint32_t>(i), date, &hits, out);
    i = starts.Next(next, MatchStarts::kMention);
  }
}

uint32_t CompiledModel::MentionAt(
    const TokenizedText& text, uint32_t i,
    const std::optional<absl::CivilDay>& date,
    std::vector<std::pair<uint32_t, uint32_t>>* hits,
    std::vector<Mention>* out) const {
  const auto& tokens = text.tokens;
  const Token& t = tokens[i];
  const uint32_t sentence_end = text.sentences[t.sentence].end_token;
  hits->clear();
  WalkAliases(text, 0, i, sentence_end, 0, hits);
  // Longest first; at equal length a veto, then the kind priority.
  uint32_t best_end = 0;
  int best_alias = -1;
  bool vetoed = false, ambiguous = false;
  for (const auto& [end, node] : *hits) {
    for (int p : aliases_.payload[node]) {
      if (p < 0) {
        if (end > best_end || (end == best_end && !vetoed)) {
          best_end = end, vetoed = true, best_alias = -1, ambiguous = false;
        }
        continue;
      }
      const Alias& a = gazetteer_.aliases[p];
      if (!CaseOk(a, text, i, end)) continue;
      if (a.kind == AliasKind::kPerson && !InTerm(a, date)) continue;
      if (end < best_end || (end == best_end && vetoed)) continue;
      if (end > best_end || best_alias < 0) {
        best_end = end, best_alias = p, vetoed = false, ambiguous = false;
        continue;
      }
      const Alias& b = gazetteer_.aliases[best_alias];
      if (a.actor != b.actor) {
        ambiguous = true;
      } else if (a.kind < b.kind) {
        best_alias = p;
      }
    }
  }
  if (best_end == 0) return i + 1;
  if (!vetoed && !ambiguous && best_alias >= 0) {
    Mention m;
    m.first_token = i;
    m.end_token = best_end;
    m.alias = best_alias;
    m.actor = gazetteer_.aliases[best_alias].actor;
    m.kind = gazetteer_.aliases[best_alias].kind;
    // "in Islamabad", "in northern Kosovo"; and the post of an envoy,
    // which is not the actor: "the US ambassador to the UN accused".
    const uint32_t first = text.sentences[t.sentence].first_token;
    for (uint32_t back = 1; back <= 2 && i >= first + back; ++back) {
      const Token& p = tokens[i - back];
      if ((HasRole(p.word, kLocativeWord) &&
           !(i >= first + back + 1 &&
             HasRole(tokens[i - back - 1].word, kStateAgentNoun))) ||
          (p.word == words_.to && i >= first + back + 1 &&
           IsTitle(tokens[i - back - 1].word))) {
        m.locative = true;
      }
      if (!p.Has(kWordToken) || p.Has(kCapitalized)) break;
    }
    out->push_back(m);
  }
  return best_end;
}

void CompiledModel::FindModifiers(const TokenizedText& text,
                                  std::vector<ModifierMatch>* out) const {
  FindModifiers(text, StartsOf(text), out);
}

void CompiledModel::FindModifiers(const TokenizedText& text,
                                  const MatchStarts& starts,
                                  std::vector<ModifierMatch>* out) const {
  out->clear();
  const size_t n = text.tokens.size();
  size_t i = starts.Next(0, MatchStarts::kModifier);
  while (i < n) {
    const uint32_t next = ModifierAt(text, static_cast<uint32_t>(i), out);
    i = starts.Next(next, MatchStarts::kModifier);
  }
}

uint32_t CompiledModel::ModifierAt(const TokenizedText& text, uint32_t i,
                                   std::vector<ModifierMatch>* out) const {
  const auto& tokens = text.tokens;
  const uint32_t sentence_end = text.sentences[tokens[i].sentence].end_token;
  uint32_t node = 0, best_end = 0;
  int best = -1;
  for (uint32_t j = i; j < sentence_end; ++j) {
    const uint32_t w = tokens[j].word;
    if (j > i && (word_flags_[w] & kContinuesModifier) == 0) break;
    node = modifiers_.Child(node, w);
    if (node == 0) break;
    if (!modifiers_.payload[node].empty()) {
      best_end = j + 1;
      best = modifiers_.payload[node].front();
    }
  }
  if (best < 0) return i + 1;
  out->push_back(ModifierMatch{i, best_end,
                               static_cast<ModifierKind>(best >> kKindShift),
                               best & kIndexMask});
  return best_end;
}

// Returns the end of the longest match of slots [slot, ...) at `pos`, or -1.
int CompiledModel::MatchSlots(const CompiledSignal& sig,
                              const TokenizedText& text, size_t slot,
                              uint32_t pos, uint32_t end) const {
  if (slot == sig.slots.size()) return static_cast<int>(pos);
  const CompiledSlot& s = sig.slots[slot];
  if (s.max_gap > 0) {
    int best = -1;
    for (int g = 0; g <= s.max_gap && pos + g <= end; ++g) {
      best = std::max(best, MatchSlots(sig, text, slot + 1, pos + g, end));
    }
    return best;
  }
  int best = -1;
  if (pos < end && s.Has(text.tokens[pos].word)) {
    best = MatchSlots(sig, text, slot + 1, pos + 1, end);
  }
  if (s.optional) best = std::max(best, MatchSlots(sig, text, slot + 1, pos, end));
  return best;
}

void CompiledModel::FindSignals(const TokenizedText& text,
                                std::vector<SignalMatch>* out) const {
  FindSignals(text, StartsOf(text), out);
}

void CompiledModel::FindSignals(const TokenizedText& text,
                                const MatchStarts& starts,
                                std::vector<SignalMatch>* out) const {
  out->clear();
  const size_t n = text.tokens.size();
  size_t i = starts.Next(0, MatchStarts::kSignal);
  while (i < n) {
    const uint32_t next = SignalAt(text, static_cast<uint32_t>(i), out);
    i = starts.Next(next, MatchStarts::kSignal);
  }
}

uint32_t CompiledModel::SignalAt(const TokenizedText& text, uint32_t i,
                                 std::vector<SignalMatch>* out) const {
  const auto& tokens = text.tokens;
  const uint32_t w = tokens[i].word;
  const uint32_t sentence_end = text.sentences[tokens[i].sentence].end_token;
  // Most candidates match nothing: when no token within reach has a word
  // any of this word's signals needs next, none of them does MayMatch().
  // The window's words as mask bits, once: a signal whose next literal has
  // none of them cannot match, whatever its own reach (at most the
  // filter's).
  const StartFilter& filter = start_filters_[w];
  uint64_t window = ~uint64_t{0};
  if (!filter.unfiltered) {
    const uint32_t last =
        std::min<uint32_t>(sentence_end, i + filter.reach + 2);
    window = 0;
    for (uint32_t p = i + 1; p < last; ++p) {
      window |= uint64_t{1} << (tokens[p].word & 63);
    }
    if ((filter.next_mask & window) == 0) return i + 1;
  }
  int best_end = -1, best_literals = -1, best_entry = -1;
  for (uint32_t k = first_word_begin_[w]; k < first_word_begin_[w + 1]; ++k) {
    const SignalHead& head = first_word_signals_[k];
    if (head.next_literal >= 0 && (head.next_mask & window) == 0) continue;
    if (!MayMatch(head, text, i + 1, sentence_end)) continue;
    const CompiledSignal& sig = signals_[head.signal];
    const int end = MatchSlots(sig, text, 1, i + 1, sentence_end);
    if (end < 0) continue;
    if (end > best_end || (end == best_end && sig.literals > best_literals)) {
      best_end = end, best_literals = sig.literals, best_entry = sig.entry;
    }
  }
  if (best_entry < 0) return i + 1;
  out->push_back(SignalMatch{i, static_cast<uint32_t>(best_end), best_entry});
  return static_cast<uint32_t>(best_end);
}

}  // namespace dyadtone
