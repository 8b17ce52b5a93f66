// Our scorers on the human-rated snippets that the peers are timed on
// (bench/peers/peers.sh runs both and prints the ratios): VADER's movie
// review snippets, one snippet per call, one thread.
//
//   BM_GeneralTone: the general (document) tone with VADER's lexicon, the
//                   same task as the npm packages vader-sentiment and
//                   sentiment.
//   BM_Engine:      the whole engine (countries, signals, dyads, evidence)
//                   plus the general tone: more work than the peers do.

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "benchmark/benchmark.h"
#include "service/engine/engine.h"
#include "service/engine/general_lexicon.h"

namespace dyadtone {
namespace {

const std::string kVaderDir = DYADTONE_TESTDATA_DIR "/vader";

const std::vector<std::string>& Snippets() {
  static const auto* snippets = [] {
    auto* out = new std::vector<std::string>();
    std::ifstream in(kVaderDir + "/movieReviewSnippets_GroundTruth.txt");
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      std::vector<std::string> f = absl::StrSplit(line, absl::MaxSplits('\t', 2));
      if (f.size() == 3) out->push_back(f[2]);
    }
    return out;
  }();
  return *snippets;
}

void Report(benchmark::State& state, size_t bytes) {
  state.SetItemsProcessed(int64_t(state.iterations()) * Snippets().size());
  state.SetBytesProcessed(int64_t(state.iterations()) * bytes);
  state.counters["snippets"] = double(Snippets().size());
}

size_t TotalBytes() {
  size_t n = 0;
  for (const std::string& s : Snippets()) n += s.size();
  return n;
}

void BM_GeneralTone(benchmark::State& state) {
  auto lexicon = GeneralLexicon::LoadFile(kVaderDir + "/vader_lexicon.txt");
  if (!lexicon.ok()) {
    state.SkipWithError("cannot load the VADER lexicon");
    return;
  }
  for (auto _ : state) {
    for (const std::string& s : Snippets()) {
      benchmark::DoNotOptimize((*lexicon)->Score(s));
    }
  }
  Report(state, TotalBytes());
}
BENCHMARK(BM_GeneralTone)->Unit(benchmark::kMillisecond);

void BM_Engine(benchmark::State& state) {
  EngineOptions options;
  options.general_lexicon_path = kVaderDir + "/vader_lexicon.txt";
  auto engine = Engine::Create(options);
  if (!engine.ok()) {
    state.SkipWithError("cannot create the engine");
    return;
  }
  for (auto _ : state) {
    for (const std::string& s : Snippets()) {
      auto r = (*engine)->Score({s});
      benchmark::DoNotOptimize(r);
    }
  }
  Report(state, TotalBytes());
}
BENCHMARK(BM_Engine)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace dyadtone

BENCHMARK_MAIN();
