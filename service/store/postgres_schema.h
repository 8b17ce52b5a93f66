// The PostgreSQL store's schema and how a database is brought to it: an
// ordered list of migration steps, and the database's version in the table
// dyadtone_schema_version (one row). Everything lives in the connection's
// current schema (the first existing one of its search_path), so one
// database can hold several stores in several schemas.

#ifndef DYADTONE_SERVICE_STORE_POSTGRES_SCHEMA_H_
#define DYADTONE_SERVICE_STORE_POSTGRES_SCHEMA_H_

#include <vector>

#include "absl/status/status.h"
#include "service/store/postgres_conn.h"

namespace dyadtone {

// The SQL that brings a database from version `version - 1` to `version`.
struct PgMigration {
  int version = 0;
  const char* sql = "";  // constant DDL; several statements allowed
};

// Brings the current schema to the last version of `steps` (REQUIRES:
// versions 1, 2, ..., N in order). In one READ COMMITTED transaction that
// first takes a transaction-scoped advisory lock, so that processes
// starting at once migrate one after the other: the second finds the work
// done. FailedPrecondition when the schema holds tables of the store
// without dyadtone_schema_version (not ours) or has a newer version than
// `steps` knows; nothing is changed then. A failing step changes nothing.
absl::Status MigratePostgresSchema(PgConnection& conn,
                                   const std::vector<PgMigration>& steps);

// The article store's migrations (tables articles, article_dyads,
// dyad_day_rollups, dyad_day_top).
const std::vector<PgMigration>& PostgresArticleStoreMigrations();

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_STORE_POSTGRES_SCHEMA_H_
