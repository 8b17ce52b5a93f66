#include "service/store/sqlite_writer.h"

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "service/store/sqlite_schema.h"

namespace dyadtone {
namespace {

using TopList = std::vector<std::pair<std::string, double>>;

// What one article adds to the rollup of one (dyad, day).
struct Figures {
  std::string a;
  std::string b;
  int64_t day = 0;
  double tone = 0;
  std::array<int64_t, kNumQuadClasses> quads = {0, 0, 0, 0};
};

constexpr char kSelectFingerprint[] =
    "SELECT text_fingerprint FROM articles WHERE id = ?1";
constexpr char kInsertArticle[] =
    "INSERT INTO articles (id, day, text_fingerprint, lexicon_version, "
    "gazetteer_version, score) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr char kUpdateArticle[] =
    "UPDATE articles SET day = ?2, text_fingerprint = ?3, "
    "lexicon_version = ?4, gazetteer_version = ?5, score = ?6 WHERE id = ?1";
constexpr char kSelectFigures[] =
    "SELECT a, b, day, tone, vcoop, mcoop, vconf, mconf FROM article_dyads "
    "WHERE article_id = ?1";
constexpr char kDeleteFigures[] =
    "DELETE FROM article_dyads WHERE article_id = ?1";
constexpr char kInsertDyad[] =
    "INSERT INTO article_dyads (a, b, day, tone, vcoop, mcoop, vconf, mconf, "
    "article_id, position, signals) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
constexpr char kSubtractFromRollup[] =
    "UPDATE dyad_day_rollups SET articles = articles - 1, "
    "tone_sum = tone_sum - ?4, vcoop = vcoop - ?5, mcoop = mcoop - ?6, "
    "vconf = vconf - ?7, mconf = mconf - ?8, "
    "tone_sum_squares = tone_sum_squares - ?9 "
    "WHERE a = ?1 AND b = ?2 AND day = ?3";
constexpr char kDeleteRollup[] =
    "DELETE FROM dyad_day_rollups WHERE a = ?1 AND b = ?2 AND day = ?3";
constexpr char kRecomputeTop[] =
    "SELECT article_id, tone FROM article_dyads "
    "WHERE a = ?1 AND b = ?2 AND day = ?3 "
    "ORDER BY abs(tone) DESC, article_id LIMIT ?4";
constexpr char kWriteTop[] =
    "UPDATE dyad_day_rollups SET top1_id = ?4, top1_tone = ?5, "
    "top2_id = ?6, top2_tone = ?7, top3_id = ?8, top3_tone = ?9 "
    "WHERE a = ?1 AND b = ?2 AND day = ?3";
constexpr char kSelectRollup[] =
    "SELECT articles, tone_sum, tone_sum_squares, vcoop, mcoop, vconf, mconf, "
    "top1_id, top1_tone, top2_id, top2_tone, top3_id, top3_tone "
    "FROM dyad_day_rollups WHERE a = ?1 AND b = ?2 AND day = ?3";
constexpr int kFirstTopColumn = 7;
constexpr char kInsertRollup[] =
    "INSERT INTO dyad_day_rollups (a, b, day, tone_sum, vcoop, mcoop, vconf, "
    "mconf, tone_sum_squares, articles, top1_id, top1_tone, top2_id, "
    "top2_tone, top3_id, top3_tone) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
    "?15, ?16)";
constexpr char kUpdateRollup[] =
    "UPDATE dyad_day_rollups SET tone_sum = ?4, vcoop = ?5, mcoop = ?6, "
    "vconf = ?7, mconf = ?8, tone_sum_squares = ?9, articles = ?10, "
    "top1_id = ?11, top1_tone = ?12, top2_id = ?13, top2_tone = ?14, "
    "top3_id = ?15, top3_tone = ?16 WHERE a = ?1 AND b = ?2 AND day = ?3";
static_assert(kTopArticles == 3, "the rollup rows have three top slots");

void BindDyadDay(SqliteStatement& st, const Figures& f) {
  st.BindText(1, f.a);
  st.BindText(2, f.b);
  st.BindInt(3, f.day);
}

// Binds a, b, day, tone and the quad counts as ?1..?8.
void BindFigures(SqliteStatement& st, const Figures& f) {
  BindDyadDay(st, f);
  st.BindDouble(4, f.tone);
  for (int q = 0; q < kNumQuadClasses; ++q) st.BindInt(5 + q, f.quads[q]);
}

Figures FiguresOf(const StoredArticle& article, const StoredDyad& dyad) {
  Figures f{dyad.dyad.a, dyad.dyad.b, DayNumber(article.date), dyad.tone};
  for (int q = 0; q < kNumQuadClasses; ++q) f.quads[q] = dyad.quad_counts[q];
  return f;
}

// `sql` prepared with `f`'s dyad and day bound as ?1..?3.
absl::StatusOr<SqliteStatement> PrepareOnDyadDay(SqliteDb& db, const char* sql,
                                                 const Figures& f) {
  absl::StatusOr<SqliteStatement> st = db.Prepare(sql);
  if (st.ok()) BindDyadDay(*st, f);
  return st;
}

// Runs a statement on one (dyad, day): ?1..?3 only.
absl::Status RunOnDyadDay(SqliteDb& db, const char* sql, const Figures& f) {
  absl::StatusOr<SqliteStatement> st = PrepareOnDyadDay(db, sql, f);
  if (!st.ok()) return st.status();
  return st->Run();
}

// Takes `f` out of its rollup: ?1..?8 and tone squared as ?9.
absl::Status ApplyToRollup(SqliteDb& db, const char* sql, const Figures& f) {
  absl::StatusOr<SqliteStatement> st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  BindFigures(*st, f);
  st->BindDouble(9, f.tone * f.tone);
  return st->Run();
}

absl::StatusOr<std::optional<std::string>> ReadFingerprint(
    SqliteDb& db, const std::string& id) {
  absl::StatusOr<SqliteStatement> st = db.Prepare(kSelectFingerprint);
  if (!st.ok()) return st.status();
  st->BindText(1, id);
  absl::StatusOr<bool> row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(st->ColumnBytes(0));
}

absl::Status WriteArticleRow(SqliteDb& db, const char* sql,
                             const StoredArticle& article) {
  absl::StatusOr<SqliteStatement> st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  st->BindText(1, article.id);
  st->BindInt(2, DayNumber(article.date));
  st->BindText(3, article.text_fingerprint);
  st->BindText(4, article.lexicon_version);
  st->BindText(5, article.gazetteer_version);
  st->BindBlob(6, article.score);
  return st->Run();
}

// The top list recomputed from the day's articles.
absl::StatusOr<TopList> RecomputeTopList(SqliteDb& db, const Figures& f) {
  absl::StatusOr<SqliteStatement> st = PrepareOnDyadDay(db, kRecomputeTop, f);
  if (!st.ok()) return st.status();
  st->BindInt(4, kTopArticles);
  TopList top;
  while (true) {
    absl::StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) return top;
    top.emplace_back(st->ColumnBytes(0), st->ColumnDouble(1));
  }
}

absl::Status WriteTopList(SqliteDb& db, const Figures& f, const TopList& top) {
  absl::StatusOr<SqliteStatement> st = PrepareOnDyadDay(db, kWriteTop, f);
  if (!st.ok()) return st.status();
  for (int slot = 0; slot < kTopArticles; ++slot) {
    if (slot < static_cast<int>(top.size())) {
      st->BindText(4 + 2 * slot, top[slot].first);
      st->BindDouble(5 + 2 * slot, top[slot].second);
    } else {
      st->BindNull(4 + 2 * slot);
      st->BindNull(5 + 2 * slot);
    }
  }
  return st->Run();
}

// Where `entry` goes in a day's top list, as every backend orders it.
void MergeIntoTop(TopList& top, std::pair<std::string, double> entry) {
  const auto at =
      std::lower_bound(top.begin(), top.end(), entry, TopArticleBefore);
  if (at - top.begin() >= kTopArticles) return;
  top.insert(at, std::move(entry));
  if (top.size() > static_cast<size_t>(kTopArticles)) top.pop_back();
}

// A rollup row as the batch changes it: read once, changed in memory with
// the arithmetic the per-article UPDATE did (the same doubles, added in the
// same order), written once.
struct PendingRollup {
  bool in_table = false;  // the row existed when read
  int64_t articles = 0;   // 0: no row yet
  double tone_sum = 0;
  double tone_sum_squares = 0;
  std::array<int64_t, kNumQuadClasses> quads = {0, 0, 0, 0};
  TopList top;
};

absl::StatusOr<PendingRollup> ReadRollup(SqliteDb& db, const Figures& f) {
  absl::StatusOr<SqliteStatement> st = PrepareOnDyadDay(db, kSelectRollup, f);
  if (!st.ok()) return st.status();
  absl::StatusOr<bool> row = st->Step();
  if (!row.ok()) return row.status();
  PendingRollup r;
  if (!*row) return r;
  r.in_table = true;
  r.articles = st->ColumnInt(0);
  r.tone_sum = st->ColumnDouble(1);
  r.tone_sum_squares = st->ColumnDouble(2);
  for (int q = 0; q < kNumQuadClasses; ++q) r.quads[q] = st->ColumnInt(3 + q);
  for (int slot = 0; slot < kTopArticles; ++slot) {
    const int column = kFirstTopColumn + 2 * slot;
    if (st->ColumnIsNull(column)) break;
    r.top.emplace_back(st->ColumnBytes(column), st->ColumnDouble(column + 1));
  }
  return r;
}

void AddToRollup(const Figures& f, const std::string& id, PendingRollup& r) {
  const double square = f.tone * f.tone;
  if (r.articles == 0) {  // as the INSERT of a new row stored them
    r.tone_sum = f.tone;
    r.tone_sum_squares = square;
    r.quads = f.quads;
  } else {
    r.tone_sum = r.tone_sum + f.tone;
    r.tone_sum_squares = r.tone_sum_squares + square;
    for (int q = 0; q < kNumQuadClasses; ++q) r.quads[q] += f.quads[q];
  }
  ++r.articles;
  MergeIntoTop(r.top, {id, f.tone});
}

absl::Status WriteRollup(SqliteDb& db, const Figures& key,
                         const PendingRollup& r) {
  absl::StatusOr<SqliteStatement> st =
      db.Prepare(r.in_table ? kUpdateRollup : kInsertRollup);
  if (!st.ok()) return st.status();
  Figures f = key;
  f.tone = r.tone_sum;
  f.quads = r.quads;
  BindFigures(*st, f);
  st->BindDouble(9, r.tone_sum_squares);
  st->BindInt(10, r.articles);
  for (int slot = 0; slot < kTopArticles; ++slot) {
    if (slot < static_cast<int>(r.top.size())) {
      st->BindText(11 + 2 * slot, r.top[slot].first);
      st->BindDouble(12 + 2 * slot, r.top[slot].second);
    } else {
      st->BindNull(11 + 2 * slot);
      st->BindNull(12 + 2 * slot);
    }
  }
  return st->Run();
}

absl::Status InsertDyadRow(SqliteDb& db, const StoredArticle& article,
                           size_t position, const Figures& f) {
  absl::StatusOr<SqliteStatement> st = db.Prepare(kInsertDyad);
  if (!st.ok()) return st.status();
  BindFigures(*st, f);
  st->BindText(9, article.id);
  st->BindInt(10, static_cast<int64_t>(position));
  st->BindInt(11, article.dyads[position].signals);
  return st->Run();
}

// Takes one article's figures out of a rollup whose article_dyads row is
// already gone: the row is deleted at its last article, and the top list
// is recomputed from article_dyads when the article was in it.
absl::Status SubtractFigures(SqliteDb& db, const Figures& f,
                             const std::string& id) {
  absl::StatusOr<PendingRollup> row = ReadRollup(db, f);
  if (!row.ok()) return row.status();
  if (row->articles <= 1) return RunOnDyadDay(db, kDeleteRollup, f);

  absl::Status s = ApplyToRollup(db, kSubtractFromRollup, f);
  if (!s.ok()) return s;
  const bool listed = std::any_of(row->top.begin(), row->top.end(),
                                  [&](const auto& e) { return e.first == id; });
  if (!listed) return absl::OkStatus();
  absl::StatusOr<TopList> top = RecomputeTopList(db, f);
  if (!top.ok()) return top.status();
  return WriteTopList(db, f, *top);
}

absl::StatusOr<std::vector<Figures>> ReadFigures(SqliteDb& db,
                                                 const std::string& id) {
  absl::StatusOr<SqliteStatement> st = db.Prepare(kSelectFigures);
  if (!st.ok()) return st.status();
  st->BindText(1, id);
  std::vector<Figures> figures;
  while (true) {
    absl::StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) return figures;
    Figures f{st->ColumnBytes(0), st->ColumnBytes(1), st->ColumnInt(2),
              st->ColumnDouble(3)};
    for (int q = 0; q < kNumQuadClasses; ++q) f.quads[q] = st->ColumnInt(4 + q);
    figures.push_back(std::move(f));
  }
}

absl::Status RemoveFigures(SqliteDb& db, const std::string& id) {
  absl::StatusOr<std::vector<Figures>> old = ReadFigures(db, id);
  if (!old.ok()) return old.status();
  absl::StatusOr<SqliteStatement> st = db.Prepare(kDeleteFigures);
  if (!st.ok()) return st.status();
  st->BindText(1, id);
  absl::Status s = st->Run();
  for (size_t i = 0; s.ok() && i < old->size(); ++i) {
    s = SubtractFigures(db, (*old)[i], id);
  }
  return s;
}

}  // namespace

// The batch's rollup rows by (a, b, day).
struct SqliteBatchWriter::PendingRollups {
  std::map<std::tuple<std::string, std::string, int64_t>, PendingRollup> rows;
};

SqliteBatchWriter::SqliteBatchWriter(SqliteDb* db)
    : db_(*db), pending_(std::make_unique<PendingRollups>()) {}

SqliteBatchWriter::~SqliteBatchWriter() = default;

absl::StatusOr<PutOutcome> SqliteBatchWriter::Put(
    const StoredArticle& article) {
  absl::StatusOr<std::optional<std::string>> print =
      ReadFingerprint(db_, article.id);
  if (!print.ok()) return print.status();
  if (print->has_value() && **print == article.text_fingerprint) {
    return PutOutcome::kUnchanged;
  }
  const bool replacing = print->has_value();
  absl::Status s;
  if (replacing) {
    // Taking figures out works on the table's rows (and may recompute a
    // top list from article_dyads): write what is pending first. Rare.
    s = Finish();
    if (s.ok()) s = RemoveFigures(db_, article.id);
  }
  if (s.ok()) {
    s = WriteArticleRow(db_, replacing ? kUpdateArticle : kInsertArticle,
                        article);
  }
  for (size_t i = 0; s.ok() && i < article.dyads.size(); ++i) {
    s = AddFigures(article, i);
  }
  if (!s.ok()) return s;
  return replacing ? PutOutcome::kReplaced : PutOutcome::kStored;
}

absl::Status SqliteBatchWriter::AddFigures(const StoredArticle& article,
                                           size_t position) {
  const Figures f = FiguresOf(article, article.dyads[position]);
  absl::Status s = InsertDyadRow(db_, article, position, f);
  if (!s.ok()) return s;
  auto [it, added] = pending_->rows.try_emplace({f.a, f.b, f.day});
  if (added) {
    absl::StatusOr<PendingRollup> row = ReadRollup(db_, f);
    if (!row.ok()) return row.status();
    it->second = *std::move(row);
  }
  AddToRollup(f, article.id, it->second);
  return absl::OkStatus();
}

absl::Status SqliteBatchWriter::Finish() {
  for (const auto& [key, row] : pending_->rows) {
    Figures f;
    std::tie(f.a, f.b, f.day) = key;
    absl::Status s = WriteRollup(db_, f, row);
    if (!s.ok()) return s;
  }
  pending_->rows.clear();
  return absl::OkStatus();
}

}  // namespace dyadtone
