// The SQLite backend of ArticleStore: one database file in WAL mode with
// synchronous=FULL, so PutBatch returns only after a durable commit;
// foreign keys on; every value bound as a statement parameter. The schema
// is versioned and migrated on open (sqlite_schema.h).
//
// Dyad keys REQUIRE a < b (sorted codes): PutBatch and DailyRollups check it
// and return InvalidArgument otherwise, as they do for the other checks of
// validation.h; a batch with an invalid article writes nothing.
//
// Thread-safe: one connection behind a mutex. Several processes may open
// the same file; a writer waits up to the busy timeout for another's lock.

#ifndef DYADTONE_SERVICE_STORE_SQLITE_STORE_H_
#define DYADTONE_SERVICE_STORE_SQLITE_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "service/store/article_store.h"

namespace dyadtone {

struct SqliteStoreOptions {
  // How long an operation waits for another connection's lock before it
  // fails with Unavailable.
  int busy_timeout_ms = 5000;
};

// Opens the store in the file at `path`, creating it if missing and
// migrating its schema to the current version. InvalidArgument for an empty
// path; Unavailable when the file cannot be opened or stays locked;
// DataLoss when it is corrupt or not a database; FailedPrecondition when it
// belongs to another application or has a newer schema than this build.
absl::StatusOr<std::unique_ptr<ArticleStore>> OpenSqliteStore(
    const std::string& path, const SqliteStoreOptions& options = {});

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_STORE_SQLITE_STORE_H_
