#include "service/store/postgres_writer.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace dyadtone {
namespace {

using TopList = std::vector<std::pair<std::string, double>>;

// What one article adds to (or takes from) the rollup of one (dyad, day).
struct Figures {
  std::string a;
  std::string b;
  absl::CivilDay day;
  double tone = 0;
  std::array<int64_t, kNumQuadClasses> quads = {0, 0, 0, 0};
};

// The lock of all writing ("DyTn", 2, in the two-key space, like the
// migration's): shared by batches that lock their keys one by one, taken
// alone and exclusively by a batch with too many keys.
constexpr PgStatement kLockWritesShared = {
    "dt_lock_writes_shared",
    "SELECT pg_advisory_xact_lock_shared(1148802158, 2)"};
constexpr PgStatement kLockWritesExclusive = {
    "dt_lock_writes_exclusive", "SELECT pg_advisory_xact_lock(1148802158, 2)"};
// Takes the advisory locks $1 in the array's order (unnest yields the
// elements in order, and each row's lock is taken as the row is produced).
constexpr PgStatement kLockKeys = {
    "dt_lock_keys", "SELECT pg_advisory_xact_lock(k) FROM unnest($1) AS k"};
constexpr PgStatement kSelectReplacedKeys = {
    "dt_select_replaced_keys",
    "SELECT DISTINCT a, b, day FROM article_dyads WHERE article_id = ANY($1)"};
constexpr PgStatement kSelectFingerprint = {
    "dt_select_fingerprint",
    "SELECT text_fingerprint FROM articles WHERE id = $1"};
constexpr PgStatement kInsertArticle = {
    "dt_insert_article",
    "INSERT INTO articles (id, day, text_fingerprint, lexicon_version, "
    "gazetteer_version, score) VALUES ($1, $2, $3, $4, $5, $6)"};
constexpr PgStatement kUpdateArticle = {
    "dt_update_article",
    "UPDATE articles SET day = $2, text_fingerprint = $3, "
    "lexicon_version = $4, gazetteer_version = $5, score = $6 WHERE id = $1"};
constexpr PgStatement kDeleteFigures = {
    "dt_delete_figures",
    "DELETE FROM article_dyads WHERE article_id = $1 "
    "RETURNING a, b, day, tone, vcoop, mcoop, vconf, mconf"};
// All the figures of one new article in one statement: its article_dyads
// rows, each (dyad, day) rollup (inserted or added to), and each top list
// merged with the article (the day's top articles are the top of the old
// list and the article; lists only grow here, so ranks are upserted). The
// top list is read from the snapshot before the statement, which the other
// parts do not change. Parameters: the id, the day, then one array per
// column (a, b, tone, signals, the four quad counts and tone squared, which
// C++ computes: PostgreSQL's float8 product fails on underflow), the list
// length.
constexpr PgStatement kAddFigures = {
    "dt_add_figures",
    "WITH input AS ("
    "  SELECT i.a COLLATE \"C\" AS a, i.b COLLATE \"C\" AS b, i.tone, "
    "  i.signals, i.vcoop, i.mcoop, i.vconf, i.mconf, i.square, i.n "
    "  FROM unnest($3::text[], $4::text[], $5::float8[], $6::int8[], "
    "  $7::int8[], $8::int8[], $9::int8[], $10::int8[], $11::float8[]) "
    "  WITH ORDINALITY "
    "  AS i (a, b, tone, signals, vcoop, mcoop, vconf, mconf, square, n)), "
    "dyads AS ("
    "  INSERT INTO article_dyads (article_id, position, a, b, day, tone, "
    "  signals, vcoop, mcoop, vconf, mconf) "
    "  SELECT $1, n - 1, a, b, $2, tone, signals, vcoop, mcoop, vconf, mconf "
    "  FROM input), "
    "rollups AS ("
    "  INSERT INTO dyad_day_rollups AS r (a, b, day, articles, tone_sum, "
    "  tone_sum_squares, vcoop, mcoop, vconf, mconf) "
    "  SELECT a, b, $2, 1, tone, square, vcoop, mcoop, vconf, mconf "
    "  FROM input "
    "  ON CONFLICT (a, b, day) DO UPDATE SET articles = r.articles + 1, "
    "  tone_sum = r.tone_sum + EXCLUDED.tone_sum, "
    "  tone_sum_squares = r.tone_sum_squares + EXCLUDED.tone_sum_squares, "
    "  vcoop = r.vcoop + EXCLUDED.vcoop, mcoop = r.mcoop + EXCLUDED.mcoop, "
    "  vconf = r.vconf + EXCLUDED.vconf, mconf = r.mconf + EXCLUDED.mconf) "
    "INSERT INTO dyad_day_top AS t (a, b, day, rank, article_id, tone) "
    "SELECT a, b, $2, rank, article_id, tone FROM ("
    "  SELECT a, b, article_id, tone, (row_number() OVER ("
    "    PARTITION BY a, b ORDER BY abs(tone) DESC, article_id) - 1)::integer "
    "    AS rank "
    "  FROM (SELECT old.a, old.b, old.article_id, old.tone "
    "        FROM dyad_day_top old JOIN input i "
    "        ON old.a = i.a AND old.b = i.b AND old.day = $2 "
    "        UNION ALL "
    "        SELECT a, b, $1::text COLLATE \"C\", tone FROM input) c) ranked "
    "WHERE rank < $12 "
    "ON CONFLICT (a, b, day, rank) DO UPDATE "
    "SET article_id = EXCLUDED.article_id, tone = EXCLUDED.tone "
    "WHERE (t.article_id, t.tone) IS DISTINCT FROM "
    "(EXCLUDED.article_id, EXCLUDED.tone)"};
// $1..$3: a, b, day; $4: tone; $5..$8: the quad counts; $9: tone squared.
// Changes nothing at the day's last article: that rollup is deleted.
constexpr PgStatement kSubtractFromRollup = {
    "dt_subtract_from_rollup",
    "UPDATE dyad_day_rollups SET articles = articles - 1, "
    "tone_sum = tone_sum - $4, vcoop = vcoop - $5, mcoop = mcoop - $6, "
    "vconf = vconf - $7, mconf = mconf - $8, "
    "tone_sum_squares = tone_sum_squares - $9 "
    "WHERE a = $1 AND b = $2 AND day = $3 AND articles > 1"};
constexpr PgStatement kDeleteRollup = {  // its top rows go by ON DELETE CASCADE
    "dt_delete_rollup",
    "DELETE FROM dyad_day_rollups WHERE a = $1 AND b = $2 AND day = $3"};
constexpr PgStatement kDeleteTopEntry = {
    "dt_delete_top_entry",
    "DELETE FROM dyad_day_top "
    "WHERE a = $1 AND b = $2 AND day = $3 AND article_id = $4"};
// The same order as TopArticleBefore; bounded by the day's articles.
constexpr PgStatement kRecomputeTop = {
    "dt_recompute_top",
    "SELECT article_id, tone FROM article_dyads "
    "WHERE a = $1 AND b = $2 AND day = $3 "
    "ORDER BY abs(tone) DESC, article_id LIMIT $4"};
constexpr PgStatement kDeleteTop = {
    "dt_delete_top",
    "DELETE FROM dyad_day_top WHERE a = $1 AND b = $2 AND day = $3"};
constexpr PgStatement kInsertTop = {
    "dt_insert_top",
    "INSERT INTO dyad_day_top (a, b, day, rank, article_id, tone) "
    "SELECT $1, $2, $3, t.n - 1, t.id, t.tone "
    "FROM unnest($4::text[], $5::float8[]) WITH ORDINALITY AS t (id, tone, n)"};

// A batch with more keys than this locks all writing instead: advisory
// locks take slots of the server's shared lock table (max_locks_per_transaction
// times max_connections: 6400 by default).
constexpr size_t kMaxKeyLocks = 256;

// Lock keys: ids in [0, 2^62), rollups in [2^62, 2^63), so that sorting
// the keys puts every id lock before every rollup lock.
constexpr uint64_t kRollupKeyBit = uint64_t{1} << 62;

int64_t IdLockKey(const std::string& id) {
  return static_cast<int64_t>(StableHash({"article", id}) >> 2);
}

int64_t RollupLockKey(const std::string& a, const std::string& b,
                      absl::CivilDay day) {
  const std::string date = absl::FormatCivilTime(day);
  return static_cast<int64_t>((StableHash({"rollup", a, b, date}) >> 2) |
                              kRollupKeyBit);
}

void SortUnique(std::vector<int64_t>& keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
}

absl::Status LockKeys(PgConnection& conn, std::vector<int64_t> keys) {
  SortUnique(keys);
  if (keys.empty()) return absl::OkStatus();
  return conn.Run(kLockKeys, PgParams().Int64Array(keys)).status();
}

// The locks of the batch, in the global order (see postgres_writer.h).
absl::Status LockBatch(PgConnection& conn,
                       const std::vector<StoredArticle>& batch) {
  std::vector<std::string> ids;
  std::vector<int64_t> keys;
  std::vector<int64_t> new_rollup_keys;
  for (const StoredArticle& article : batch) {
    ids.push_back(article.id);
    keys.push_back(IdLockKey(article.id));
    for (const StoredDyad& dyad : article.dyads) {
      new_rollup_keys.push_back(
          RollupLockKey(dyad.dyad.a, dyad.dyad.b, article.date));
    }
  }
  SortUnique(keys);
  SortUnique(new_rollup_keys);
  if (keys.size() + new_rollup_keys.size() > kMaxKeyLocks) {
    return conn.Run(kLockWritesExclusive, PgParams()).status();
  }
  absl::Status s = conn.Run(kLockWritesShared, PgParams()).status();
  if (s.ok()) s = LockKeys(conn, keys);
  if (!s.ok()) return s;

  keys.clear();
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  absl::StatusOr<PgResult> replaced =
      conn.Run(kSelectReplacedKeys, PgParams().TextArray(ids));
  if (!replaced.ok()) return replaced.status();
  for (int row = 0; row < replaced->rows(); ++row) {
    keys.push_back(RollupLockKey(replaced->Bytes(row, 0),
                                 replaced->Bytes(row, 1),
                                 replaced->Date(row, 2)));
  }
  keys.insert(keys.end(), new_rollup_keys.begin(), new_rollup_keys.end());
  return LockKeys(conn, keys);
}

PgParams DyadDay(const Figures& f) {
  PgParams p;
  p.Text(f.a).Text(f.b).Date(f.day);
  return p;
}

// a, b, day, tone and the quad counts as $1..$8.
PgParams FigureParams(const Figures& f) {
  PgParams p = DyadDay(f);
  p.Float8(f.tone);
  for (int q = 0; q < kNumQuadClasses; ++q) p.Int64(f.quads[q]);
  return p;
}

absl::Status RunOn(PgConnection& conn, const PgStatement& statement,
                   const PgParams& params, int64_t* affected = nullptr) {
  absl::StatusOr<PgResult> r = conn.Run(statement, params);
  if (!r.ok()) return r.status();
  if (affected != nullptr) *affected = r->affected();
  return absl::OkStatus();
}

// Takes `f` out of its rollup unless it is the day's last article:
// $1..$8 and tone squared as $9. *updated is 0 when nothing changed.
absl::Status SubtractFromRollup(PgConnection& conn, const Figures& f,
                                int64_t* updated) {
  PgParams p = FigureParams(f);
  p.Float8(f.tone * f.tone);
  return RunOn(conn, kSubtractFromRollup, p, updated);
}

absl::StatusOr<std::optional<std::string>> ReadFingerprint(
    PgConnection& conn, const std::string& id) {
  absl::StatusOr<PgResult> r =
      conn.Run(kSelectFingerprint, PgParams().Text(id));
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<std::string>();
  return std::optional<std::string>(r->Bytes(0, 0));
}

absl::Status WriteArticleRow(PgConnection& conn, const PgStatement& statement,
                             const StoredArticle& article) {
  return RunOn(conn, statement,
               PgParams()
                   .Text(article.id)
                   .Date(article.date)
                   .Text(article.text_fingerprint)
                   .Text(article.lexicon_version)
                   .Text(article.gazetteer_version)
                   .Bytea(article.score));
}

// The day's top articles from article_dyads.
absl::StatusOr<TopList> RecomputeTop(PgConnection& conn, const Figures& f) {
  PgParams p = DyadDay(f);
  p.Int64(kTopArticles);
  absl::StatusOr<PgResult> r = conn.Run(kRecomputeTop, p);
  if (!r.ok()) return r.status();
  TopList top;
  for (int row = 0; row < r->rows(); ++row) {
    top.emplace_back(r->Bytes(row, 0), r->Float8(row, 1));
  }
  return top;
}

absl::Status WriteTopList(PgConnection& conn, const Figures& f,
                          const TopList& top) {
  absl::Status s = RunOn(conn, kDeleteTop, DyadDay(f));
  if (!s.ok() || top.empty()) return s;
  std::vector<std::string> ids;
  std::vector<double> tones;
  for (const auto& [id, tone] : top) {
    ids.push_back(id);
    tones.push_back(tone);
  }
  PgParams p = DyadDay(f);
  p.TextArray(ids).Float8Array(tones);
  return RunOn(conn, kInsertTop, p);
}

absl::Status AddFigures(PgConnection& conn, const StoredArticle& article) {
  if (article.dyads.empty()) return absl::OkStatus();
  std::vector<std::string> a, b;
  std::vector<double> tones, squares;
  std::vector<int64_t> signals;
  std::array<std::vector<int64_t>, kNumQuadClasses> quads;
  for (const StoredDyad& dyad : article.dyads) {
    a.push_back(dyad.dyad.a);
    b.push_back(dyad.dyad.b);
    tones.push_back(dyad.tone);
    squares.push_back(dyad.tone * dyad.tone);
    signals.push_back(dyad.signals);
    for (int q = 0; q < kNumQuadClasses; ++q) {
      quads[q].push_back(dyad.quad_counts[q]);
    }
  }
  PgParams p;
  p.Text(article.id).Date(article.date).TextArray(a).TextArray(b);
  p.Float8Array(tones).Int64Array(signals);
  for (int q = 0; q < kNumQuadClasses; ++q) p.Int64Array(quads[q]);
  p.Float8Array(squares).Int64(kTopArticles);
  return RunOn(conn, kAddFigures, p);
}

// Takes one article's figures out of a rollup whose article_dyads row is
// already gone: the rollup is deleted at its last article, and the top list
// is recomputed from article_dyads when the article was in it.
absl::Status SubtractFigures(PgConnection& conn, const Figures& f,
                             const std::string& id) {
  int64_t updated = 0;
  absl::Status s = SubtractFromRollup(conn, f, &updated);
  if (!s.ok()) return s;
  if (updated == 0) return RunOn(conn, kDeleteRollup, DyadDay(f));
  PgParams p = DyadDay(f);
  p.Text(id);
  int64_t listed = 0;
  s = RunOn(conn, kDeleteTopEntry, p, &listed);
  if (!s.ok() || listed == 0) return s;
  absl::StatusOr<TopList> top = RecomputeTop(conn, f);
  if (!top.ok()) return top.status();
  return WriteTopList(conn, f, *top);
}

absl::Status RemoveFigures(PgConnection& conn, const std::string& id) {
  absl::StatusOr<PgResult> old = conn.Run(kDeleteFigures, PgParams().Text(id));
  if (!old.ok()) return old.status();
  for (int row = 0; row < old->rows(); ++row) {
    Figures f{old->Bytes(row, 0), old->Bytes(row, 1), old->Date(row, 2),
              old->Float8(row, 3)};
    for (int q = 0; q < kNumQuadClasses; ++q) f.quads[q] = old->Int(row, 4 + q);
    absl::Status s = SubtractFigures(conn, f, id);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<PutOutcome> PutArticle(PgConnection& conn,
                                      const StoredArticle& article) {
  absl::StatusOr<std::optional<std::string>> print =
      ReadFingerprint(conn, article.id);
  if (!print.ok()) return print.status();
  if (print->has_value() && **print == article.text_fingerprint) {
    return PutOutcome::kUnchanged;
  }
  const bool replacing = print->has_value();
  absl::Status s =
      replacing ? RemoveFigures(conn, article.id) : absl::OkStatus();
  if (s.ok()) {
    s = WriteArticleRow(conn, replacing ? kUpdateArticle : kInsertArticle,
                        article);
  }
  if (s.ok()) s = AddFigures(conn, article);
  if (!s.ok()) return s;
  return replacing ? PutOutcome::kReplaced : PutOutcome::kStored;
}

}  // namespace

absl::StatusOr<std::vector<PutOutcome>> PutBatchInTransaction(
    PgConnection& conn, const std::vector<StoredArticle>& batch) {
  absl::Status s = LockBatch(conn, batch);
  if (!s.ok()) return s;
  std::vector<PutOutcome> outcomes;
  outcomes.reserve(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    absl::StatusOr<PutOutcome> outcome = PutArticle(conn, batch[i]);
    if (!outcome.ok()) {
      absl::Status annotated(
          outcome.status().code(),
          absl::StrCat("storing article ", i, " (id \"", batch[i].id,
                       "\"): ", outcome.status().message()));
      // Keep the SQLSTATE: the caller decides on it whether to retry.
      outcome.status().ForEachPayload(
          [&](absl::string_view url, const absl::Cord& payload) {
            annotated.SetPayload(url, payload);
          });
      return annotated;
    }
    outcomes.push_back(*outcome);
  }
  return outcomes;
}

}  // namespace dyadtone
