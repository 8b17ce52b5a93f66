// Engine throughput on news text with the full shipped gazetteer and
// lexicon, one thread, against a floor measured in the same binary: a bare
// pass over the same bytes that only splits tokens. Report engine time /
// floor time.
//
//   build/bench/engine_benchmark --benchmark_filter=BM_Score
//
// The corpus is the example articles, repeated up to the requested size;
// BM_ScoreArticles scores them one after another instead, with warm caches
// and with caches flushed before each article (a server's case).

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "service/engine/engine.h"
#include "service/engine/tokenizer.h"

namespace dyadtone {
namespace {

// The example articles, in the order of their file names.
const std::vector<std::string>& Examples() {
  static const auto* articles = [] {
    auto* v = new std::vector<std::string>();
    std::vector<std::filesystem::path> files;
    for (const auto& e :
         std::filesystem::directory_iterator(DYADTONE_EXAMPLES_DIR)) {
      files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f);
      std::stringstream buf;
      buf << in.rdbuf();
      v->push_back(buf.str());
    }
    return v;
  }();
  return *articles;
}

// The examples one after another, a blank line between them.
const std::string& Corpus() {
  static const std::string* corpus = [] {
    auto* s = new std::string();
    for (const std::string& article : Examples()) {
      *s += article;
      *s += "\n\n";
    }
    return s;
  }();
  return *corpus;
}

// The corpus repeated (and cut at a paragraph end) to about `bytes`.
std::string Text(size_t bytes) {
  std::string text;
  while (text.size() < bytes) text += Corpus();
  const size_t cut = text.rfind("\n\n", bytes);
  text.resize(cut == std::string::npos || cut < bytes / 2 ? bytes : cut);
  return text;
}

const Engine& TheEngine() {
  static const Engine* engine = [] {
    auto e = Engine::Create(EngineOptions());
    if (!e.ok()) {
      std::fprintf(stderr, "engine: %s\n",
                   std::string(e.status().message()).c_str());
      std::abort();
    }
    return e->release();
  }();
  return *engine;
}

void BM_Score(benchmark::State& state) {
  const std::string text = Text(state.range(0));
  const Engine& engine = TheEngine();
  size_t signals = 0;
  for (auto _ : state) {
    auto r = engine.Score({text});
    signals = r->evidence.size();
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * text.size());
  state.counters["articles/s"] = benchmark::Counter(
      double(text.size()) / 2500 * state.iterations(),
      benchmark::Counter::kIsRate);
  state.counters["signals"] = double(signals);
}
BENCHMARK(BM_Score)->Arg(1 << 10)->Arg(3 << 10)->Arg(64 << 10)
    ->Arg(1 << 20)->Arg(10 << 20)->Unit(benchmark::kMicrosecond);

// The example articles one after another, as a server scores a stream of
// distinct articles. With Arg(1) the caches are flushed before each article
// (8 MiB written, untimed), as when the work between two articles -- gRPC,
// the store, other calls -- has evicted the engine's tables: the engine's
// cost in a server, not after thousands of calls on the same text.
void BM_ScoreArticles(benchmark::State& state) {
  const std::vector<std::string>& articles = Examples();
  const bool flush = state.range(0) != 0;
  std::vector<char> scratch(flush ? 8 << 20 : 0);
  const Engine& engine = TheEngine();
  size_t next = 0, bytes = 0;
  for (auto _ : state) {
    if (flush) {
      state.PauseTiming();
      for (size_t i = 0; i < scratch.size(); i += 64) ++scratch[i];
      benchmark::DoNotOptimize(scratch.data());
      state.ResumeTiming();
    }
    const std::string& text = articles[next++ % articles.size()];
    auto r = engine.Score({text});
    benchmark::DoNotOptimize(r);
    bytes += text.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["articles/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ScoreArticles)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// The floor: split the same bytes into word and punctuation tokens, nothing
// else.
void BM_TokenizeFloor(benchmark::State& state) {
  const std::string text = Text(state.range(0));
  for (auto _ : state) {
    size_t tokens = 0;
    bool in_word = false;
    for (unsigned char c : text) {
      const bool word = (c | 0x20) - 'a' < 26u || c - '0' < 10u || c >= 0x80;
      if (word) {
        tokens += !in_word;
      } else if (c > ' ') {
        ++tokens;
      }
      in_word = word;
    }
    benchmark::DoNotOptimize(tokens);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * text.size());
}
BENCHMARK(BM_TokenizeFloor)->Arg(1 << 10)->Arg(3 << 10)->Arg(64 << 10)
    ->Arg(1 << 20)->Arg(10 << 20)->Unit(benchmark::kMicrosecond);

// Our tokenizer alone (folding, offsets, sentences): where the time goes.
void BM_Tokenize(benchmark::State& state) {
  const std::string text = Text(state.range(0));
  TokenizedText t;
  for (auto _ : state) {
    Tokenize(text, &t);
    benchmark::DoNotOptimize(t.tokens.data());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * text.size());
}
BENCHMARK(BM_Tokenize)->Arg(64 << 10)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace dyadtone

BENCHMARK_MAIN();
