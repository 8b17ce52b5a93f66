#include <algorithm>
#include <cmath>
#include <tuple>

#include "service/engine/article_scorer.h"

// Dyad bookkeeping: co-mentions, the main dyad and the final figures.

namespace dyadtone {
namespace {

constexpr int kMaxActorsPerSentence = 16;
constexpr size_t kMaxSilentDyads = 64;  // co-mentioned dyads without signals

uint64_t PairKey(int x, int y) {
  return (uint64_t{static_cast<uint32_t>(std::min(x, y))} << 32) |
         static_cast<uint32_t>(std::max(x, y));
}

}  // namespace

DyadKey MakeDyadKey(const std::string& x, const std::string& y) {
  return x < y ? DyadKey{x, y} : DyadKey{y, x};
}

ArticleScorer::DyadAccum& ArticleScorer::Accum(int x, int y) {
  DyadAccum& d = dyads_[PairKey(x, y)];
  if (d.a < 0) {
    const bool x_first = Code(x) < Code(y);
    d.a = x_first ? x : y;
    d.b = x_first ? y : x;
  }
  return d;
}

void ArticleScorer::SetDyad(int x, int y, const Pair& p, Attribution how,
                            bool explicit_pair, size_t evidence,
                            ArticleResult* result) {
  DyadAccum& d = Accum(x, y);
  if (explicit_pair) ++d.explicit_signals;
  d.evidence.push_back(static_cast<int>(evidence));
  Evidence* ev = &result->evidence[evidence];
  ev->attribution = how;
  ev->dyad = DyadKey{Code(d.a), Code(d.b)};
  if (p.source >= 0 && !p.mutual) {
    ev->source = Code(p.source);
    ev->target = Code(p.target);
  }
}

void ArticleScorer::CountCoMentions() {
  std::vector<int> actors;
  for (uint32_t s = 0; s < text_.sentences.size(); ++s) {
    actors.clear();
    for (uint32_t i = ws_.sentence_mentions[s];
         i < ws_.sentence_mentions[s + 1]; ++i) {
      const int a = ws_.mentions[i].actor;
      if (IsOrganization(a)) continue;  // no dyads
      if (std::find(actors.begin(), actors.end(), a) == actors.end() &&
          actors.size() < kMaxActorsPerSentence) {
        actors.push_back(a);
      }
    }
    for (size_t i = 0; i < actors.size(); ++i) {
      for (size_t j = i + 1; j < actors.size(); ++j) {
        DyadAccum& d = Accum(actors[i], actors[j]);
        ++d.co_mentions;
        if (d.first_sentence < 0) d.first_sentence = static_cast<int>(s);
      }
    }
  }
}

// The pair the article is about: most explicit signals (x3) plus sentences
// naming both; ties go to the pair named together first, then by code.
void ArticleScorer::ChooseMainDyad() {
  auto rank = [&](const DyadAccum& d) {
    return std::make_tuple(-(3 * d.explicit_signals + d.co_mentions),
                           d.first_sentence < 0 ? 1 << 30 : d.first_sentence,
                           Code(d.a), Code(d.b));
  };
  const DyadAccum* best = nullptr;
  for (const auto& [key, d] : dyads_) {
    if (3 * d.explicit_signals + d.co_mentions == 0) continue;
    if (best == nullptr || rank(d) < rank(*best)) best = &d;
  }
  if (best != nullptr) {
    main_a_ = best->a, main_b_ = best->b;
    return;
  }
  // Nobody named together: the two most mentioned actors, if two.
  absl::flat_hash_map<int, int> counts;
  for (const Mention& m : ws_.mentions) {
    if (IsStrong(m) && !IsOrganization(m.actor)) ++counts[m.actor];
  }
  std::vector<std::pair<int, int>> ranked(counts.begin(), counts.end());
  std::sort(ranked.begin(), ranked.end(), [&](const auto& x, const auto& y) {
    return x.second != y.second ? x.second > y.second
                                : Code(x.first) < Code(y.first);
  });
  if (ranked.size() >= 2) {
    const DyadAccum& d = Accum(ranked[0].first, ranked[1].first);
    main_a_ = d.a, main_b_ = d.b;
  }
}

void ArticleScorer::Aggregate(const std::vector<DyadKey>& extra_dyads,
                              ArticleResult* result) {
  const auto& actors = model_.gazetteer().actors;
  // Countries by mentions.
  absl::flat_hash_map<int, size_t> actor_row;
  for (const Mention& m : ws_.mentions) {
    if (IsOrganization(m.actor)) continue;
    auto [it, inserted] = actor_row.emplace(m.actor, result->actors.size());
    if (inserted) {
      ActorCount c;
      c.code = actors[m.actor].code;
      c.name = actors[m.actor].name;
      c.first = {text_.tokens[m.first_token].begin,
                 text_.tokens[m.end_token - 1].end};
      result->actors.push_back(std::move(c));
    }
    ++result->actors[it->second].mentions;
  }
  std::stable_sort(result->actors.begin(), result->actors.end(),
                   [](const ActorCount& x, const ActorCount& y) {
                     return x.mentions > y.mentions;
                   });

  // Dyads with signals, the main dyad, the asked-for ones, then the most
  // co-mentioned silent ones.
  std::vector<DyadScore> scored, silent;
  for (const auto& [key, d] : dyads_) {
    DyadScore ds;
    ds.dyad = DyadKey{Code(d.a), Code(d.b)};
    ds.co_mentions = d.co_mentions;
    double goldstein = 0;
    for (int e : d.evidence) {
      const Evidence& ev = result->evidence[e];
      const double c = ev.contribution;
      ds.raw_sum += c;
      (c >= 0 ? ds.positive : ds.negative) += std::abs(c);
      if (!ev.source.empty()) {
        ds.directed_sum[ev.source == ds.dyad.a ? 0 : 1] += c;
      }
      ++ds.class_counts[static_cast<int>(ev.effective_class)];
      goldstein += std::clamp(c, -10.0, 10.0);
      ++ds.signals;
      ds.evidence.push_back(e);
    }
    ds.tone = ds.raw_sum / (ds.positive + ds.negative + kEvidencePrior);
    ds.goldstein_mean = ds.signals > 0 ? goldstein / ds.signals : 0;
    const bool main = d.a == main_a_ && d.b == main_b_;
    const bool asked = std::find(extra_dyads.begin(), extra_dyads.end(),
                                 ds.dyad) != extra_dyads.end();
    (ds.signals > 0 || main || asked ? scored : silent).push_back(std::move(ds));
  }
  auto by_weight = [](const DyadScore& x, const DyadScore& y) {
    return std::make_tuple(-x.signals, -x.co_mentions, x.dyad) <
           std::make_tuple(-y.signals, -y.co_mentions, y.dyad);
  };
  std::sort(scored.begin(), scored.end(), by_weight);
  std::sort(silent.begin(), silent.end(), by_weight);
  if (silent.size() > kMaxSilentDyads) silent.resize(kMaxSilentDyads);
  for (DyadScore& d : silent) scored.push_back(std::move(d));
  for (const DyadKey& k : extra_dyads) {
    const bool present = std::any_of(
        scored.begin(), scored.end(),
        [&](const DyadScore& d) { return d.dyad == k; });
    if (!present) scored.push_back(DyadScore{k});
  }
  if (main_a_ >= 0) {
    result->main_dyad = DyadKey{Code(main_a_), Code(main_b_)};
    std::stable_partition(
        scored.begin(), scored.end(),
        [&](const DyadScore& d) { return d.dyad == *result->main_dyad; });
  }
  result->dyads = std::move(scored);
}

}  // namespace dyadtone
