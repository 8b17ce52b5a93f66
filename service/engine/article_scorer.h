// Internal to the engine: the analysis of one tokenized article, from
// mentions and signals to attributed, aggregated dyad scores.

#ifndef DYADTONE_SERVICE_ENGINE_ARTICLE_SCORER_H_
#define DYADTONE_SERVICE_ENGINE_ARTICLE_SCORER_H_

#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/time/civil_time.h"
#include "service/engine/compiled_model.h"
#include "service/engine/result.h"
#include "service/engine/tokenizer.h"

namespace dyadtone {

// Scratch space reused across articles by one thread, so that scoring does
// not reallocate its buffers for every article.
struct ScoringWorkspace {
  TokenizedText text;
  MatchStarts starts;  // set with the words
  std::vector<Mention> mentions;
  std::vector<ModifierMatch> modifiers;
  std::vector<SignalMatch> signals;
  std::vector<int32_t> modifier_at;   // token -> modifier starting there
  std::vector<int32_t> mention_at;    // token -> mention covering it
  std::vector<uint32_t> clause;       // token -> clause number
  std::vector<uint32_t> sentence_mentions;  // sentence -> first mention
  std::vector<uint32_t> sentence_modifiers;  // sentence -> first modifier
};

class ArticleScorer {
 public:
  // REQUIRES: ws->text is tokenized with words assigned, and ws->starts
  // set by the same AssignWords().
  ArticleScorer(const CompiledModel& model, ScoringWorkspace* ws,
                const std::optional<absl::CivilDay>& date);

  // Fills result->actors, dyads, main_dyad and evidence. `extra_dyads` are
  // reported even without signals.
  void Run(const std::vector<DyadKey>& extra_dyads, ArticleResult* result);

 private:
  struct Pair {
    int source = -1;  // actor indices; -1 when unknown
    int target = -1;
    bool mutual = false;  // a joint act: no direction
    int also_target = -1;  // "the United States and India": both targets
    int also_source = -1;  // "Seoul and Tokyo pledged": both sources
    // Decided: the signal has no pair here, and takes none from the main
    // dyad either.
    bool none = false;
  };
  struct DyadAccum {
    int a = -1, b = -1;  // actor indices, code(a) < code(b)
    int explicit_signals = 0;
    int co_mentions = 0;
    int first_sentence = -1;
    std::vector<int> evidence;
  };

  // Returns true if it added mentions.
  bool LearnPersonNames();
  void IndexTokens();
  // The place of a dateline near the top ("JERUSALEM, April 14 -",
  // "Islamabad [Pakistan], December 15 (ANI):") is where the report was
  // filed: its mentions become places, which act only when nobody else
  // does.
  void MarkDatelines();
  void MarkClauses();
  void ApplyModifiers(const SignalMatch& m, uint32_t scope_start,
                      Evidence* ev) const;
  bool InGap(const SignalMatch& m, ModifierKind kind, int* found) const;
  bool InWindow(uint32_t from, uint32_t to, uint32_t clause,
                ModifierKind kind, int* found) const;
  // Attributes the last evidence of `result` to a pair named in its clause
  // or sentence; false when none is, to try again once the main dyad is
  // known.
  bool AttributeExplicit(const SignalMatch& m, ArticleResult* result);
  void AttributeImplicit(const SignalMatch& m, size_t evidence,
                         ArticleResult* result);
  // Appends a copy of evidence `index`, for a second dyad; returns its
  // index.
  size_t CopyEvidence(size_t index, ArticleResult* result);
  int CoordinatedPartner(const Mention& m, int exclude) const;
  // The pair of `m` among mentions [first_mention, end_mention). `anchor`,
  // when picking from the whole sentence, is the one country named in the
  // signal's clause.
  Pair PickPair(uint32_t first_mention, uint32_t end_mention,
                const SignalMatch& m, const Mention* anchor) const;
  // The speaker of the quotation `m` stands in, if the quotation names no
  // country before `m` and the sentence names one right after it ("'We
  // condemn this provocation,' China's foreign ministry said"), among
  // mentions [first_mention, end_mention).
  const Mention* QuoteSpeaker(const SignalMatch& m, uint32_t first_mention,
                              uint32_t end_mention) const;
  void CountCoMentions();
  void ChooseMainDyad();
  void SetDyad(int x, int y, const Pair& p, Attribution how,
               bool explicit_pair, size_t evidence, ArticleResult* result);
  bool SentenceHas(uint32_t sentence, ModifierKind kind) const;
  std::pair<uint32_t, uint32_t> ModifiersIn(uint32_t sentence) const;
  bool IsStrong(const Mention& m) const;
  bool IntroducedByBy(const Mention& m) const { return ByBefore(m) >= 0; }
  // The mention that acts in `m` by its place rather than as the subject,
  // if any: the last of `before` when it stands right before the signal
  // ("the Russian invasion", "Tokyo criticised"), or right before the
  // preposition that makes the signal the topic of another act ("sanctions
  // on Russia over the invasion", "criticised China over its drills"), or
  // when it owns the decision the signal is the object of ("welcomed
  // Serbia's decision to impose sanctions"), or when it is accused of the
  // signal ("accused Russia of blocking aid").
  const Mention* AgentRightBefore(const Mention* last,
                                  const SignalMatch& m) const;
  // Whether token t ends like a past participle ("-ed", "-en").
  bool LooksLikeParticiple(uint32_t t) const;
  // Whether tokens [from, to) are all lower-case words.
  bool LowerWords(uint32_t from, uint32_t to) const;
  // Whether token t ends like a gerund or present participle ("-ing").
  bool LooksLikeGerund(uint32_t t) const;
  // Whether the "by" at token `by`, after `m`, names the agent of `m` when
  // its source was named before it (see PickPair).
  bool PassiveBy(const SignalMatch& m, int64_t by) const;
  // Whether `from` follows the one-word noun signal `m` after "from": "a
  // sharp rebuke from Beijing", "aid from Japan" name the noun's source.
  bool NounFrom(const SignalMatch& m, const Mention& from) const;
  // Whether `m` is one "-ing" word right after a document noun ("a
  // resolution condemning", "a statement criticising"): the document acts.
  bool IsDocumentAct(const SignalMatch& m) const;
  // The country `m` is located in, if "in [a word] <it>" follows `m`
  // ("the war in Ukraine", "investments in northern Afghanistan"), among
  // mentions [first_mention, end_mention).
  const Mention* LocatedIn(const SignalMatch& m, uint32_t first_mention,
                           uint32_t end_mention) const;
  // Whether a "the two ..." or "both ..." dyad marker heads `m`'s clause,
  // with no country named before `m` and no pair of countries joined by
  // "and" in the sentence: the main dyad is its subject.
  bool MarkerSubject(const SignalMatch& m) const;
  // Whether `m` is what a country is urged or asked to do: "urged India
  // (and Pakistan) to [a word or two] <m>", "called on India to <m>",
  // "refused US requests to <m>".
  bool IsUrgedAct(const SignalMatch& m) const;
  // Whether `m` names an event only as a time: "since|after|during the
  // [full-scale] <m>", "after [two] years of <m>", with no country named
  // right after it ("allies since the invasion" is no act of the allies).
  bool IsTimeReference(const SignalMatch& m) const;
  // The subject of a relative clause that `m` opens: `last` in "<last>,
  // which [a word or two] <m>" ("angered China, which downgraded ties").
  const Mention* RelativeSubject(const Mention* last,
                                 const SignalMatch& m) const;
  // The subject of a reported clause that `m` is in: `last` in "that
  // <last> [up to three lower-case words] <m>" ("hopeful that China would
  // lift the tariffs").
  const Mention* ComplementSubject(const Mention* last,
                                   const SignalMatch& m) const;
  // The agent and the target a noun signal names itself: "the invasion of
  // Ukraine by Russia", "the attack on Israel by Iran", "the attack by Iran
  // on Israel"; false if it does not.
  bool NounArguments(const SignalMatch& m, const Mention** agent,
                     const Mention** target) const;
  // The giver in "with the <m> of [the] X" ("rebuilt with the help of the
  // United States"), among `after`.
  const Mention* GiverOf(const SignalMatch& m,
                         const absl::InlinedVector<const Mention*, 8>& after)
      const;
  // Whether the sentence's subject receives `m`: "received|won [a|the|..]
  // <m>" ("India received a warm welcome in Washington").
  bool Received(const SignalMatch& m) const;
  // An event that AttributeExplicit() gave a directed pair, for
  // Antecedent().
  struct EventRef {
    uint32_t head;      // the word id of the match's last token
    int entry;          // its lexicon entry ("attacked" is "the attack")
    uint32_t sentence;
    int source, target;
  };
  // The earlier event `m` names as "the <m>", with no party of its own
  // named right after it ("Iran launched drones at Israel in its first
  // direct attack ... Biden condemned the attack"): the latest with the
  // same head word or lexicon entry in the three sentences before, or null.
  const EventRef* Antecedent(const SignalMatch& m) const;
  // Whether `m` is a verbal conflict that starts with a verb of
  // disapproval (condemned, protested, summoned ...).
  bool IsDisapproval(const SignalMatch& m) const;
  // The agent of the event that the disapproval `m` is of, if the next
  // signal is that event within three lower-case words and names its agent
  // by an antecedent ("condemned the attack") or itself ("did not condemn
  // the invasion of Ukraine by Russia"); else -1. `*by_antecedent` tells
  // which.
  int ReactedAgent(const SignalMatch& m, bool* by_antecedent) const;
  // Whether a country is named within three tokens after `m` ("the attack
  // on Israel", "the invasion of Ukraine").
  bool PartyRightAfter(const SignalMatch& m) const;
  // Whether the material conflict `m` is what the verbal conflict just
  // before it reacts to: "summoned the Turkish ambassador to protest
  // against airstrikes", "condemned the attacks" (at most three lower-case
  // words between, in one clause).
  bool ReactsToPrevious(const SignalMatch& m) const;
  // Whether `m` is a feeling whose "by" names its cause, not an agent: "was
  // disappointed by Hungary's veto".
  bool IsExperienced(const SignalMatch& m) const;
  // Whether `m` is the topic of what precedes it: "over|about|regarding
  // [the] X".
  bool IsTopic(const Mention& m) const;
  // The index of the word before `m`, or before its "the"; -1 if none.
  int64_t WordBefore(const Mention& m) const;
  // The index of the "by" before `m` ("by X", "by the X"), or -1.
  int64_t ByBefore(const Mention& m) const;
  bool Coordinated(const Mention& x, const Mention& y) const;
  DyadAccum& Accum(int x, int y);
  void Aggregate(const std::vector<DyadKey>& extra_dyads,
                 ArticleResult* result);
  const std::string& Code(int actor) const;
  // Whether `actor` is an international organisation (no dyads).
  bool IsOrganization(int actor) const;
  // Whether `m` may act or be acted upon: not an organisation named as a
  // place ("at the UN", "in the EU").
  bool Acts(const Mention& m) const {
    return !m.locative || !IsOrganization(m.actor);
  }

  const CompiledModel& model_;
  ScoringWorkspace& ws_;
  const TokenizedText& text_;
  std::optional<absl::CivilDay> date_;
  absl::flat_hash_map<uint64_t, DyadAccum> dyads_;
  int main_a_ = -1, main_b_ = -1;
  // The last signal AttributeExplicit() gave a directed pair, for
  // ReactsToPrevious().
  struct LastPair {
    uint32_t end_token = 0;
    uint32_t clause = ~uint32_t{0};
    int source = -1, target = -1;
    bool reacts = false;  // IsDisapproval()
  };
  LastPair last_pair_;
  // Of the last kAntecedentSentences sentences, at most kMaxEvents (8).
  absl::InlinedVector<EventRef, 8> events_;
  // QuoteSpeaker()'s cache: the quote tokens of one sentence.
  mutable uint32_t quotes_sentence_ = ~uint32_t{0};
  mutable absl::InlinedVector<uint32_t, 8> quotes_;
};

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_ENGINE_ARTICLE_SCORER_H_
