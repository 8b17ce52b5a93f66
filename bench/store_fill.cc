// store_fill: fills a store with synthetic scored articles, fast, through
// the ArticleStore interface the server uses, so that GetTrend can be timed
// over stores of any size (bench/trend_bench.sh).
//
//   store_fill --store=sqlite:/tmp/1m.db --articles=1000000
//
// Articles are spread evenly at random over ten years (2015-2024). Every
// article names PAK-USA with probability --main_share and one or two other
// dyads drawn from --dyads pairs, each with a random tone, signal count and
// quad counts. The score blob is a small, valid ArticleScore message. The
// same --seed gives the same store.

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "dyadtone/v1/tone_service.pb.h"
#include "service/store/article_store.h"

ABSL_FLAG(std::string, store, "", "the store to fill (sqlite:PATH, ...)");
ABSL_FLAG(int64_t, articles, 10000, "how many articles to add");
ABSL_FLAG(int, dyads, 40, "how many other dyads the articles name");
ABSL_FLAG(double, main_share, 0.5, "share of articles that name PAK-USA");
ABSL_FLAG(int, batch, 5000, "articles per PutBatch transaction");
ABSL_FLAG(uint64_t, seed, 1, "random seed");

namespace {

using dyadtone::DyadKey;
using dyadtone::StoredArticle;
using dyadtone::StoredDyad;

const char* const kCodes[] = {"AFG", "CHN", "IND", "IRN", "SAU", "GBR", "RUS",
                              "TUR", "QAT", "ARE", "DEU", "FRA", "JPN", "BGD"};

std::vector<DyadKey> OtherDyads(int n) {
  std::vector<DyadKey> out;
  const int codes = sizeof(kCodes) / sizeof(kCodes[0]);
  for (int i = 0; i < codes && static_cast<int>(out.size()) < n; ++i) {
    for (int j = i + 1; j < codes && static_cast<int>(out.size()) < n; ++j) {
      out.push_back(dyadtone::MakeDyadKey(kCodes[i], kCodes[j]));
    }
  }
  return out;
}

StoredDyad RandomDyad(const DyadKey& key, std::mt19937_64& rng) {
  StoredDyad d;
  d.dyad = key;
  d.tone = std::uniform_real_distribution<double>(-1, 1)(rng);
  d.signals = std::uniform_int_distribution<int>(0, 12)(rng);
  for (int& c : d.quad_counts) {
    c = std::uniform_int_distribution<int>(0, 3)(rng);
  }
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string url = absl::GetFlag(FLAGS_store);
  if (url.empty()) {
    std::fprintf(stderr, "store_fill: --store is required\n");
    return 2;
  }
  absl::StatusOr<std::unique_ptr<dyadtone::ArticleStore>> store =
      dyadtone::OpenStore(url);
  if (!store.ok()) {
    std::fprintf(stderr, "store_fill: %s\n", store.status().ToString().c_str());
    return 1;
  }
  const DyadKey main_dyad = dyadtone::MakeDyadKey("PAK", "USA");
  const std::vector<DyadKey> others = OtherDyads(absl::GetFlag(FLAGS_dyads));
  const absl::CivilDay first(2015, 1, 1);
  const int days = static_cast<int>(absl::CivilDay(2024, 12, 31) - first) + 1;
  std::mt19937_64 rng(absl::GetFlag(FLAGS_seed));
  const int64_t total = absl::GetFlag(FLAGS_articles);
  const int batch_size = absl::GetFlag(FLAGS_batch);
  const double main_share = absl::GetFlag(FLAGS_main_share);

  const absl::Time start = absl::Now();
  std::vector<StoredArticle> batch;
  for (int64_t i = 0; i < total; ++i) {
    StoredArticle a;
    a.id = absl::StrCat("fill-", absl::GetFlag(FLAGS_seed), "-", i);
    a.date = first + std::uniform_int_distribution<int>(0, days - 1)(rng);
    a.text_fingerprint = absl::StrCat("print-", i);
    a.lexicon_version = "fill";
    a.gazetteer_version = "fill";
    if (std::bernoulli_distribution(main_share)(rng)) {
      a.dyads.push_back(RandomDyad(main_dyad, rng));
    }
    const int extra = std::uniform_int_distribution<int>(1, 2)(rng);
    for (int k = 0; k < extra && !others.empty(); ++k) {
      const DyadKey& key = others[std::uniform_int_distribution<size_t>(
          0, others.size() - 1)(rng)];
      bool seen = false;
      for (const StoredDyad& d : a.dyads) seen |= d.dyad == key;
      if (!seen) a.dyads.push_back(RandomDyad(key, rng));
    }
    dyadtone::v1::ArticleScore score;
    score.set_id(a.id);
    score.set_date(absl::FormatCivilTime(a.date));
    a.score = score.SerializeAsString();
    batch.push_back(std::move(a));
    if (static_cast<int>(batch.size()) == batch_size || i + 1 == total) {
      absl::StatusOr<std::vector<dyadtone::PutOutcome>> put =
          (*store)->PutBatch(batch);
      if (!put.ok()) {
        std::fprintf(stderr, "store_fill: %s\n", put.status().ToString().c_str());
        return 1;
      }
      batch.clear();
    }
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  absl::StatusOr<int64_t> count = (*store)->CountArticles();
  std::printf("store_fill: %lld articles added in %.1f s (%.0f/s); the store "
              "holds %lld\n",
              static_cast<long long>(total), seconds, total / seconds,
              static_cast<long long>(count.ok() ? *count : -1));
  return 0;
}
