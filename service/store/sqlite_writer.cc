#include "service/store/sqlite_writer.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
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
constexpr char kAddToRollup[] =
    "INSERT INTO dyad_day_rollups (a, b, day, tone_sum, vcoop, mcoop, vconf, "
    "mconf, tone_sum_squares, articles) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1) "
    "ON CONFLICT (a, b, day) DO UPDATE SET articles = articles + 1, "
    "tone_sum = tone_sum + ?4, vcoop = vcoop + ?5, mcoop = mcoop + ?6, "
    "vconf = vconf + ?7, mconf = mconf + ?8, "
    "tone_sum_squares = tone_sum_squares + ?9";
constexpr char kSubtractFromRollup[] =
    "UPDATE dyad_day_rollups SET articles = articles - 1, "
    "tone_sum = tone_sum - ?4, vcoop = vcoop - ?5, mcoop = mcoop - ?6, "
    "vconf = vconf - ?7, mconf = mconf - ?8, "
    "tone_sum_squares = tone_sum_squares - ?9 "
    "WHERE a = ?1 AND b = ?2 AND day = ?3";
constexpr char kSelectRollupArticles[] =
    "SELECT articles FROM dyad_day_rollups WHERE a = ?1 AND b = ?2 AND day = "
    "?3";
constexpr char kDeleteRollup[] =
    "DELETE FROM dyad_day_rollups WHERE a = ?1 AND b = ?2 AND day = ?3";
constexpr char kSelectTop[] =
    "SELECT top1_id, top1_tone, top2_id, top2_tone, top3_id, top3_tone "
    "FROM dyad_day_rollups WHERE a = ?1 AND b = ?2 AND day = ?3";
constexpr char kRecomputeTop[] =
    "SELECT article_id, tone FROM article_dyads "
    "WHERE a = ?1 AND b = ?2 AND day = ?3 "
    "ORDER BY abs(tone) DESC, article_id LIMIT ?4";
constexpr char kWriteTop[] =
    "UPDATE dyad_day_rollups SET top1_id = ?4, top1_tone = ?5, "
    "top2_id = ?6, top2_tone = ?7, top3_id = ?8, top3_tone = ?9 "
    "WHERE a = ?1 AND b = ?2 AND day = ?3";
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

// Runs a statement on one (dyad, day): ?1..?3 only.
absl::Status RunOnDyadDay(SqliteDb& db, const char* sql, const Figures& f) {
  absl::StatusOr<SqliteStatement> st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  BindDyadDay(*st, f);
  return st->Run();
}

// Adds `f` to its rollup or takes it out: ?1..?8 and tone squared as ?9.
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

// The top list kept in the rollup row of `f`'s dyad and day.
absl::StatusOr<TopList> ReadTopList(SqliteDb& db, const Figures& f) {
  absl::StatusOr<SqliteStatement> st = db.Prepare(kSelectTop);
  if (!st.ok()) return st.status();
  BindDyadDay(*st, f);
  absl::StatusOr<bool> row = st->Step();
  if (!row.ok()) return row.status();
  TopList top;
  for (int slot = 0; *row && slot < kTopArticles; ++slot) {
    if (st->ColumnIsNull(2 * slot)) break;
    top.emplace_back(st->ColumnBytes(2 * slot), st->ColumnDouble(2 * slot + 1));
  }
  return top;
}

// The top list recomputed from the day's articles.
absl::StatusOr<TopList> RecomputeTopList(SqliteDb& db, const Figures& f) {
  absl::StatusOr<SqliteStatement> st = db.Prepare(kRecomputeTop);
  if (!st.ok()) return st.status();
  BindDyadDay(*st, f);
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
  absl::StatusOr<SqliteStatement> st = db.Prepare(kWriteTop);
  if (!st.ok()) return st.status();
  BindDyadDay(*st, f);
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

absl::Status MergeIntoTop(SqliteDb& db, const Figures& f,
                          const std::string& id) {
  absl::StatusOr<TopList> top = ReadTopList(db, f);
  if (!top.ok()) return top.status();
  const std::pair<std::string, double> entry(id, f.tone);
  const auto at =
      std::lower_bound(top->begin(), top->end(), entry, TopArticleBefore);
  if (at - top->begin() >= kTopArticles) return absl::OkStatus();
  top->insert(at, entry);
  if (top->size() > static_cast<size_t>(kTopArticles)) top->pop_back();
  return WriteTopList(db, f, *top);
}

absl::Status AddFigures(SqliteDb& db, const StoredArticle& article) {
  for (size_t i = 0; i < article.dyads.size(); ++i) {
    const Figures f = FiguresOf(article, article.dyads[i]);
    absl::StatusOr<SqliteStatement> st = db.Prepare(kInsertDyad);
    if (!st.ok()) return st.status();
    BindFigures(*st, f);
    st->BindText(9, article.id);
    st->BindInt(10, static_cast<int64_t>(i));
    st->BindInt(11, article.dyads[i].signals);
    absl::Status s = st->Run();
    if (s.ok()) s = ApplyToRollup(db, kAddToRollup, f);
    if (s.ok()) s = MergeIntoTop(db, f, article.id);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> ReadRollupArticles(SqliteDb& db, const Figures& f) {
  absl::StatusOr<SqliteStatement> st = db.Prepare(kSelectRollupArticles);
  if (!st.ok()) return st.status();
  BindDyadDay(*st, f);
  absl::StatusOr<bool> row = st->Step();
  if (!row.ok()) return row.status();
  return *row ? st->ColumnInt(0) : 0;
}

// Takes one article's figures out of a rollup whose article_dyads row is
// already gone: the row is deleted at its last article, and the top list
// is recomputed from article_dyads when the article was in it.
absl::Status SubtractFigures(SqliteDb& db, const Figures& f,
                             const std::string& id) {
  absl::StatusOr<int64_t> articles = ReadRollupArticles(db, f);
  if (!articles.ok()) return articles.status();
  if (*articles <= 1) return RunOnDyadDay(db, kDeleteRollup, f);

  absl::Status s = ApplyToRollup(db, kSubtractFromRollup, f);
  if (!s.ok()) return s;
  absl::StatusOr<TopList> top = ReadTopList(db, f);
  if (!top.ok()) return top.status();
  const bool listed = std::any_of(top->begin(), top->end(),
                                  [&](const auto& e) { return e.first == id; });
  if (!listed) return absl::OkStatus();
  top = RecomputeTopList(db, f);
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

absl::StatusOr<PutOutcome> PutArticle(SqliteDb& db,
                                      const StoredArticle& article) {
  absl::StatusOr<std::optional<std::string>> print =
      ReadFingerprint(db, article.id);
  if (!print.ok()) return print.status();
  if (print->has_value() && **print == article.text_fingerprint) {
    return PutOutcome::kUnchanged;
  }
  const bool replacing = print->has_value();
  absl::Status s = replacing ? RemoveFigures(db, article.id) : absl::OkStatus();
  if (s.ok()) {
    s = WriteArticleRow(db, replacing ? kUpdateArticle : kInsertArticle,
                        article);
  }
  if (s.ok()) s = AddFigures(db, article);
  if (!s.ok()) return s;
  return replacing ? PutOutcome::kReplaced : PutOutcome::kStored;
}

}  // namespace dyadtone
