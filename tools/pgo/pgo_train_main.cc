// dyadtone-pgo-train: the training run of the engine's profile-guided build
// (DYADTONE_PGO in service/engine/CMakeLists.txt). Linked with an
// instrumented copy of the engine, it scores texts the way the service
// does, and the counts it leaves behind tell the compiler which branches
// and loops are hot when it builds the real engine.
//
//   dyadtone-pgo-train GAZETTEER LEXICON GENERAL_LEXICON NEWS... -- GENERAL...
//
// NEWS and GENERAL are files with one text a line (its last tab-separated
// field). The news sentences are scored alone and put together into
// dated articles of a few KB and one of about 100 KB; the general texts
// (posts) are scored with the general lexicon loaded. The example
// articles and the movie-review snippets, which the engine and peer
// benchmarks measure, are deliberately not training input: the benchmarks
// then measure a profile made from other text.

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "service/engine/engine.h"
#include "service/engine/spec_reader.h"

namespace dyadtone {
namespace {

// Training rounds over everything: enough for stable counts.
constexpr int kRounds = 3;
// Sentences a short article.
constexpr size_t kArticleSentences = 16;

// The texts of `path`: each line's last tab-separated field, without CR.
bool ReadTexts(const std::string& path, std::vector<std::string>* out) {
  std::string contents;
  if (absl::Status s = ReadFileToString(path, &contents); !s.ok()) {
    std::fprintf(stderr, "dyadtone-pgo-train: %s\n",
                 std::string(s.message()).c_str());
    return false;
  }
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const size_t tab = line.rfind('\t');
    if (tab != absl::string_view::npos) line.remove_prefix(tab + 1);
    if (!line.empty()) out->emplace_back(line);
  }
  return true;
}

std::unique_ptr<const Engine> MakeEngine(const EngineOptions& options) {
  absl::StatusOr<std::unique_ptr<const Engine>> engine =
      Engine::Create(options);
  if (!engine.ok()) {
    std::fprintf(stderr, "dyadtone-pgo-train: %s\n",
                 std::string(engine.status().message()).c_str());
    return nullptr;
  }
  return *std::move(engine);
}

// Articles made of the news sentences: a date line, then paragraphs of
// two sentences, as the example articles are laid out.
std::vector<std::string> MakeArticles(const std::vector<std::string>& news) {
  std::vector<std::string> articles;
  std::string article;
  for (size_t i = 0; i < news.size(); ++i) {
    if (article.empty()) {
      article = absl::StrFormat("date 2023-%02d-%02d\n\n", 1 + i % 12,
                                1 + i % 28);
    }
    absl::StrAppend(&article, news[i], i % 2 == 1 ? "\n\n" : " ");
    if ((i + 1) % kArticleSentences == 0 || i + 1 == news.size()) {
      articles.push_back(std::move(article));
      article.clear();
    }
  }
  std::string big;
  while (big.size() < (100 << 10) && !articles.empty()) {
    for (const std::string& a : articles) big += a;
  }
  articles.push_back(std::move(big));
  return articles;
}

int Main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr,
                 "usage: dyadtone-pgo-train GAZETTEER LEXICON "
                 "GENERAL_LEXICON NEWS... -- GENERAL...\n");
    return 2;
  }
  EngineOptions options;
  options.gazetteer_path = argv[1];
  options.lexicon_path = argv[2];
  std::unique_ptr<const Engine> engine = MakeEngine(options);
  options.general_lexicon_path = argv[3];
  std::unique_ptr<const Engine> general_engine = MakeEngine(options);
  if (engine == nullptr || general_engine == nullptr) return 1;

  std::vector<std::string> news, general;
  bool in_general = false;
  for (int i = 4; i < argc; ++i) {
    if (absl::string_view(argv[i]) == "--") {
      in_general = true;
      continue;
    }
    if (!ReadTexts(argv[i], in_general ? &general : &news)) return 1;
  }
  const std::vector<std::string> articles = MakeArticles(news);

  size_t scored = 0, failed = 0, bytes = 0;
  auto score = [&](const Engine& e, absl::string_view text) {
    ArticleInput input;
    input.text = text;
    const absl::StatusOr<ArticleResult> r = e.Score(input);
    (r.ok() ? scored : failed) += 1;
    bytes += text.size();
  };
  for (int round = 0; round < kRounds; ++round) {
    for (const std::string& s : news) score(*engine, s);
    for (const std::string& a : articles) score(*engine, a);
    for (const std::string& g : general) score(*general_engine, g);
    // Bad input takes its own paths: empty, invalid UTF-8, a NUL byte.
    score(*engine, "");
    score(*engine, "Pakistan \xC3\x28 the United States");
    score(*engine, absl::string_view("Pakistan\0", 9));
  }
  std::printf(
      "dyadtone-pgo-train: %zu texts scored, %zu refused, %zu bytes, from "
      "%zu news sentences (%zu articles) and %zu general texts\n",
      scored, failed, bytes, news.size(), articles.size(), general.size());
  // Every news and general text must score, and only the bad inputs be
  // refused: a run that scored nothing would leave a profile of the error
  // paths.
  if (news.empty() || general.empty() ||
      failed != static_cast<size_t>(3 * kRounds)) {
    std::fprintf(stderr,
                 "dyadtone-pgo-train: expected news and general texts, all "
                 "scored, and %d refused inputs\n",
                 3 * kRounds);
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace dyadtone

int main(int argc, char** argv) { return dyadtone::Main(argc, argv); }
