// The SQLite store's schema and how a file is brought to it: an ordered list
// of migration steps, the file's version in PRAGMA user_version and its
// owner in PRAGMA application_id.

#ifndef DYADTONE_SERVICE_STORE_SQLITE_SCHEMA_H_
#define DYADTONE_SERVICE_STORE_SQLITE_SCHEMA_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "service/store/sqlite_db.h"

namespace dyadtone {

// The SQL that brings a file from version `version - 1` to `version`.
struct SqliteMigration {
  int version = 0;
  const char* sql = "";  // constant DDL; several statements allowed
};

struct SqliteSchema {
  int32_t application_id = 0;  // marks the files of this schema
  // REQUIRES: versions 1, 2, ..., N in this order.
  std::vector<SqliteMigration> steps;
};

// Brings the database to the schema's last version. FailedPrecondition when
// the file belongs to something else (another application_id, or tables
// without ours) or has a newer version than `schema` knows; the file is
// left untouched then. Otherwise the missing steps run in order in one
// write transaction that also sets user_version and application_id, so a
// failing step leaves the file as it was.
absl::Status MigrateSqliteSchema(SqliteDb& db, const SqliteSchema& schema);

// The article store's schema (tables articles, article_dyads and
// dyad_day_rollups, whose rows hold their day's top articles).
const SqliteSchema& ArticleStoreSchema();

// Days are stored as days since 1970-01-01, which sort and compare as
// dates for any year.
int64_t DayNumber(absl::CivilDay day);
absl::CivilDay DayFromNumber(int64_t number);

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_STORE_SQLITE_SCHEMA_H_
