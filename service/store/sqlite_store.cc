#include "service/store/sqlite_store.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "service/store/sqlite_db.h"
#include "service/store/sqlite_schema.h"
#include "service/store/sqlite_writer.h"
#include "service/store/validation.h"

namespace dyadtone {
namespace {

constexpr char kSelectRollups[] =
    "SELECT day, articles, tone_sum, tone_sum_squares, "
    "vcoop, mcoop, vconf, mconf, "
    "top1_id, top1_tone, top2_id, top2_tone, top3_id, top3_tone "
    "FROM dyad_day_rollups "
    "WHERE a = ?1 AND b = ?2 AND day BETWEEN ?3 AND ?4 ORDER BY day";
constexpr int kFirstTopColumn = 8;
constexpr int64_t kDaysReservedForRollups = 3653;  // ten years
static_assert(kTopArticles == 3, "the rollup rows have three top slots");
constexpr char kListDyads[] =
    "SELECT a, b, sum(articles) AS n, min(day), max(day), sum(tone_sum) "
    "FROM dyad_day_rollups GROUP BY a, b HAVING n >= ?1 "
    "ORDER BY n DESC, a, b";
constexpr char kSelectArticle[] =
    "SELECT day, text_fingerprint, lexicon_version, gazetteer_version, score "
    "FROM articles WHERE id = ?1";
constexpr char kSelectArticleDyads[] =
    "SELECT a, b, tone, signals, vcoop, mcoop, vconf, mconf "
    "FROM article_dyads WHERE article_id = ?1 ORDER BY position";
constexpr char kCountArticles[] = "SELECT articles FROM store_counts";

// Runs `sql` with `bind` applied and calls `row` for each result row.
template <typename Bind, typename Row>
absl::Status ForEachRow(SqliteDb& db, const char* sql, Bind bind, Row row) {
  absl::StatusOr<SqliteStatement> st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  bind(*st);
  while (true) {
    absl::StatusOr<bool> more = st->Step();
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
    row(*st);
  }
}

// Switching a file to WAL needs it to itself for a moment, and SQLite
// answers "database is locked" at once, without its busy handler, while
// another connection (a store opened at the same moment) reads it: retry
// for up to `busy_timeout_ms`.
absl::Status EnableWal(SqliteDb& db, int busy_timeout_ms) {
  const absl::Time give_up = absl::Now() + absl::Milliseconds(busy_timeout_ms);
  std::string mode;
  absl::Status s;
  while (true) {
    s = ForEachRow(
        db, "PRAGMA journal_mode = WAL", [](SqliteStatement&) {},
        [&](SqliteStatement& st) { mode = st.ColumnBytes(0); });
    if (s.ok() || !absl::IsUnavailable(s) || absl::Now() >= give_up) break;
    absl::SleepFor(absl::Milliseconds(5));
  }
  if (!s.ok()) return s;
  if (mode == "wal" || db.path() == ":memory:") return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat(
      "sqlite ", db.path(), ": cannot use WAL (journal mode is ", mode, ")"));
}

class SqliteArticleStore final : public ArticleStore {
 public:
  explicit SqliteArticleStore(std::unique_ptr<SqliteDb> db)
      : db_(std::move(db)) {}

  absl::StatusOr<std::vector<PutOutcome>> PutBatch(
      const std::vector<StoredArticle>& batch) override;
  absl::StatusOr<std::vector<DayRollup>> DailyRollups(
      const DyadKey& dyad, absl::CivilDay from, absl::CivilDay to) override;
  absl::StatusOr<std::vector<DyadSummaryRow>> ListDyads(
      int64_t min_articles) override;
  absl::StatusOr<StoredArticle> GetArticle(absl::string_view id) override;
  absl::StatusOr<int64_t> CountArticles() override;
  std::string backend() const override { return "sqlite"; }

 private:
  absl::Mutex mu_;
  const std::unique_ptr<SqliteDb> db_ ABSL_PT_GUARDED_BY(mu_);
};

absl::StatusOr<std::vector<PutOutcome>> SqliteArticleStore::PutBatch(
    const std::vector<StoredArticle>& batch) {
  absl::Status s = ValidateBatch(batch);
  if (!s.ok()) return s;
  if (batch.empty()) return std::vector<PutOutcome>();
  absl::MutexLock lock(&mu_);
  absl::StatusOr<SqliteTransaction> tx = SqliteTransaction::BeginWrite(*db_);
  if (!tx.ok()) return tx.status();
  std::vector<PutOutcome> outcomes;
  outcomes.reserve(batch.size());
  SqliteBatchWriter writer(db_.get());
  for (size_t i = 0; i < batch.size(); ++i) {
    absl::StatusOr<PutOutcome> outcome = writer.Put(batch[i]);
    if (!outcome.ok()) {
      return absl::Status(
          outcome.status().code(),
          absl::StrCat("storing article ", i, " (id \"", batch[i].id,
                       "\"): ", outcome.status().message()));
    }
    outcomes.push_back(*outcome);
  }
  s = writer.Finish();
  if (!s.ok()) return s;
  s = tx->Commit();
  if (!s.ok()) return s;
  return outcomes;
}

absl::StatusOr<std::vector<DayRollup>> SqliteArticleStore::DailyRollups(
    const DyadKey& dyad, absl::CivilDay from, absl::CivilDay to) {
  absl::Status s = ValidateDyadKey(dyad);
  if (!s.ok()) return s;
  const auto bind = [&](SqliteStatement& st) {
    st.BindText(1, dyad.a);
    st.BindText(2, dyad.b);
    st.BindInt(3, DayNumber(from));
    st.BindInt(4, DayNumber(to));
  };
  std::vector<DayRollup> days;
  // At most a row a day; reserved up to ten years' worth, so a long range
  // over a sparse dyad does not allocate for days it does not have.
  days.reserve(static_cast<size_t>(
      std::clamp<int64_t>(to - from + 1, 0, kDaysReservedForRollups)));
  absl::MutexLock lock(&mu_);
  absl::StatusOr<SqliteTransaction> tx = SqliteTransaction::BeginRead(*db_);
  if (!tx.ok()) return tx.status();
  s = ForEachRow(*db_, kSelectRollups, bind, [&](SqliteStatement& st) {
    DayRollup day;
    day.day = DayFromNumber(st.ColumnInt(0));
    day.articles = static_cast<int>(st.ColumnInt(1));
    day.tone_sum = st.ColumnDouble(2);
    day.tone_sum_squares = st.ColumnDouble(3);
    for (int q = 0; q < kNumQuadClasses; ++q) {
      day.quad_counts[q] = static_cast<int>(st.ColumnInt(4 + q));
    }
    for (int slot = 0; slot < kTopArticles; ++slot) {
      const int column = kFirstTopColumn + 2 * slot;
      if (st.ColumnIsNull(column)) break;
      day.top.emplace_back(st.ColumnBytes(column), st.ColumnDouble(column + 1));
    }
    days.push_back(std::move(day));
  });
  if (!s.ok()) return s;
  s = tx->Commit();
  if (!s.ok()) return s;
  return days;
}

absl::StatusOr<std::vector<DyadSummaryRow>> SqliteArticleStore::ListDyads(
    int64_t min_articles) {
  std::vector<DyadSummaryRow> rows;
  absl::MutexLock lock(&mu_);
  absl::Status s = ForEachRow(
      *db_, kListDyads,
      [&](SqliteStatement& st) { st.BindInt(1, min_articles); },
      [&](SqliteStatement& st) {
        DyadSummaryRow row;
        row.dyad = DyadKey{st.ColumnBytes(0), st.ColumnBytes(1)};
        row.articles = st.ColumnInt(2);
        row.first_day = DayFromNumber(st.ColumnInt(3));
        row.last_day = DayFromNumber(st.ColumnInt(4));
        row.tone_sum = st.ColumnDouble(5);
        rows.push_back(std::move(row));
      });
  if (!s.ok()) return s;
  return rows;
}

absl::StatusOr<StoredArticle> SqliteArticleStore::GetArticle(
    absl::string_view id) {
  StoredArticle article;
  bool found = false;
  const auto bind = [&](SqliteStatement& st) { st.BindText(1, id); };
  absl::MutexLock lock(&mu_);
  absl::StatusOr<SqliteTransaction> tx = SqliteTransaction::BeginRead(*db_);
  if (!tx.ok()) return tx.status();
  absl::Status s =
      ForEachRow(*db_, kSelectArticle, bind, [&](SqliteStatement& st) {
        found = true;
        article.id = std::string(id);
        article.date = DayFromNumber(st.ColumnInt(0));
        article.text_fingerprint = st.ColumnBytes(1);
        article.lexicon_version = st.ColumnBytes(2);
        article.gazetteer_version = st.ColumnBytes(3);
        article.score = st.ColumnBytes(4);
      });
  if (!s.ok()) return s;
  if (!found) {
    return absl::NotFoundError(absl::StrCat("no article with id \"", id, "\""));
  }
  s = ForEachRow(*db_, kSelectArticleDyads, bind, [&](SqliteStatement& st) {
    StoredDyad dyad;
    dyad.dyad = DyadKey{st.ColumnBytes(0), st.ColumnBytes(1)};
    dyad.tone = st.ColumnDouble(2);
    dyad.signals = static_cast<int>(st.ColumnInt(3));
    for (int q = 0; q < kNumQuadClasses; ++q) {
      dyad.quad_counts[q] = static_cast<int>(st.ColumnInt(4 + q));
    }
    article.dyads.push_back(std::move(dyad));
  });
  if (!s.ok()) return s;
  s = tx->Commit();
  if (!s.ok()) return s;
  return article;
}

absl::StatusOr<int64_t> SqliteArticleStore::CountArticles() {
  int64_t count = 0;
  absl::MutexLock lock(&mu_);
  absl::Status s = ForEachRow(
      *db_, kCountArticles, [](SqliteStatement&) {},
      [&](SqliteStatement& st) { count = st.ColumnInt(0); });
  if (!s.ok()) return s;
  return count;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ArticleStore>> OpenSqliteStore(
    const std::string& path, const SqliteStoreOptions& options) {
  if (path.empty()) {
    return absl::InvalidArgumentError("sqlite store: empty file path");
  }
  absl::StatusOr<std::unique_ptr<SqliteDb>> db =
      SqliteDb::Open(path, options.busy_timeout_ms);
  if (!db.ok()) return db.status();
  // Connection settings first; WAL, which changes the file, only once the
  // schema check has accepted it.
  absl::Status s = (*db)->Exec(
      "PRAGMA foreign_keys = ON; "
      "PRAGMA synchronous = FULL;");
  if (s.ok()) s = MigrateSqliteSchema(**db, ArticleStoreSchema());
  if (s.ok()) s = EnableWal(**db, options.busy_timeout_ms);
  if (!s.ok()) return s;
  return std::unique_ptr<ArticleStore>(
      std::make_unique<SqliteArticleStore>(std::move(*db)));
}

}  // namespace dyadtone
