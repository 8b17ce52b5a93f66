// Internal to the engine: the analysis of one tokenized article, from
// mentions and signals to attributed, aggregated dyad scores.

#ifndef DYADTONE_SERVICE_ENGINE_ARTICLE_SCORER_H_
#define DYADTONE_SERVICE_ENGINE_ARTICLE_SCORER_H_

#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/civil_time.h"
#include "service/engine/compiled_model.h"
#include "service/engine/result.h"
#include "service/engine/tokenizer.h"

namespace dyadtone {

// Scratch space reused across articles by one thread, so that scoring does
// not reallocate its buffers for every article.
struct ScoringWorkspace {
  TokenizedText text;
  std::vector<Mention> mentions;
  std::vector<ModifierMatch> modifiers;
  std::vector<SignalMatch> signals;
  std::vector<int32_t> modifier_at;   // token -> modifier starting there
  std::vector<int32_t> mention_at;    // token -> mention covering it
  std::vector<uint32_t> clause;       // token -> clause number
  std::vector<uint32_t> sentence_mentions;  // sentence -> first mention
};

class ArticleScorer {
 public:
  // REQUIRES: ws->text is tokenized with words assigned.
  ArticleScorer(const CompiledModel& model, ScoringWorkspace* ws,
                const std::optional<absl::CivilDay>& date);

  // Fills result->actors, dyads, main_dyad and evidence. `extra_dyads` are
  // reported even without signals.
  void Run(const std::vector<DyadKey>& extra_dyads, ArticleResult* result);

 private:
  struct Pair {
    int source = -1;  // actor indices; -1 when unknown
    int target = -1;
  };
  struct DyadAccum {
    int a = -1, b = -1;  // actor indices, code(a) < code(b)
    int explicit_signals = 0;
    int co_mentions = 0;
    int first_sentence = -1;
    std::vector<int> evidence;
  };

  void LearnPersonNames();
  void IndexTokens();
  void MarkClauses();
  void ApplyModifiers(const SignalMatch& m, Evidence* ev) const;
  bool InWindow(uint32_t from, uint32_t to, uint32_t clause,
                ModifierKind kind, int* found) const;
  void AttributeExplicit(const SignalMatch& m, Evidence* ev, bool* pending);
  void AttributeImplicit(const SignalMatch& m, Evidence* ev);
  Pair PickPair(uint32_t first_mention, uint32_t end_mention,
                const SignalMatch& m, int anchor) const;
  void CountCoMentions();
  void ChooseMainDyad();
  void SetDyad(int x, int y, const Pair& p, Attribution how, Evidence* ev,
               bool explicit_pair, int evidence_index);
  bool SentenceHas(uint32_t sentence, ModifierKind kind) const;
  bool IsStrong(const Mention& m) const;
  DyadAccum& Accum(int x, int y);
  void Aggregate(const std::vector<DyadKey>& extra_dyads,
                 ArticleResult* result);
  const std::string& Code(int actor) const;

  const CompiledModel& model_;
  ScoringWorkspace& ws_;
  const TokenizedText& text_;
  std::optional<absl::CivilDay> date_;
  int evidence_count_ = 0;
  absl::flat_hash_map<uint64_t, DyadAccum> dyads_;
  int main_a_ = -1, main_b_ = -1;
};

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_ENGINE_ARTICLE_SCORER_H_
