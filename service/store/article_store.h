// The store of scored articles: the one interface every backend implements
// (SQLite and PostgreSQL), and the one test suite they all pass.
//
// The store knows nothing of gRPC or protobuf: a score is kept as an opaque
// blob (the server stores the serialized ArticleScore message) beside the
// per-dyad figures the trends are computed from. Implementations are
// thread-safe.

#ifndef DYADTONE_SERVICE_STORE_ARTICLE_STORE_H_
#define DYADTONE_SERVICE_STORE_ARTICLE_STORE_H_

#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "service/engine/result.h"

namespace dyadtone {

// One dyad's figures in one stored article.
struct StoredDyad {
  DyadKey dyad;
  double tone = 0;
  int signals = 0;
  std::array<int, kNumQuadClasses> quad_counts = {0, 0, 0, 0};
};

struct StoredArticle {
  std::string id;                // caller's id, unique
  absl::CivilDay date;           // publication date
  std::string text_fingerprint;  // of the text: same id + same print = same
  std::string lexicon_version;   // what produced the score
  std::string gazetteer_version;
  std::string score;             // opaque blob (serialized ArticleScore)
  std::vector<StoredDyad> dyads;
};

enum class PutOutcome {
  kStored,     // new id
  kUnchanged,  // same id and text fingerprint: nothing written
  kReplaced,   // same id, new text: old figures removed, new ones stored
};

inline constexpr int kTopArticles = 3;
using TopArticles =
    absl::InlinedVector<std::pair<std::string, double>, kTopArticles>;

// The figures of one dyad on one day, summed over its articles.
struct DayRollup {
  absl::CivilDay day;
  int articles = 0;
  double tone_sum = 0;
  double tone_sum_squares = 0;
  std::array<int, kNumQuadClasses> quad_counts = {0, 0, 0, 0};
  // The day's articles with the largest |tone|, at most kTopArticles,
  // largest first, as (id, tone); ties in the order of TopArticleBefore.
  // Inline: a ten-year daily trend reads thousands of these per call.
  TopArticles top;
};

// The order of DayRollup::top: larger |tone| first, then smaller id, so
// every backend picks the same articles.
inline bool TopArticleBefore(const std::pair<std::string, double>& x,
                             const std::pair<std::string, double>& y) {
  const double ax = std::fabs(x.second);
  const double ay = std::fabs(y.second);
  return ax != ay ? ax > ay : x.first < y.first;
}

struct DyadSummaryRow {
  DyadKey dyad;
  int64_t articles = 0;
  absl::CivilDay first_day;
  absl::CivilDay last_day;
  double tone_sum = 0;
};

class ArticleStore {
 public:
  virtual ~ArticleStore() = default;

  // Stores a batch in one transaction and returns each article's outcome,
  // in order. When it returns OK, every article is durably committed; on
  // error nothing of the batch is visible. Unavailable when the store is
  // down.
  virtual absl::StatusOr<std::vector<PutOutcome>> PutBatch(
      const std::vector<StoredArticle>& batch) = 0;

  // The daily rollups of `dyad` for days in [from, to], oldest first; days
  // without articles are absent. Its cost grows with the number of days,
  // not of articles.
  virtual absl::StatusOr<std::vector<DayRollup>> DailyRollups(
      const DyadKey& dyad, absl::CivilDay from, absl::CivilDay to) = 0;

  // Dyads with at least `min_articles` articles, most articles first (ties
  // by dyad).
  virtual absl::StatusOr<std::vector<DyadSummaryRow>> ListDyads(
      int64_t min_articles) = 0;

  // NotFound when no article has this id.
  virtual absl::StatusOr<StoredArticle> GetArticle(absl::string_view id) = 0;

  virtual absl::StatusOr<int64_t> CountArticles() = 0;

  // "sqlite" or "postgresql".
  virtual std::string backend() const = 0;
};

// Opens the store named by `url`: "sqlite:PATH" (created if missing, schema
// migrated to the current version) or a PostgreSQL connection URI,
// "postgresql://..." or "postgres://..." (postgres_store.h). InvalidArgument
// for an unknown scheme, Unavailable when it cannot be opened. No message
// shows a password of the URL.
absl::StatusOr<std::unique_ptr<ArticleStore>> OpenStore(absl::string_view url);

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_STORE_ARTICLE_STORE_H_
