#include "service/store/postgres_schema.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace dyadtone {
namespace {

// Version 1: the tables of the SQLite store, in PostgreSQL's types. Codes
// and ids compare byte by byte (COLLATE "C"), as std::string and SQLite do,
// whatever the database's collation; days are dates; the rollup counters
// are bigint.
constexpr char kSchemaV1[] = R"sql(
CREATE TABLE articles (
  id text COLLATE "C" PRIMARY KEY,
  day date NOT NULL,
  text_fingerprint text COLLATE "C" NOT NULL,
  lexicon_version text NOT NULL,
  gazetteer_version text NOT NULL,
  score bytea NOT NULL
);
CREATE TABLE article_dyads (
  article_id text COLLATE "C" NOT NULL
    REFERENCES articles (id) ON DELETE CASCADE,
  position integer NOT NULL,
  a text COLLATE "C" NOT NULL,
  b text COLLATE "C" NOT NULL,
  day date NOT NULL,
  tone double precision NOT NULL,
  signals integer NOT NULL,
  vcoop integer NOT NULL,
  mcoop integer NOT NULL,
  vconf integer NOT NULL,
  mconf integer NOT NULL,
  PRIMARY KEY (article_id, a, b),
  CHECK (a < b)
);
CREATE INDEX article_dyads_by_dyad_day ON article_dyads (a, b, day);
CREATE TABLE dyad_day_rollups (
  a text COLLATE "C" NOT NULL,
  b text COLLATE "C" NOT NULL,
  day date NOT NULL,
  articles bigint NOT NULL CHECK (articles > 0),
  tone_sum double precision NOT NULL,
  tone_sum_squares double precision NOT NULL,
  vcoop bigint NOT NULL,
  mcoop bigint NOT NULL,
  vconf bigint NOT NULL,
  mconf bigint NOT NULL,
  PRIMARY KEY (a, b, day)
);
CREATE TABLE dyad_day_top (
  a text COLLATE "C" NOT NULL,
  b text COLLATE "C" NOT NULL,
  day date NOT NULL,
  rank integer NOT NULL,
  article_id text COLLATE "C" NOT NULL,
  tone double precision NOT NULL,
  PRIMARY KEY (a, b, day, rank),
  FOREIGN KEY (a, b, day) REFERENCES dyad_day_rollups (a, b, day)
    ON DELETE CASCADE
);
)sql";

constexpr char kCreateVersionTable[] = R"sql(
CREATE TABLE dyadtone_schema_version (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  version integer NOT NULL,
  migrated_at timestamptz NOT NULL DEFAULT now()
)
)sql";

// "DyTn" and 1: the lock of the migration, in the two-key space of
// advisory locks (the writers' single-key locks never meet it).
constexpr PgStatement kLock = {"dt_migrate_lock",
                               "SELECT pg_advisory_xact_lock(1148802158, 1)"};
// The current schema, whether it has our version table, and how many of
// the store's tables it has.
constexpr PgStatement kState = {
    "dt_migrate_state",
    "SELECT current_schema()::text, "
    "count(*) FILTER (WHERE c.relname = 'dyadtone_schema_version'), "
    "count(*) FILTER (WHERE c.relname IN ('articles', 'article_dyads', "
    "'dyad_day_rollups', 'dyad_day_top')) "
    "FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = current_schema()"};
constexpr PgStatement kReadVersion = {
    "dt_migrate_read_version", "SELECT version FROM dyadtone_schema_version"};
constexpr PgStatement kWriteVersion = {
    "dt_migrate_write_version",
    "INSERT INTO dyadtone_schema_version (singleton, version) "
    "VALUES (true, $1) ON CONFLICT (singleton) DO UPDATE "
    "SET version = EXCLUDED.version, migrated_at = now()"};

absl::Status CheckSteps(const std::vector<PgMigration>& steps) {
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].version != static_cast<int>(i) + 1) {
      return absl::InternalError(
          absl::StrCat("migration ", i, " has version ", steps[i].version,
                       "; versions must be 1, 2, ... in order"));
    }
  }
  return absl::OkStatus();
}

absl::Status Annotate(const absl::Status& s, absl::string_view what) {
  return absl::Status(s.code(), absl::StrCat(what, ": ", s.message()));
}

// The body of the migration transaction.
absl::Status Migrate(PgConnection& conn,
                     const std::vector<PgMigration>& steps) {
  absl::StatusOr<PgResult> r = conn.Run(kLock, PgParams());
  if (!r.ok()) return r.status();
  r = conn.Run(kState, PgParams());
  if (!r.ok()) return r.status();
  if (r->IsNull(0, 0)) {
    return absl::FailedPreconditionError(absl::StrCat(
        conn.name(),
        ": no schema of the search_path exists to create the store in"));
  }
  const std::string schema = r->Bytes(0, 0);
  const bool has_version = r->Int(0, 1) > 0;
  const int64_t tables = r->Int(0, 2);
  const int latest = steps.empty() ? 0 : steps.back().version;
  int64_t version = 0;
  if (has_version) {
    r = conn.Run(kReadVersion, PgParams());
    if (!r.ok()) return r.status();
    if (r->rows() > 0) version = r->Int(0, 0);
  } else if (tables > 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        conn.name(), ": schema \"", schema, "\" has ", tables,
        " table(s) named like the store's but no dyadtone_schema_version: "
        "not a dyadtone store; use another database or schema"));
  }
  if (version > latest) {
    return absl::FailedPreconditionError(absl::StrCat(
        conn.name(), ": schema \"", schema, "\" has store schema version ",
        version, ", newer than this build knows (", latest,
        "); use a newer dyadtone"));
  }
  if (version == latest && has_version) return absl::OkStatus();
  if (!has_version) {
    r = conn.Exec(kCreateVersionTable);
    if (!r.ok()) return r.status();
  }
  for (const PgMigration& step : steps) {
    if (step.version <= version) continue;
    r = conn.Exec(step.sql);
    if (!r.ok()) {
      return Annotate(r.status(), absl::StrCat("migrating to schema version ",
                                               step.version));
    }
  }
  r = conn.Run(kWriteVersion, PgParams().Int32(latest));
  return r.status();
}

}  // namespace

absl::Status MigratePostgresSchema(PgConnection& conn,
                                   const std::vector<PgMigration>& steps) {
  absl::Status s = CheckSteps(steps);
  if (!s.ok()) return s;
  absl::StatusOr<PgResult> r =
      conn.Exec("BEGIN ISOLATION LEVEL READ COMMITTED");
  if (!r.ok()) return r.status();
  s = Migrate(conn, steps);
  if (s.ok()) {
    r = conn.Exec("COMMIT");
    if (r.ok()) return absl::OkStatus();
    s = r.status();
  }
  if (conn.ok() && !conn.idle()) (void)conn.Exec("ROLLBACK");
  return s;
}

const std::vector<PgMigration>& PostgresArticleStoreMigrations() {
  static const std::vector<PgMigration>* const steps =
      new std::vector<PgMigration>{{1, kSchemaV1}};
  return *steps;
}

}  // namespace dyadtone
