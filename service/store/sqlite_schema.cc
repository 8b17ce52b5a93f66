#include "service/store/sqlite_schema.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "service/engine/civil_days.h"

namespace dyadtone {
namespace {

// Version 1. Rollups and their top articles are kept per (dyad, day) by
// every write, so trends read one row per day whatever the article count.
constexpr char kSchemaV1[] = R"sql(
CREATE TABLE articles (
  id TEXT PRIMARY KEY NOT NULL,
  day INTEGER NOT NULL,
  text_fingerprint TEXT NOT NULL,
  lexicon_version TEXT NOT NULL,
  gazetteer_version TEXT NOT NULL,
  score BLOB NOT NULL
);
CREATE TABLE article_dyads (
  article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  a TEXT NOT NULL,
  b TEXT NOT NULL,
  day INTEGER NOT NULL,
  tone REAL NOT NULL,
  signals INTEGER NOT NULL,
  vcoop INTEGER NOT NULL,
  mcoop INTEGER NOT NULL,
  vconf INTEGER NOT NULL,
  mconf INTEGER NOT NULL,
  PRIMARY KEY (article_id, a, b),
  CHECK (a < b)
) WITHOUT ROWID;
CREATE INDEX article_dyads_by_dyad_day ON article_dyads (a, b, day);
CREATE TABLE dyad_day_rollups (
  a TEXT NOT NULL,
  b TEXT NOT NULL,
  day INTEGER NOT NULL,
  articles INTEGER NOT NULL CHECK (articles > 0),
  tone_sum REAL NOT NULL,
  tone_sum_squares REAL NOT NULL,
  vcoop INTEGER NOT NULL,
  mcoop INTEGER NOT NULL,
  vconf INTEGER NOT NULL,
  mconf INTEGER NOT NULL,
  PRIMARY KEY (a, b, day)
) WITHOUT ROWID;
CREATE TABLE dyad_day_top (
  a TEXT NOT NULL,
  b TEXT NOT NULL,
  day INTEGER NOT NULL,
  rank INTEGER NOT NULL,
  article_id TEXT NOT NULL,
  tone REAL NOT NULL,
  PRIMARY KEY (a, b, day, rank),
  FOREIGN KEY (a, b, day) REFERENCES dyad_day_rollups (a, b, day)
    ON DELETE CASCADE
) WITHOUT ROWID;
)sql";

// Version 2. A day's top articles move into its rollup row, so a trend is
// one range scan and a write updates one row instead of deleting and
// inserting up to kTopArticles (3) rows. Empty slots are NULL.
constexpr char kSchemaV2[] = R"sql(
ALTER TABLE dyad_day_rollups ADD COLUMN top1_id TEXT;
ALTER TABLE dyad_day_rollups ADD COLUMN top1_tone REAL;
ALTER TABLE dyad_day_rollups ADD COLUMN top2_id TEXT;
ALTER TABLE dyad_day_rollups ADD COLUMN top2_tone REAL;
ALTER TABLE dyad_day_rollups ADD COLUMN top3_id TEXT;
ALTER TABLE dyad_day_rollups ADD COLUMN top3_tone REAL;
UPDATE dyad_day_rollups AS r SET
  (top1_id, top1_tone) = (SELECT article_id, tone FROM dyad_day_top AS t
    WHERE t.a = r.a AND t.b = r.b AND t.day = r.day AND t.rank = 0),
  (top2_id, top2_tone) = (SELECT article_id, tone FROM dyad_day_top AS t
    WHERE t.a = r.a AND t.b = r.b AND t.day = r.day AND t.rank = 1),
  (top3_id, top3_tone) = (SELECT article_id, tone FROM dyad_day_top AS t
    WHERE t.a = r.a AND t.b = r.b AND t.day = r.day AND t.rank = 2);
DROP TABLE dyad_day_top;
)sql";

// Version 3. The number of articles, kept by triggers in the transaction
// that changes it: `SELECT count(*) FROM articles` walks the whole id index
// (240 ms for GetServerInfo over a million articles) and grows with the
// store.
constexpr char kSchemaV3[] = R"sql(
CREATE TABLE store_counts (
  only_row INTEGER PRIMARY KEY CHECK (only_row = 0),
  articles INTEGER NOT NULL
);
INSERT INTO store_counts (only_row, articles) SELECT 0, count(*) FROM articles;
CREATE TRIGGER articles_counted AFTER INSERT ON articles
BEGIN
  UPDATE store_counts SET articles = articles + 1;
END;
CREATE TRIGGER articles_uncounted AFTER DELETE ON articles
BEGIN
  UPDATE store_counts SET articles = articles - 1;
END;
)sql";

// "DyTn": the application_id of dyadtone store files.
constexpr int32_t kArticleStoreApplicationId = 0x4479546e;

struct FileState {
  int64_t application_id = 0;
  int64_t version = 0;
  int64_t objects = 0;  // tables, indexes, views and triggers
};

absl::StatusOr<int64_t> QueryInt(SqliteDb& db, const char* sql) {
  absl::StatusOr<SqliteStatement> st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  absl::StatusOr<bool> row = st->Step();
  if (!row.ok()) return row.status();
  return *row ? st->ColumnInt(0) : 0;
}

// Call inside a transaction: its three reads must see one state of the
// file, or a store being created by another process at the same moment can
// look half made (application_id not yet set, tables already there).
absl::StatusOr<FileState> ReadFileState(SqliteDb& db) {
  FileState state;
  const std::pair<int64_t*, const char*> queries[] = {
      {&state.application_id, "PRAGMA application_id"},
      {&state.version, "PRAGMA user_version"},
      {&state.objects, "SELECT count(*) FROM sqlite_master"},
  };
  for (const auto& [field, sql] : queries) {
    absl::StatusOr<int64_t> value = QueryInt(db, sql);
    if (!value.ok()) return value.status();
    *field = *value;
  }
  return state;
}

absl::Status CheckFile(const FileState& file, const SqliteSchema& schema,
                       const std::string& path) {
  const bool empty = file.application_id == 0 && file.objects == 0;
  if (file.application_id != schema.application_id && !empty) {
    return absl::FailedPreconditionError(absl::StrCat(
        "sqlite ", path, ": not a dyadtone store (application_id ",
        file.application_id, ", ", file.objects, " schema objects)"));
  }
  const int latest = schema.steps.empty() ? 0 : schema.steps.back().version;
  if (file.version > latest) {
    return absl::FailedPreconditionError(
        absl::StrCat("sqlite ", path, ": schema version ", file.version,
                     " is newer than this build knows (", latest,
                     "); open it with a newer dyadtone"));
  }
  return absl::OkStatus();
}

absl::Status CheckSteps(const SqliteSchema& schema) {
  for (size_t i = 0; i < schema.steps.size(); ++i) {
    if (schema.steps[i].version != static_cast<int>(i) + 1) {
      return absl::InternalError(absl::StrCat(
          "migration ", i, " has version ", schema.steps[i].version,
          "; versions must be 1, 2, ... in order"));
    }
  }
  return absl::OkStatus();
}

absl::Status Annotate(const absl::Status& s, int version) {
  return absl::Status(s.code(), absl::StrCat("migrating to schema version ",
                                             version, ": ", s.message()));
}

absl::Status ApplySteps(SqliteDb& db, const SqliteSchema& schema,
                        int64_t from_version) {
  for (const SqliteMigration& step : schema.steps) {
    if (step.version <= from_version) continue;
    absl::Status s = db.Exec(step.sql);
    if (!s.ok()) return Annotate(s, step.version);
  }
  // PRAGMAs take no parameters; the values are our own integers.
  const std::string marks =
      absl::StrCat("PRAGMA user_version = ", schema.steps.back().version,
                   "; PRAGMA application_id = ", schema.application_id, ";");
  return db.Exec(marks.c_str());
}

}  // namespace

absl::Status MigrateSqliteSchema(SqliteDb& db, const SqliteSchema& schema) {
  absl::Status s = CheckSteps(schema);
  if (!s.ok()) return s;
  absl::StatusOr<FileState> file;
  {
    absl::StatusOr<SqliteTransaction> read = SqliteTransaction::BeginRead(db);
    if (!read.ok()) return read.status();
    file = ReadFileState(db);
    if (!file.ok()) return file.status();
    if (s = read->Commit(); !s.ok()) return s;
  }
  s = CheckFile(*file, schema, db.path());
  if (!s.ok() || schema.steps.empty()) return s;
  if (file->version == schema.steps.back().version) return absl::OkStatus();

  absl::StatusOr<SqliteTransaction> tx = SqliteTransaction::BeginWrite(db);
  if (!tx.ok()) return tx.status();
  file = ReadFileState(db);  // another process may have migrated meanwhile
  if (!file.ok()) return file.status();
  s = CheckFile(*file, schema, db.path());
  if (!s.ok()) return s;
  if (file->version == schema.steps.back().version) return tx->Commit();
  s = ApplySteps(db, schema, file->version);
  if (!s.ok()) return s;
  return tx->Commit();
}

const SqliteSchema& ArticleStoreSchema() {
  static const SqliteSchema* const schema =
      new SqliteSchema{kArticleStoreApplicationId,
                       {
                           {1, kSchemaV1},
                           {2, kSchemaV2},
                           {3, kSchemaV3},
                       }};
  return *schema;
}

int64_t DayNumber(absl::CivilDay day) { return DaysSinceEpoch(day); }

absl::CivilDay DayFromNumber(int64_t number) {
  return CivilDayFromDaysSinceEpoch(number);
}

}  // namespace dyadtone
