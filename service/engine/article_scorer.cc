#include "service/engine/article_scorer.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/match.h"
#include "service/engine/date_extractor.h"

namespace dyadtone {
namespace {

constexpr uint32_t kNegationWindow = 4;
// A negator of several words ("no longer", "stopped short of") counts when
// its last word is in the window: its first may stand this much earlier.
constexpr uint32_t kLongestNegatorExtra = 3;
constexpr uint32_t kIntensifierWindow = 2;
constexpr uint32_t kHedgeWindow = 4;
constexpr double kNegationFactor = -0.75;
constexpr double kQuestionFactor = 0.6;  // as "may", "might", "if"

constexpr int kMaxTitleChain = 8;
constexpr int kMaxNameTokens = 4;
constexpr int kContextSentences = 2;   // how far a speaker carries over
// How far back "the attack" finds the event it names, and how many events
// are kept for it.
constexpr uint32_t kAntecedentSentences = 3;
constexpr size_t kMaxEvents = 8;

// A small set of actor indices; sentences name few countries.
class ActorSet {
 public:
  void Insert(int a) {
    if (!Contains(a)) v_.push_back(a);
  }
  bool Contains(int a) const {
    return std::find(v_.begin(), v_.end(), a) != v_.end();
  }
  size_t size() const { return v_.size(); }
  int front() const { return v_.front(); }

 private:
  absl::InlinedVector<int, 8> v_;
};

// The mentions around a signal; a sentence names few countries.
using MentionList = absl::InlinedVector<const Mention*, 8>;

bool IsWarm(QuadClass c) {
  return c == QuadClass::kVerbalCooperation ||
         c == QuadClass::kMaterialCooperation;
}

// A negated signal changes sides within its kind: verbal stays verbal.
QuadClass Flip(QuadClass c) {
  switch (c) {
    case QuadClass::kVerbalCooperation: return QuadClass::kVerbalConflict;
    case QuadClass::kMaterialCooperation: return QuadClass::kMaterialConflict;
    case QuadClass::kVerbalConflict: return QuadClass::kVerbalCooperation;
    case QuadClass::kMaterialConflict: return QuadClass::kMaterialCooperation;
    case QuadClass::kNeutral: return QuadClass::kNeutral;
  }
  return c;
}


}  // namespace

ArticleScorer::ArticleScorer(const CompiledModel& model, ScoringWorkspace* ws,
                             const std::optional<absl::CivilDay>& date)
    : model_(model), ws_(*ws), text_(ws->text), date_(date) {}

const std::string& ArticleScorer::Code(int actor) const {
  return model_.gazetteer().actors[actor].code;
}

bool ArticleScorer::IsOrganization(int actor) const {
  return model_.gazetteer().actors[actor].organization;
}

bool ArticleScorer::IsStrong(const Mention& m) const {
  return !m.locative && m.kind != AliasKind::kPeople;
}

void ArticleScorer::Run(const std::vector<DyadKey>& extra_dyads,
                        ArticleResult* result) {
  model_.FindMentions(text_, ws_.starts, date_, &ws_.mentions);
  IndexTokens();
  if (LearnPersonNames()) IndexTokens();
  MarkDatelines();
  model_.FindModifiers(text_, ws_.starts, &ws_.modifiers);
  MarkClauses();
  model_.FindSignals(text_, ws_.starts, &ws_.signals);
  CountCoMentions();

  const auto& signals = model_.lexicon().signals;
  result->evidence.reserve(ws_.signals.size());
  std::vector<std::pair<size_t, size_t>> pending;  // (signal, evidence)
  for (size_t i = 0; i < ws_.signals.size(); ++i) {
    const SignalMatch& m = ws_.signals[i];
    const SignalEntry& entry = signals[m.entry];
    if (entry.quad == QuadClass::kNeutral) continue;
    // A word of an actor's name is no signal: "the Organisation of Islamic
    // Cooperation", "the Gulf Cooperation Council".
    if (ws_.mention_at[m.first_token] >= 0) continue;
    // Built in place: an Evidence is large, and moving one costs as much as
    // filling it.
    Evidence& ev = result->evidence.emplace_back();
    ev.lexicon_line = entry.line;
    ev.pattern = entry.pattern;
    ev.entry_class = entry.quad;
    ev.weight = entry.weight;
    const Token& first = text_.tokens[m.first_token];
    const Token& last = text_.tokens[m.end_token - 1];
    ev.span = {first.begin, last.end};
    ev.text = text_.text.substr(first.begin, last.end - first.begin);
    ev.sentence = static_cast<int>(first.sentence);
    const Sentence& s = text_.sentences[first.sentence];
    ev.sentence_span = {text_.tokens[s.first_token].begin,
                        text_.tokens[s.end_token - 1].end};
    ApplyModifiers(m, i > 0 ? ws_.signals[i - 1].end_token : 0, &ev);
    if (!AttributeExplicit(m, result)) {
      pending.push_back({i, result->evidence.size() - 1});
    }
  }
  ChooseMainDyad();
  for (const auto& [signal, evidence] : pending) {
    AttributeImplicit(ws_.signals[signal], evidence, result);
  }
  Aggregate(extra_dyads, result);
}

// token -> mention, token -> modifier, sentence -> first mention.
void ArticleScorer::IndexTokens() {
  const size_t n = text_.tokens.size();
  ws_.mention_at.assign(n, -1);
  for (size_t i = 0; i < ws_.mentions.size(); ++i) {
    const Mention& m = ws_.mentions[i];
    for (uint32_t t = m.first_token; t < m.end_token; ++t) {
      ws_.mention_at[t] = static_cast<int32_t>(i);
    }
  }
  ws_.sentence_mentions.assign(text_.sentences.size() + 1,
                               static_cast<uint32_t>(ws_.mentions.size()));
  for (size_t i = ws_.mentions.size(); i-- > 0;) {
    ws_.sentence_mentions[text_.tokens[ws_.mentions[i].first_token].sentence] =
        static_cast<uint32_t>(i);
  }
  // Sentences without mentions point at the next sentence's first one.
  for (size_t s = text_.sentences.size(); s-- > 0;) {
    ws_.sentence_mentions[s] =
        std::min(ws_.sentence_mentions[s], ws_.sentence_mentions[s + 1]);
  }
}

// "Pakistan Foreign Minister Shah Mehmood Qureshi" teaches that, in this
// article, "Qureshi" is Pakistan. Only a name after an actor and a title.
bool ArticleScorer::LearnPersonNames() {
  const auto& tokens = text_.tokens;
  const StructuralWords& sw = model_.words();
  absl::flat_hash_map<absl::string_view, int> learnt;  // surname -> actor
  absl::InlinedVector<uint32_t, 16> sites;              // tokens already named
  uint64_t sizes = 0;  // bit n % 64 for each name of n bytes learnt
  for (const Mention& m : ws_.mentions) {
    if (m.kind == AliasKind::kPeople || m.kind == AliasKind::kPerson) continue;
    const uint32_t end = text_.sentences[tokens[m.first_token].sentence].end_token;
    uint32_t j = m.end_token;
    int titles = 0;
    for (int steps = 0; j < end && steps < kMaxTitleChain; ++steps) {
      const uint32_t w = tokens[j].word;
      if (w == sw.possessive || w == sw.apostrophe) {
        ++j;
      } else if (model_.IsTitle(w)) {
        ++titles, ++j;
      } else if (titles > 0 &&
                 (w == sw.of || w == sw.for_ || w == sw.the || w == sw.and_)) {
        ++j;
      } else if (titles > 0 && ws_.mention_at[j] >= 0 && j > 0 &&
                 (tokens[j - 1].word == sw.to ||
                  tokens[j - 1].word == sw.the)) {
        j = ws_.mentions[ws_.mention_at[j]].end_token;  // "ambassador to X"
      } else {
        break;
      }
    }
    if (titles == 0) continue;
    uint32_t k = j;
    while (k < end && k - j < kMaxNameTokens && ws_.mention_at[k] < 0 &&
           tokens[k].Has(kWordToken) && tokens[k].Has(kCapitalized) &&
           !model_.IsTitle(tokens[k].word)) {
      ++k;
    }
    if (k == j || tokens[k - 1].Has(kInitial)) continue;
    for (uint32_t t = j; t < k; ++t) sites.push_back(t);
    const Token& name = tokens[k - 1];
    const auto [it, inserted] = learnt.emplace(text_.Norm(name), m.actor);
    if (!inserted && it->second != m.actor) it->second = -1;  // ambiguous
    sizes |= uint64_t{1} << (name.norm_size & 63);
  }
  if (learnt.empty()) return false;
  // Sorted, so that checking a token costs a binary search rather than a
  // scan of every site of the article (quadratic in a long text).
  std::sort(sites.begin(), sites.end());
  bool added = false;
  const size_t old_size = ws_.mentions.size();
  for (uint32_t i = static_cast<uint32_t>(
           ws_.starts.Next(0, MatchStarts::kCapitalized));
       i < tokens.size();
       i = static_cast<uint32_t>(
           ws_.starts.Next(i + 1, MatchStarts::kCapitalized))) {
    const Token& t = tokens[i];
    // The sizes of the names learnt spare most tokens a hash lookup.
    if (ws_.mention_at[i] >= 0 ||
        ((sizes >> (t.norm_size & 63)) & 1) == 0 ||
        std::binary_search(sites.begin(), sites.end(), i)) {
      continue;
    }
    const auto it = learnt.find(text_.Norm(t));
    if (it == learnt.end() || it->second < 0) continue;
    Mention m;
    m.first_token = i;
    m.end_token = i + 1;
    m.actor = it->second;
    m.kind = AliasKind::kPerson;
    ws_.mentions.push_back(m);
    added = true;
  }
  if (added) {
    // Both runs are in text order, and no two mentions start together.
    std::inplace_merge(ws_.mentions.begin(), ws_.mentions.begin() + old_size,
                       ws_.mentions.end(),
                       [](const Mention& a, const Mention& b) {
                         return a.first_token < b.first_token;
                       });
  }
  return added;
}

void ArticleScorer::MarkDatelines() {
  const auto& tokens = text_.tokens;
  const size_t sentences = std::min<size_t>(text_.sentences.size(), 4);
  for (size_t s = 0; s < sentences; ++s) {
    const Sentence& sentence = text_.sentences[s];
    const uint32_t first = ws_.sentence_mentions[s];
    if (first == ws_.sentence_mentions[s + 1]) continue;
    // Only a "date 2024-04-14" header may stand before the place.
    const Mention& lead = ws_.mentions[first];
    bool at_head = true;
    for (uint32_t t = sentence.first_token; t < lead.first_token; ++t) {
      at_head = at_head && (!tokens[t].Has(kWordToken) ||
                            tokens[t].Has(kHasDigit) ||
                            text_.Norm(tokens[t]) == "date");
    }
    if (!at_head) continue;
    // The place, perhaps with its country ("Islamabad [Pakistan]"), then
    // punctuation, then a month and a day.
    uint32_t t = lead.end_token;
    for (int steps = 0; t < sentence.end_token && steps < 8; ++steps) {
      if (ws_.mention_at[t] >= 0) {
        t = ws_.mentions[ws_.mention_at[t]].end_token;
      } else if (!tokens[t].Has(kWordToken)) {
        ++t;
      } else {
        break;
      }
    }
    if (t + 1 >= sentence.end_token ||
        MonthNumber(text_.Norm(tokens[t])) == 0 ||
        !tokens[t + 1].Has(kHasDigit)) {
      continue;
    }
    for (uint32_t i = first; i < ws_.sentence_mentions[s + 1] &&
                             ws_.mentions[i].first_token < t;
         ++i) {
      ws_.mentions[i].locative = true;
    }
  }
}

void ArticleScorer::MarkClauses() {
  const auto& tokens = text_.tokens;
  ws_.modifier_at.assign(tokens.size(), -1);
  ws_.sentence_modifiers.assign(text_.sentences.size() + 1,
                                static_cast<uint32_t>(ws_.modifiers.size()));
  for (size_t i = ws_.modifiers.size(); i-- > 0;) {
    const uint32_t first = ws_.modifiers[i].first_token;
    ws_.modifier_at[first] = static_cast<int32_t>(i);
    ws_.sentence_modifiers[tokens[first].sentence] = static_cast<uint32_t>(i);
  }
  // Sentences without modifiers point at the next sentence's first one.
  for (size_t s = text_.sentences.size(); s-- > 0;) {
    ws_.sentence_modifiers[s] =
        std::min(ws_.sentence_modifiers[s], ws_.sentence_modifiers[s + 1]);
  }
  auto opens_clause = [&](uint32_t t) {
    const int32_t mod = ws_.modifier_at[t];
    if (mod < 0) return false;
    const ModifierKind k = ws_.modifiers[mod].kind;
    return k == ModifierKind::kClauseOpener || k == ModifierKind::kContrast;
  };
  ws_.clause.resize(tokens.size());
  uint32_t clause = 0;
  bool subordinate = false;  // the clause began with an opener
  const StructuralWords& sw = model_.words();
  auto is_break = [&sw](uint32_t w) {
    return w == sw.semicolon || w == sw.colon || w == sw.dashes ||
           w == sw.lparen || w == sw.rparen || w == sw.lbracket ||
           w == sw.rbracket;
  };
  // Only sentence starts, clause punctuation and modifiers can change the
  // clause: the tokens between them take the current one.
  uint32_t filled = 0;  // clause[] is set below this token
  auto mark = [&](uint32_t i) {
    std::fill(ws_.clause.begin() + filled, ws_.clause.begin() + i, clause);
    const uint32_t w = tokens[i].word;
    if (tokens[i].Has(kSentenceStart)) subordinate = false;
    const bool opener = opens_clause(i);
    bool boundary = tokens[i].Has(kSentenceStart) || is_break(w) ||
                    (i > 0 && opener && tokens[i - 1].word != sw.comma);
    if (w == sw.comma && i + 1 < tokens.size()) {
      const uint32_t next = tokens[i + 1].word;
      // "Although X, Y": the comma closes the subordinate clause.
      boundary = boundary || subordinate || next == sw.and_ ||
                 next == sw.but_ || next == sw.or_ || opens_clause(i + 1);
      subordinate = false;
    }
    if (opener) subordinate = true;
    if (boundary && i > 0) ++clause;
    ws_.clause[i] = clause;
    filled = i + 1;
  };
  // The marked tokens and the modifiers are both in text order: merge them.
  auto next_mark = [this](size_t from) {
    return ws_.starts.Next(from, MatchStarts::kClauseMark);
  };
  size_t m = next_mark(0);
  for (const ModifierMatch& mod : ws_.modifiers) {
    for (; m < mod.first_token; m = next_mark(m + 1)) {
      mark(static_cast<uint32_t>(m));
    }
    if (m == mod.first_token) m = next_mark(m + 1);
    mark(mod.first_token);
  }
  for (; m < tokens.size(); m = next_mark(m + 1)) {
    mark(static_cast<uint32_t>(m));
  }
  std::fill(ws_.clause.begin() + filled, ws_.clause.end(), clause);
}

// Is there a modifier of `kind` starting in tokens [from, to) within
// `clause`? Returns the nearest (last) one.
bool ArticleScorer::InWindow(uint32_t from, uint32_t to, uint32_t clause,
                             ModifierKind kind, int* found) const {
  bool any = false;
  for (uint32_t t = from; t < to; ++t) {
    const int32_t mod = ws_.modifier_at[t];
    if (mod < 0 || ws_.modifiers[mod].kind != kind) continue;
    if (ws_.clause[t] != clause) continue;
    *found = mod;
    any = true;
  }
  return any;
}

void ArticleScorer::ApplyModifiers(const SignalMatch& m, uint32_t scope_start,
                                   Evidence* ev) const {
  const auto& tokens = text_.tokens;
  const auto& lex = model_.lexicon();
  const uint32_t start = m.first_token;
  const uint32_t clause = ws_.clause[start];
  const Sentence& s = text_.sentences[tokens[start].sentence];
  double factor = 1;
  auto add = [&](ModifierType type, int mod, double f) {
    const ModifierMatch& mm = ws_.modifiers[mod];
    AppliedModifier am;
    am.type = type;
    am.span = {tokens[mm.first_token].begin, tokens[mm.end_token - 1].end};
    am.text = text_.text.substr(am.span.begin, am.span.end - am.span.begin);
    am.factor = f;
    ev->modifiers.push_back(std::move(am));
    factor *= f;
  };
  // A modifier before the signal belongs to it only up to the previous
  // signal: "not abandoning its friendship" negates "abandoning" alone.
  const uint32_t floor = std::max(s.first_token, scope_start);
  auto window_start = [&](uint32_t w) {
    return start >= floor + w ? start - w : floor;
  };
  int mod;
  // Negators before the signal, ending in its window ("no longer considers
  // Mali a partner"), or in its gaps ("made no progress").
  if ((InWindow(window_start(kNegationWindow + kLongestNegatorExtra), start,
                clause, ModifierKind::kNegator, &mod) &&
       ws_.modifiers[mod].end_token <= start &&
       ws_.modifiers[mod].end_token > window_start(kNegationWindow)) ||
      InGap(m, ModifierKind::kNegator, &mod)) {
    add(ModifierType::kNegation, mod, kNegationFactor);
  }
  // An intensifier just before the signal or in its gaps.
  if (InWindow(window_start(kIntensifierWindow), start, clause,
               ModifierKind::kIntensifier, &mod) ||
      InGap(m, ModifierKind::kIntensifier, &mod)) {
    add(ModifierType::kIntensifier, mod,
        lex.intensifiers[ws_.modifiers[mod].index].factor);
  }
  if (InWindow(window_start(kHedgeWindow), start, clause, ModifierKind::kHedge,
               &mod)) {
    add(ModifierType::kHedge, mod, lex.hedges[ws_.modifiers[mod].index].factor);
  } else if (const Token& q = tokens[s.end_token - 1];
             q.word == model_.words().question) {
    // A question asks, it does not assert: "Will Japan and South Korea
    // finally overcome their disputes?"
    AppliedModifier am;
    am.type = ModifierType::kHedge;
    am.span = {q.begin, q.end};
    am.text = text_.text.substr(q.begin, q.end - q.begin);
    am.factor = kQuestionFactor;
    ev->modifiers.push_back(std::move(am));
    factor *= kQuestionFactor;
  }
  const auto [first_mod, end_mod] = ModifiersIn(tokens[start].sentence);
  for (uint32_t c = first_mod; c < end_mod; ++c) {
    if (ws_.modifiers[c].kind != ModifierKind::kContrast) continue;
    const uint32_t t = ws_.modifiers[c].first_token;
    const Contrast& con = lex.contrasts[ws_.modifiers[c].index];
    double f;
    if (con.clause) {
      f = ws_.clause[t] == clause ? con.first : con.after;
    } else {
      f = start < t ? con.first : con.after;
    }
    if (f != 1) add(ModifierType::kContrast, c, f);
  }
  ev->contribution = ev->weight * factor;
  ev->effective_class = factor < 0 ? Flip(ev->entry_class) : ev->entry_class;
}

// A modifier of `kind` on a token the pattern matched with a gap, not with
// one of its own words.
bool ArticleScorer::InGap(const SignalMatch& m, ModifierKind kind,
                          int* found) const {
  for (uint32_t t = m.first_token + 1; t < m.end_token; ++t) {
    const int32_t mod = ws_.modifier_at[t];
    if (mod < 0 || ws_.modifiers[mod].kind != kind ||
        ws_.modifiers[mod].end_token > m.end_token) {
      continue;
    }
    if (model_.IsPatternWord(m.entry, text_.tokens[t].word)) continue;
    *found = mod;
    return true;
  }
  return false;
}

bool ArticleScorer::SentenceHas(uint32_t sentence, ModifierKind kind) const {
  const auto [first_mod, end_mod] = ModifiersIn(sentence);
  for (uint32_t mod = first_mod; mod < end_mod; ++mod) {
    const ModifierMatch& m = ws_.modifiers[mod];
    if (m.kind == kind && ws_.mention_at[m.first_token] < 0) return true;
  }
  return false;
}

// The modifiers of a sentence, as indices [first, end).
std::pair<uint32_t, uint32_t> ArticleScorer::ModifiersIn(
    uint32_t sentence) const {
  return {ws_.sentence_modifiers[sentence],
          ws_.sentence_modifiers[sentence + 1]};
}

const Mention* ArticleScorer::AgentRightBefore(const Mention* last,
                                               const SignalMatch& m) const {
  if (last == nullptr) return nullptr;
  if (last->end_token == m.first_token) return last;
  const StructuralWords& sw = model_.words();
  // "<last>'s decision to <signal>", "<last>'s surprise move to join the
  // <signal>": the possessor's act, whoever welcomes or condemns it.
  if (text_.tokens[last->end_token].word == sw.possessive) {
    auto lower_word = [&](uint32_t t) {
      return text_.tokens[t].Has(kWordToken) &&
             !text_.tokens[t].Has(kCapitalized);
    };
    uint32_t t = last->end_token + 1;
    const uint32_t nouns_end = std::min(t + 2, m.first_token);
    while (t < nouns_end && text_.tokens[t].word != sw.to && lower_word(t)) ++t;
    if (t > last->end_token + 1 && t < m.first_token &&
        text_.tokens[t].word == sw.to && m.first_token - t <= 3) {
      bool plain = true;
      for (++t; t < m.first_token; ++t) plain = plain && lower_word(t);
      if (plain) return last;
    }
  }
  // "<last> over|about|for|regarding [the|its|...] [modifiers] <signal>":
  // up to three lower-case words between the preposition and the signal.
  uint32_t t = m.first_token;
  for (int skipped = 0; skipped <= 3 && t > last->end_token; ++skipped, --t) {
    const Token& before = text_.tokens[t - 1];
    const uint32_t w = before.word;
    if (w == sw.over || w == sw.about || w == sw.for_ || w == sw.regarding) {
      return t - 1 == last->end_token ? last : nullptr;
    }
    // "accused Russia of blocking aid": the accused acts in the gerund.
    if (w == sw.of) {
      return t - 1 == last->end_token && LooksLikeGerund(m.first_token)
                 ? last
                 : nullptr;
    }
    if (!before.Has(kWordToken) || before.Has(kCapitalized)) return nullptr;
  }
  return nullptr;
}

bool ArticleScorer::LooksLikeParticiple(uint32_t t) const {
  const absl::string_view w = text_.Norm(text_.tokens[t]);
  return w.size() >= 4 && (absl::EndsWith(w, "ed") || absl::EndsWith(w, "en"));
}

bool ArticleScorer::LowerWords(uint32_t from, uint32_t to) const {
  for (uint32_t t = from; t < to; ++t) {
    const Token& w = text_.tokens[t];
    if (!w.Has(kWordToken) || w.Has(kCapitalized)) return false;
  }
  return true;
}

bool ArticleScorer::LooksLikeGerund(uint32_t t) const {
  return absl::EndsWith(text_.Norm(text_.tokens[t]), "ing");
}

bool ArticleScorer::PassiveBy(const SignalMatch& m, int64_t by) const {
  const bool one_word = m.end_token - m.first_token == 1;
  if (!one_word && LooksLikeParticiple(m.first_token)) {
    return false;  // verb + object
  }
  if (by == int64_t{m.end_token}) return true;
  if (!one_word || !LooksLikeParticiple(m.first_token) ||
      by - int64_t{m.end_token} > 2) {
    return false;
  }
  // A form of "be" before the participle, perhaps with an adverb between:
  // "was condemned on Monday by", not "criticised the attack by".
  uint32_t t = m.first_token;
  if (t > 0 && absl::EndsWith(text_.Norm(text_.tokens[t - 1]), "ly")) --t;
  if (t == 0) return false;
  return model_.HasRole(text_.tokens[t - 1].word, kBeForm);
}

bool ArticleScorer::NounFrom(const SignalMatch& m, const Mention& from) const {
  if (m.end_token - m.first_token != 1) return false;
  if (LooksLikeParticiple(m.first_token) || LooksLikeGerund(m.first_token)) {
    return false;  // a verb: "expelled from", "withdrawing from"
  }
  return WordBefore(from) == int64_t{m.end_token} &&
         text_.tokens[m.end_token].word == model_.words().from;
}

bool ArticleScorer::IsDocumentAct(const SignalMatch& m) const {
  if (m.end_token - m.first_token != 1 || m.first_token == 0 ||
      !LooksLikeGerund(m.first_token)) {
    return false;
  }
  return model_.HasRole(text_.tokens[m.first_token - 1].word, kDocumentNoun);
}

const Mention* ArticleScorer::LocatedIn(const SignalMatch& m,
                                        uint32_t first_mention,
                                        uint32_t end_mention) const {
  const auto& tokens = text_.tokens;
  if (m.end_token >= tokens.size() ||
      tokens[m.end_token].word != model_.words().in) {
    return nullptr;
  }
  for (uint32_t i = first_mention; i < end_mention; ++i) {
    const Mention& x = ws_.mentions[i];
    if (x.first_token <= m.end_token) continue;
    // "in Ukraine", "in the Sahel" are the same; "in talks with India" is
    // not a place.
    return x.locative && Acts(x) && x.first_token <= m.end_token + 2 ? &x
                                                                     : nullptr;
  }
  return nullptr;
}

bool ArticleScorer::IsUrgedAct(const SignalMatch& m) const {
  const auto& tokens = text_.tokens;
  const uint32_t first = text_.sentences[tokens[m.first_token].sentence]
                             .first_token;
  // "to" right before the signal, or with one or two lower-case words
  // between ("to take action against").
  uint32_t t = m.first_token;
  const StructuralWords& sw = model_.words();
  for (int skipped = 0; t > first && tokens[t - 1].word != sw.to; ++skipped) {
    if (skipped == 2 || !tokens[t - 1].Has(kWordToken) ||
        tokens[t - 1].Has(kCapitalized)) {
      return false;
    }
    --t;
  }
  // Whether the "to" at token `to` follows an urged country, or pair:
  // "urged India (and Pakistan) to", "called on India to".
  auto urged_before = [&](uint32_t to) {
    if (to <= first) return false;
    const int32_t mi = ws_.mention_at[to - 1];
    if (mi < 0 || ws_.mentions[mi].end_token != to) return false;
    const Mention* x = &ws_.mentions[mi];
    if (mi > 0 && Coordinated(ws_.mentions[mi - 1], *x)) {
      x = &ws_.mentions[mi - 1];
    }
    const int64_t v = WordBefore(*x);
    if (v < int64_t{first}) return false;
    const uint32_t verb = tokens[v].word;
    if (model_.HasRole(verb, kUrgeVerb)) return true;
    if (v == int64_t{first}) return false;
    // "called on India to", "appealed to India to"; "rejecting calls from
    // Washington to".
    const uint32_t before = tokens[v - 1].word;
    return ((verb == sw.on || verb == sw.to) &&
            model_.HasRole(before, kCallVerb)) ||
           (verb == sw.from && model_.HasRole(before, kRequestNoun));
  };
  if (t <= first + 1) return false;
  if (urged_before(t - 1)) return true;
  // "refused US requests to deploy troops", "calls to end the war".
  if (model_.HasRole(tokens[t - 2].word, kRequestNoun)) return true;
  // One step further: "urged China to use its influence on Russia to end
  // the war" -- an earlier "to" of the same clause, within eight words.
  const uint32_t clause = ws_.clause[t - 1];
  const uint32_t stop = t - 1 > first + 8 ? t - 1 - 8 : first;
  for (uint32_t u = t - 2; u > stop && ws_.clause[u] == clause; --u) {
    if (tokens[u].word == sw.to) return urged_before(u);
  }
  return false;
}

bool ArticleScorer::MarkerSubject(const SignalMatch& m) const {
  const auto& tokens = text_.tokens;
  const uint32_t sentence = tokens[m.first_token].sentence;
  const uint32_t first = text_.sentences[sentence].first_token;
  const uint32_t clause = ws_.clause[m.first_token];
  bool heads = false;
  const auto [first_mod, end_mod] = ModifiersIn(sentence);
  for (uint32_t c = first_mod; c < end_mod && !heads; ++c) {
    const ModifierMatch& mm = ws_.modifiers[c];
    if (mm.kind != ModifierKind::kDyadMarker ||
        mm.first_token >= m.first_token ||
        ws_.clause[mm.first_token] != clause ||
        mm.end_token - mm.first_token < 2) {
      continue;
    }
    const StructuralWords& sw = model_.words();
    const uint32_t w0 = tokens[mm.first_token].word;
    if (w0 != sw.both &&
        (w0 != sw.the || tokens[mm.first_token + 1].word != sw.two)) {
      continue;
    }
    // At the head of its clause: at most two words ("and", "but", a comma)
    // before it.
    uint32_t t = mm.first_token;
    int lead = 0;
    while (t > first && ws_.clause[t - 1] == clause && lead <= 2) --t, ++lead;
    heads = lead <= 2;
  }
  if (!heads) return false;
  // Not when the sentence names a country before the signal, nor a pair
  // the marker may stand for ("the two leaders hailed a new chapter in
  // relations between Vietnam and the United States").
  for (uint32_t i = ws_.sentence_mentions[sentence];
       i < ws_.sentence_mentions[sentence + 1]; ++i) {
    const Mention& x = ws_.mentions[i];
    if (x.end_token <= m.first_token && Acts(x)) return false;
    if (i + 1 < ws_.sentence_mentions[sentence + 1] &&
        Coordinated(x, ws_.mentions[i + 1])) {
      return false;
    }
  }
  return true;
}

int64_t ArticleScorer::WordBefore(const Mention& m) const {
  int64_t b = int64_t{m.first_token} - 1;
  if (b >= 0 && text_.tokens[b].word == model_.words().the) --b;
  return b;
}

bool ArticleScorer::IsTopic(const Mention& m) const {
  const int64_t b = WordBefore(m);
  if (b < 0) return false;
  const StructuralWords& sw = model_.words();
  const uint32_t w = text_.tokens[b].word;
  return w == sw.over || w == sw.about || w == sw.regarding;
}

bool ArticleScorer::IsTimeReference(const SignalMatch& m) const {
  const auto& tokens = text_.tokens;
  const StructuralWords& sw = model_.words();
  const Sentence& s = text_.sentences[tokens[m.first_token].sentence];
  // "the" within four words before the signal, and a time word before it
  // (most signals have neither: word ids only until both are found).
  uint32_t the = m.first_token;
  while (the > s.first_token && m.first_token - the < 4 &&
         tokens[the - 1].word != sw.the) {
    --the;
  }
  // "after [two|several] years|months|decades of <m>": a span of time.
  if (m.first_token >= s.first_token + 3 &&
      tokens[m.first_token - 1].word == sw.of) {
    static constexpr absl::string_view kSpans[] = {"years", "months",
                                                   "decades", "weeks"};
    uint32_t t = m.first_token - 2;
    const absl::string_view span = text_.Norm(tokens[t]);
    if (std::find(std::begin(kSpans), std::end(kSpans), span) !=
        std::end(kSpans)) {
      if (t > s.first_token && !model_.HasRole(tokens[t - 1].word, kTimeWord) &&
          !tokens[t - 1].Has(kCapitalized)) {
        --t;  // "two", "several", "many"
      }
      if (t > s.first_token && model_.HasRole(tokens[t - 1].word, kTimeWord)) {
        return !PartyRightAfter(m);
      }
    }
  }
  if (the <= s.first_token + 1 || tokens[the - 1].word != sw.the) return false;
  uint32_t time = the - 2;  // "since the start of the war": one step further
  if (time >= s.first_token + 3 && tokens[time].word == sw.of &&
      tokens[time - 2].word == sw.the) {
    time -= 3;
  }
  if (!model_.HasRole(tokens[time].word, kTimeWord)) return false;
  // Between "the" and the signal only lower-case words or hyphens ("the
  // full-scale invasion"), no country.
  for (uint32_t t = the; t < m.first_token; ++t) {
    if (tokens[t].Has(kCapitalized) || ws_.mention_at[t] >= 0 ||
        (!tokens[t].Has(kWordToken) && text_.Norm(tokens[t]) != "-")) {
      return false;
    }
  }
  // "since the invasion of Ukraine", "after the attack by Russia": the
  // event's own parties are named.
  return !PartyRightAfter(m);
}

const Mention* ArticleScorer::RelativeSubject(const Mention* last,
                                              const SignalMatch& m) const {
  if (last == nullptr) return nullptr;
  const auto& tokens = text_.tokens;
  const StructuralWords& sw = model_.words();
  uint32_t t = m.first_token;
  for (int skipped = 0; t > last->end_token + 2 && skipped < 2;
       ++skipped, --t) {
    const Token& w = tokens[t - 1];
    if (w.word == sw.which || !w.Has(kWordToken) || w.Has(kCapitalized)) break;
  }
  return t == last->end_token + 2 && tokens[t - 1].word == sw.which &&
                 tokens[last->end_token].word == sw.comma
             ? last
             : nullptr;
}

const Mention* ArticleScorer::ComplementSubject(const Mention* last,
                                                const SignalMatch& m) const {
  if (last == nullptr || m.first_token - last->end_token > 3) return nullptr;
  const auto& tokens = text_.tokens;
  const int64_t b = WordBefore(*last);
  if (b < 0 || tokens[b].word != model_.words().that) return nullptr;
  return LowerWords(last->end_token, m.first_token) ? last : nullptr;
}

bool ArticleScorer::NounArguments(const SignalMatch& m, const Mention** agent,
                                  const Mention** target) const {
  const auto& tokens = text_.tokens;
  const StructuralWords& sw = model_.words();
  const uint32_t end =
      text_.sentences[tokens[m.first_token].sentence].end_token;
  if (m.end_token - m.first_token != 1 ||
      LooksLikeParticiple(m.first_token) || m.end_token + 4 > end) {
    return false;
  }
  // The mention after the preposition at token p ("of [the] X"), and the
  // token after it.
  auto mention_after = [&](uint32_t p, uint32_t* next) -> const Mention* {
    uint32_t t = p + 1;
    if (t < end && tokens[t].word == sw.the) ++t;
    if (t >= end) return nullptr;
    const int32_t mi = ws_.mention_at[t];
    if (mi < 0 || ws_.mentions[mi].first_token != t) return nullptr;
    *next = ws_.mentions[mi].end_token;
    return &ws_.mentions[mi];
  };
  auto is_patient_prep = [&](uint32_t w) {
    return w == sw.of || w == sw.on || w == sw.against;
  };
  const uint32_t p = m.end_token;
  uint32_t next = 0;
  const Mention* first = nullptr;
  const Mention* second = nullptr;
  if (is_patient_prep(tokens[p].word) &&
      (first = mention_after(p, &next)) != nullptr &&
      next < end && tokens[next].word == sw.by &&
      (second = mention_after(next, &next)) != nullptr) {
    *target = first;  // "of Ukraine by Russia"
    *agent = second;
  } else if (tokens[p].word == sw.by &&
             (first = mention_after(p, &next)) != nullptr &&
             next < end && is_patient_prep(tokens[next].word) &&
             (second = mention_after(next, &next)) != nullptr) {
    *agent = first;  // "by Iran on Israel"
    *target = second;
  } else {
    return false;
  }
  return (*agent)->actor != (*target)->actor && Acts(**agent) &&
         Acts(**target);
}

const Mention* ArticleScorer::GiverOf(const SignalMatch& m,
                                      const MentionList& after) const {
  const auto& tokens = text_.tokens;
  const StructuralWords& sw = model_.words();
  if (m.end_token - m.first_token != 1 || m.first_token < 2 ||
      m.end_token >= tokens.size() || tokens[m.end_token].word != sw.of ||
      tokens[m.first_token - 1].word != sw.the ||
      tokens[m.first_token - 2].word != sw.with) {
    return nullptr;
  }
  for (const Mention* x : after) {
    if (WordBefore(*x) == int64_t{m.end_token}) return x;
  }
  return nullptr;
}

bool ArticleScorer::Received(const SignalMatch& m) const {
  const auto& tokens = text_.tokens;
  const uint32_t first =
      text_.sentences[tokens[m.first_token].sentence].first_token;
  // Up to three words between: "received a warm", "won $2 billion in".
  for (uint32_t t = m.first_token, n = 0; t > first && n < 4; --t, ++n) {
    const Token& w = tokens[t - 1];
    if (model_.HasRole(w.word, kReceiveVerb)) return true;
    if (w.Has(kCapitalized) || ws_.mention_at[t - 1] >= 0 ||
        model_.IsClausePunctuation(w.word)) {
      return false;
    }
  }
  return false;
}

bool ArticleScorer::ReactsToPrevious(const SignalMatch& m) const {
  const LastPair& last = last_pair_;
  if (!last.reacts ||
      model_.lexicon().signals[m.entry].quad != QuadClass::kMaterialConflict ||
      m.first_token < last.end_token || m.first_token - last.end_token > 3 ||
      ws_.clause[m.first_token] != last.clause) {
    return false;
  }
  if (!LowerWords(last.end_token, m.first_token)) return false;
  for (uint32_t t = last.end_token; t < m.first_token; ++t) {
    if (ws_.mention_at[t] >= 0) return false;  // "the russian strikes"
  }
  // "criticised the attacks on Pakistan" names the act's target: its agent
  // is not known.
  return !PartyRightAfter(m);
}

bool ArticleScorer::PartyRightAfter(const SignalMatch& m) const {
  const uint32_t stop =
      std::min(m.end_token + 3,
               text_.sentences[text_.tokens[m.first_token].sentence].end_token);
  for (uint32_t t = m.end_token; t < stop; ++t) {
    if (ws_.mention_at[t] >= 0) return true;
  }
  return false;
}

const ArticleScorer::EventRef* ArticleScorer::Antecedent(
    const SignalMatch& m) const {
  if (events_.empty() || m.first_token == 0 ||
      text_.tokens[m.first_token - 1].word != model_.words().the ||
      PartyRightAfter(m)) {
    return nullptr;
  }
  const uint32_t sentence = text_.tokens[m.first_token].sentence;
  const uint32_t head = text_.tokens[m.end_token - 1].word;
  for (auto it = events_.rbegin(); it != events_.rend(); ++it) {
    if (it->sentence < sentence &&
        it->sentence + kAntecedentSentences >= sentence &&
        (it->head == head || it->entry == m.entry)) {
      return &*it;
    }
  }
  return nullptr;
}

bool ArticleScorer::IsDisapproval(const SignalMatch& m) const {
  return model_.lexicon().signals[m.entry].quad ==
             QuadClass::kVerbalConflict &&
         model_.HasRole(text_.tokens[m.first_token].word, kReactVerb);
}

int ArticleScorer::ReactedAgent(const SignalMatch& m,
                                bool* by_antecedent) const {
  if (!IsDisapproval(m)) return -1;
  const size_t i = static_cast<size_t>(&m - ws_.signals.data());
  if (i + 1 >= ws_.signals.size()) return -1;
  const SignalMatch& next = ws_.signals[i + 1];
  if (next.first_token < m.end_token || next.first_token - m.end_token > 3) {
    return -1;
  }
  if (!LowerWords(m.end_token, next.first_token)) return -1;
  if (const EventRef* ref = Antecedent(next)) {
    *by_antecedent = true;
    return ref->source;
  }
  *by_antecedent = false;
  const Mention* agent = nullptr;
  const Mention* target = nullptr;
  return NounArguments(next, &agent, &target) ? agent->actor : -1;
}

bool ArticleScorer::IsExperienced(const SignalMatch& m) const {
  return model_.HasRole(text_.tokens[m.first_token].word, kExperiencer);
}

int64_t ArticleScorer::ByBefore(const Mention& m) const {
  const int64_t b = WordBefore(m);
  return b >= 0 && text_.tokens[b].word == model_.words().by ? b : -1;
}

// "Saudi Arabia and Iran", "Pakistan and the US": two mentions joined by
// "and".
bool ArticleScorer::Coordinated(const Mention& x, const Mention& y) const {
  if (x.actor == y.actor || y.first_token <= x.end_token) return false;
  uint32_t t = x.end_token;
  const StructuralWords& sw = model_.words();
  if (text_.tokens[t].word != sw.and_) return false;
  ++t;
  if (t < y.first_token && text_.tokens[t].word == sw.the) ++t;
  return t == y.first_token;
}

// The other half of "X and Y" around `m`, if it is not `exclude`.
int ArticleScorer::CoordinatedPartner(const Mention& m, int exclude) const {
  const size_t i = &m - ws_.mentions.data();
  if (i + 1 < ws_.mentions.size() && Coordinated(m, ws_.mentions[i + 1]) &&
      ws_.mentions[i + 1].actor != exclude) {
    return ws_.mentions[i + 1].actor;
  }
  if (i > 0 && Coordinated(ws_.mentions[i - 1], m) &&
      ws_.mentions[i - 1].actor != exclude) {
    return ws_.mentions[i - 1].actor;
  }
  return -1;
}

const Mention* ArticleScorer::QuoteSpeaker(const SignalMatch& m,
                                           uint32_t first_mention,
                                           uint32_t end_mention) const {
  const auto& tokens = text_.tokens;
  const uint32_t sentence = tokens[m.first_token].sentence;
  const Sentence& s = text_.sentences[sentence];
  auto is_quote = [&](uint32_t t) {
    return model_.HasRole(tokens[t].word, kQuoteMark);
  };
  // The sentence's quotes, once for all its signals.
  if (sentence != quotes_sentence_) {
    quotes_sentence_ = sentence;
    quotes_.clear();
    for (uint32_t t = s.first_token; t < s.end_token; ++t) {
      if (is_quote(t)) quotes_.push_back(t);
    }
  }
  if (quotes_.empty()) return nullptr;
  auto is_speech = [&](uint32_t t) {
    return model_.HasRole(tokens[t].word, kSpeechVerb);
  };
  // Inside a quotation: an odd number of quotes before the signal in its
  // sentence, and one after it.
  size_t opened = 0;
  while (opened < quotes_.size() && quotes_[opened] < m.first_token) ++opened;
  if (opened % 2 == 0) return nullptr;
  const uint32_t open = quotes_[opened - 1];
  size_t after = opened;
  while (after < quotes_.size() && quotes_[after] < m.end_token) ++after;
  if (after == quotes_.size()) return nullptr;
  const uint32_t close = quotes_[after];
  // '," said China's foreign ministry' or '," China's foreign ministry
  // said': a mention within two words of the quote, and a verb of speech
  // before it or within six words after it.
  for (uint32_t i = first_mention; i < end_mention; ++i) {
    const Mention& x = ws_.mentions[i];
    // A quotation with its own subject keeps it: '"The United States
    // values its ties with India," Pakistan's minister said'.
    if (x.first_token > open && x.end_token <= m.first_token && Acts(x)) {
      return nullptr;
    }
    if (x.first_token <= close) continue;
    if (x.first_token > close + 3 || !Acts(x) || !IsStrong(x)) return nullptr;
    if (is_speech(close + 1)) return &x;
    const uint32_t stop = std::min(x.end_token + 6, s.end_token);
    for (uint32_t t = x.end_token; t < stop; ++t) {
      if (is_speech(t)) return &x;
      if (is_quote(t)) break;
    }
    return nullptr;
  }
  return nullptr;
}

ArticleScorer::Pair ArticleScorer::PickPair(uint32_t first_mention,
                                            uint32_t end_mention,
                                            const SignalMatch& m,
                                            const Mention* anchor) const {
  // Places and populations act only when nobody else does.
  ActorSet strong;
  for (uint32_t i = first_mention; i < end_mention; ++i) {
    if (IsStrong(ws_.mentions[i]) && Acts(ws_.mentions[i])) {
      strong.Insert(ws_.mentions[i].actor);
    }
  }
  const bool strong_only =
      strong.size() >= 2 &&
      (anchor == nullptr || strong.Contains(anchor->actor));
  MentionList before, after;
  for (uint32_t i = first_mention; i < end_mention; ++i) {
    const Mention& mm = ws_.mentions[i];
    if ((strong_only && !IsStrong(mm)) || !Acts(mm)) continue;
    (mm.end_token <= m.first_token ? before : after).push_back(&mm);
  }
  auto first_other = [](const MentionList& v,
                        int actor) -> const Mention* {
    for (const Mention* x : v) {
      if (x->actor != actor) return x;
    }
    return nullptr;
  };
  auto last_other = [](const MentionList& v,
                       int actor) -> const Mention* {
    for (auto it = v.rbegin(); it != v.rend(); ++it) {
      if ((*it)->actor != actor) return *it;
    }
    return nullptr;
  };
  // The acting and acted-upon mentions; whether the source was named
  // before the signal.
  const Mention* src = nullptr;
  const Mention* tgt = nullptr;
  bool src_before = false;
  bool src_subject = false;  // the first country of the sentence
  // The first country of the sentence that acts as an agent, other than
  // `actor`: the subject.
  auto subject_other_than = [&](int actor) -> const Mention* {
    for (const Mention* x : before) {
      if (x->actor != actor && IsStrong(*x)) return x;
    }
    return nullptr;
  };
  auto other_of = [&](const Mention* from) {
    const Mention* t = first_other(after, from->actor);
    return t != nullptr ? t : last_other(before, from->actor);
  };
  if (const Mention* speaker = anchor == nullptr
                                   ? QuoteSpeaker(m, first_mention, end_mention)
                                   : nullptr) {
    // The speaker of a quotation acts in it, wherever the sentence names
    // the other side.
    src = speaker;
    tgt = other_of(src);
  } else if (anchor != nullptr) {
    // The clause's one country acts when it is named before the signal,
    // and is acted upon after it, even if the sentence named it earlier
    // too ("Japan, which criticised China's build-up, welcomed the talks
    // with Beijing").
    const int a = anchor->actor;
    const auto is_anchor = [a](const Mention* x) { return x->actor == a; };
    const auto anchor_it =
        anchor->end_token <= m.first_token
            ? std::find_if(before.begin(), before.end(), is_anchor)
            : before.end();
    if (anchor_it != before.end()) {
      src = *anchor_it;
      src_before = true;
      tgt = other_of(src);
    } else {
      const auto it = std::find_if(after.begin(), after.end(), is_anchor);
      if (it == after.end()) return Pair();
      tgt = *it;
      src = first_other(before, a);
      if (src == nullptr) src = first_other(after, a);
    }
  } else if (const Mention* own_agent = nullptr, *own_target = nullptr;
             NounArguments(m, &own_agent, &own_target)) {
    // "did not condemn the invasion of Ukraine by Russia": the noun's own
    // arguments, whoever the sentence's subject is.
    Pair own;
    own.source = own_agent->actor;
    own.target = own_target->actor;
    return own;
  } else if (const Mention* giver = GiverOf(m, after)) {
    // "intercepted with the help of the United States, Britain and
    // Jordan": the helper gives, to the sentence's subject if it named one.
    src = giver;
    tgt = last_other(before, src->actor);
    if (tgt == nullptr) tgt = first_other(after, src->actor);
  } else if (!before.empty() &&
             before.back()->end_token + 1 == m.first_token &&
             text_.tokens[m.first_token - 1].word == model_.words().possessive) {
    // A possessive agent: "Russia's invasion of Ukraine".
    src = before.back();
    src_before = true;
    tgt = other_of(src);
    // "Sweden joined NATO in March, to Russia's anger": a reaction to
    // what the sentence's subject did.
    const int64_t b = WordBefore(*src);
    if (b >= 0 && text_.tokens[b].word == model_.words().to &&
        (after.empty() || IsOrganization(tgt->actor))) {
      if (const Mention* subject = subject_other_than(src->actor)) {
        tgt = subject;
      }
    }
  } else if (before.size() >= 2 && Coordinated(*before[0], *before[1]) &&
             std::all_of(before.begin() + 2, before.end(),
                         [&](const Mention* x) {
                           return x->actor == before[0]->actor ||
                                  x->actor == before[1]->actor ||
                                  IntroducedByBy(*x) ||
                                  x->kind == AliasKind::kAdjective;
                         }) &&
             std::all_of(after.begin(), after.end(), [&](const Mention* x) {
               return IntroducedByBy(*x) || IsTopic(*x) ||
                      x->actor == before[0]->actor ||
                      x->actor == before[1]->actor;
             })) {
    // "Saudi Arabia and Iran normalised relations (in a deal brokered by
    // China)", "signed a Russian-brokered agreement", "remain at odds over
    // the Falkland Islands": a joint act of the pair, with no direction.
    // Not when a third actor is named between the pair and the signal:
    // "the EU and Japan criticised China over its curbs".
    Pair joint;
    joint.source = before[0]->actor;
    joint.target = before[1]->actor;
    joint.mutual = true;
    return joint;
  } else if (const Mention* rel = RelativeSubject(
                 before.empty() ? nullptr : before.back(), m)) {
    // "Lithuania's decision angered China, which downgraded ties": the
    // relative clause's subject acts, towards the sentence's subject.
    src = rel;
    src_before = true;
    tgt = subject_other_than(src->actor);
    if (tgt == nullptr) tgt = other_of(src);
  } else if (const Mention* reported = ComplementSubject(
                 before.empty() ? nullptr : before.back(), m)) {
    // "Canberra was hopeful that China would lift the tariffs".
    src = reported;
    src_before = true;
    tgt = other_of(src);
  } else if (const Mention* agent = AgentRightBefore(
                 before.empty() ? nullptr : before.back(), m)) {
    src = agent;
    src_before = true;
    tgt = other_of(src);
  } else if (!before.empty()) {
    // The subject: the first country that acts, not a place or a people
    // before it ("JERUSALEM, April 14 - Iran launched drones at Israel").
    src = subject_other_than(-1);
    if (src == nullptr) src = before.front();
    src_before = true;
    src_subject = true;
    tgt = other_of(src);
  } else if (!after.empty()) {
    // The subject is unnamed ("We are thankful to the United States for
    // inviting Pakistan", "Praising Pakistan, the US said"): the first
    // country named is the one acted upon.
    tgt = after.front();
    src = first_other(after, tgt->actor);
  }
  if (src == nullptr || tgt == nullptr) return Pair();
  // An event located in a country ("the war in Ukraine") involves it: its
  // agent acts there ("Russia's war in Ukraine", even in a sentence about
  // a third country), and a sentence's subject that only takes a position
  // on it is no party ("South Africa defended its neutrality on the war in
  // Ukraine during a visit to Washington") unless a "by" names the event's
  // agent ("would not tolerate interference in Taiwan by the United
  // States").
  if (const Mention* place = LocatedIn(m, first_mention, end_mention);
      place != nullptr && place->actor != src->actor &&
      place->actor != tgt->actor && !IntroducedByBy(*tgt)) {
    if (src_subject) {
      Pair none;
      none.none = true;
      return none;
    }
    tgt = place;
  }
  Pair p;
  p.source = src->actor;
  p.target = tgt->actor;
  p.also_target = CoordinatedPartner(*tgt, p.source);
  if (p.also_target < 0) p.also_source = CoordinatedPartner(*src, p.target);
  if (p.source < 0 || p.target < 0) return Pair();
  // Passive voice: "criticised by the United States", "the attack by
  // Russia". A "by" that the pattern itself matched ("attend the summit
  // hosted by") belongs to the pattern's words. When the source was named
  // before the signal, the "by" must follow the match, or a participle
  // that is the whole match by at most two words ("was condemned on Monday
  // by"); and a match of a verb and its object takes no agent by "by" ("the
  // Kremlin denied accusations by Kyiv": the accusations' agent). With no
  // source before it, any "by" after it names the agent.
  // A feeling's "by" names its cause: "was disappointed by Hungary's
  // veto" is Germany's. A subject can receive a signal: "received a warm
  // welcome in Washington".
  const int64_t by = ByBefore(*tgt);
  if ((by >= int64_t{m.end_token} && !IsExperienced(m) &&
       (!src_before || PassiveBy(m, by))) ||
      (src_subject && (NounFrom(m, *tgt) || Received(m)))) {
    std::swap(p.source, p.target);
    p.also_target = -1;
    p.also_source = -1;
    // Both agents of "by India and China" act; "the sanctions imposed by
    // the European Union and the United States have hurt Iran's economy"
    // act on the country named besides them.
    const int partner = by >= 0 ? CoordinatedPartner(*tgt, -1) : -1;
    if (partner >= 0 && partner != p.target) {
      p.also_source = partner;
    } else if (partner >= 0) {
      for (const Mention* x : after) {
        if (x->actor != p.source && x->actor != partner) {
          p.target = x->actor;
          p.also_source = partner;
          break;
        }
      }
    }
  }
  return p;
}

bool ArticleScorer::AttributeExplicit(const SignalMatch& m,
                                      ArticleResult* result) {
  const uint32_t sentence = text_.tokens[m.first_token].sentence;
  const uint32_t first = ws_.sentence_mentions[sentence];
  const uint32_t end = ws_.sentence_mentions[sentence + 1];
  const uint32_t clause = ws_.clause[m.first_token];
  // The clause's mentions.
  uint32_t cf = end, ce = end;
  ActorSet sentence_actors, clause_actors;
  for (uint32_t i = first; i < end; ++i) {
    const Mention& mm = ws_.mentions[i];
    if (!Acts(mm)) continue;
    sentence_actors.Insert(mm.actor);
    if (ws_.clause[mm.first_token] == clause) {
      if (cf == end) cf = i;
      ce = i + 1;
      clause_actors.Insert(mm.actor);
    }
  }
  // "urged India to cooperate with Canada": what a country is urged to do
  // has not happened; the urging itself is its own signal if any.
  if (IsUrgedAct(m)) return true;
  // "Poland has been one of Ukraine's staunchest allies since the
  // invasion": an event named as a time is no act of the sentence's
  // countries.
  if (IsTimeReference(m)) return true;
  // "The two countries agreed to share data with the United States": the
  // main dyad, known later, acts (AttributeImplicit).
  if (MarkerSubject(m)) return false;
  Pair p;
  Attribution how = Attribution::kNone;
  // "Iran launched drones at Israel in its first direct attack ... Biden
  // condemned the attack": the attack keeps Iran's pair, and the
  // condemnation is of Iran.
  const EventRef* ref = Antecedent(m);
  bool reacted_by_antecedent = false;
  const int reacted =
      ref == nullptr ? ReactedAgent(m, &reacted_by_antecedent) : -1;
  if (ref != nullptr) {
    p.source = ref->source;
    p.target = ref->target;
    how = Attribution::kAntecedent;
  } else if (IsDocumentAct(m)) {
    // "vetoed a resolution condemning Syria", "an EU statement criticising
    // China": the document acts, for the country named right before it if
    // any ("a Chinese statement criticising Japan"), never for the
    // sentence's subject.
    const Mention* author = nullptr;
    const Mention* target = nullptr;
    for (uint32_t i = first; i < end; ++i) {
      const Mention& mm = ws_.mentions[i];
      if (!Acts(mm)) continue;
      if (mm.end_token + 1 == m.first_token) author = &mm;
      if (mm.first_token >= m.end_token && target == nullptr &&
          (author == nullptr || mm.actor != author->actor)) {
        target = &mm;
      }
    }
    if (author == nullptr || target == nullptr) return true;  // no pair
    p.source = author->actor;
    p.target = target->actor;
    how = Attribution::kClause;
  }
  // A clause that names no country before its signal, after a subject the
  // sentence named before it, continues that subject's sentence: "Xi told
  // Biden ..., and warned the United States to stop arming Taiwan".
  bool elided_subject = false;
  if (cf < end && ws_.mentions[cf].first_token >= m.first_token) {
    for (uint32_t i = first; i < cf && !elided_subject; ++i) {
      elided_subject = Acts(ws_.mentions[i]) && IsStrong(ws_.mentions[i]);
    }
  }
  if (p.source < 0 && clause_actors.size() >= 2 && !elided_subject) {
    p = PickPair(cf, ce, m, nullptr);
    how = Attribution::kClause;
  }
  if (p.source < 0 && !p.none && sentence_actors.size() >= 2) {
    const Mention* anchor =
        clause_actors.size() == 1 ? &ws_.mentions[cf] : nullptr;
    p = PickPair(first, end, m, anchor);
    how = Attribution::kSentence;
  }
  if (reacted >= 0 && !p.none && !p.mutual) {
    // The one who disapproves: the pair's source, or the sentence's one
    // country ("Biden condemned the attack").
    const int who = p.source >= 0 ? p.source
                    : sentence_actors.size() == 1 ? sentence_actors.front()
                                                  : -1;
    if (who >= 0 && who != reacted) {
      if (p.source < 0) how = Attribution::kSentence;
      if (reacted_by_antecedent) how = Attribution::kAntecedent;
      p = Pair();
      p.source = who;
      p.target = reacted;
    }
  }
  if (p.none) return true;
  if (p.source < 0) return false;
  // "Iraq summoned the Turkish ambassador to protest against airstrikes":
  // the strikes the protest is about come from the protest's target, unless
  // they named their own agent ("condemned India's strikes").
  if (!p.mutual && p.source == last_pair_.source &&
      p.target == last_pair_.target && ReactsToPrevious(m)) {
    std::swap(p.source, p.target);
    p.also_target = -1;
    p.also_source = -1;
  }
  const QuadClass quad = model_.lexicon().signals[m.entry].quad;
  if (!p.mutual && (quad == QuadClass::kMaterialConflict ||
                    quad == QuadClass::kMaterialCooperation)) {
    while (!events_.empty() &&
           events_.front().sentence + kAntecedentSentences < sentence) {
      events_.erase(events_.begin());
    }
    if (events_.size() == kMaxEvents) events_.erase(events_.begin());
    events_.push_back(
        {text_.tokens[m.end_token - 1].word, m.entry, sentence, p.source,
         p.target});
  }
  if (!p.mutual) {
    last_pair_ = {m.end_token, ws_.clause[m.first_token], p.source, p.target,
                  IsDisapproval(m)};
  }
  const size_t index = result->evidence.size() - 1;
  // "China criticised the United States and India", "Seoul and Tokyo
  // pledged closer cooperation with Washington": once per dyad.
  Pair q = p;
  const bool two = p.also_target >= 0 || p.also_source >= 0;
  if (p.also_target >= 0) {
    q.target = p.also_target;
  } else if (p.also_source >= 0) {
    q.source = p.also_source;
  }
  // An organisation on one side scores no dyad ("the EU welcomed Serbia's
  // decision"), and its signal goes to no other pair; but its coordinated
  // partner's pair counts ("the EU and Japan criticised China").
  const bool p_org = IsOrganization(p.source) || IsOrganization(p.target);
  const bool q_org = IsOrganization(q.source) || IsOrganization(q.target);
  if (p_org && (!two || q_org)) {
    Evidence& ev = result->evidence[index];
    ev.attribution = Attribution::kOrganization;
    if (!p.mutual) {
      ev.source = Code(p.source);
      ev.target = Code(p.target);
    }
    return true;
  }
  if (p_org) {
    SetDyad(q.source, q.target, q, how, true, index, result);
    return true;
  }
  if (two && !q_org) {
    SetDyad(q.source, q.target, q, how, true, CopyEvidence(index, result),
            result);
  }
  SetDyad(p.source, p.target, p, how, true, index, result);
  return true;
}

size_t ArticleScorer::CopyEvidence(size_t index, ArticleResult* result) {
  Evidence copy = result->evidence[index];
  result->evidence.push_back(std::move(copy));
  return result->evidence.size() - 1;
}

void ArticleScorer::AttributeImplicit(const SignalMatch& m, size_t evidence,
                                      ArticleResult* result) {
  if (main_a_ < 0) return;
  const uint32_t sentence = text_.tokens[m.first_token].sentence;
  if (MarkerSubject(m)) {
    // The main dyad is the subject; towards a third party named after the
    // signal each side acts, else the pair acts together.
    // A name before an adjective: in "data on North Korean missile
    // launches with the United States" the partner is the United States.
    const Mention* third = nullptr;
    for (uint32_t i = ws_.sentence_mentions[sentence];
         i < ws_.sentence_mentions[sentence + 1]; ++i) {
      const Mention& x = ws_.mentions[i];
      if (x.first_token >= m.end_token && Acts(x) && IsStrong(x) &&
          x.actor != main_a_ && x.actor != main_b_ &&
          (third == nullptr || (third->kind == AliasKind::kAdjective &&
                                x.kind != AliasKind::kAdjective))) {
        third = &x;
      }
    }
    if (third == nullptr) {
      SetDyad(main_a_, main_b_, Pair(), Attribution::kMainDyadMarker, false,
              evidence, result);
    } else if (IsOrganization(third->actor)) {
      Evidence& ev = result->evidence[evidence];
      ev.attribution = Attribution::kOrganization;
      ev.target = Code(third->actor);
    } else {
      const size_t second = CopyEvidence(evidence, result);
      for (const auto& [side, index] :
           {std::pair<int, size_t>{main_a_, evidence}, {main_b_, second}}) {
        Pair p;
        p.source = side;
        p.target = third->actor;
        SetDyad(side, third->actor, p, Attribution::kMainDyadMarker, false,
                index, result);
      }
    }
    return;
  }
  const uint32_t end = ws_.sentence_mentions[sentence + 1];
  uint32_t first = ws_.sentence_mentions[sentence];
  while (first < end && !Acts(ws_.mentions[first])) ++first;
  const bool marker = SentenceHas(sentence, ModifierKind::kDyadMarker);
  const bool cue = SentenceHas(sentence, ModifierKind::kSpeakerCue);
  if (first < end) {
    // One actor named (two would have been explicit).
    const int x = ws_.mentions[first].actor;
    if (x != main_a_ && x != main_b_) return;
    const int other = x == main_a_ ? main_b_ : main_a_;
    bool acts_before = false;
    for (uint32_t i = first; i < end; ++i) {
      const Mention& mm = ws_.mentions[i];
      if (IsStrong(mm) && mm.end_token <= m.first_token) acts_before = true;
    }
    if (!acts_before && !cue && !marker) return;
    Pair p;
    p.source = acts_before ? x : other;
    p.target = acts_before ? other : x;
    SetDyad(x, other, p,
            marker ? Attribution::kMainDyadMarker
                   : Attribution::kMainDyadSpeaker,
            false, evidence, result);
    return;
  }
  if (marker) {
    SetDyad(main_a_, main_b_, Pair(), Attribution::kMainDyadMarker, false,
            evidence, result);
    return;
  }
  if (!cue) return;
  // A speaker of the main dyad carries over from the sentences before.
  for (int back = 1; back <= kContextSentences &&
                     static_cast<int>(sentence) - back >= 0;
       ++back) {
    const uint32_t s = sentence - back;
    for (uint32_t i = ws_.sentence_mentions[s];
         i < ws_.sentence_mentions[s + 1]; ++i) {
      const int a = ws_.mentions[i].actor;
      if (a == main_a_ || a == main_b_) {
        SetDyad(main_a_, main_b_, Pair(), Attribution::kMainDyadContext,
                false, evidence, result);
        return;
      }
    }
  }
}

}  // namespace dyadtone
