// The PostgreSQL backend of ArticleStore, over libpq.
//
//   OpenStore("postgresql://dyadtone@db.example:5432/dyadtone")
//
// The URL is a libpq connection URI (postgresql:// or postgres://): the
// password may come from it, from PGPASSWORD or from ~/.pgpass, and
// libpq's other settings work as query parameters (sslmode=require,
// options=-csearch_path%3Dmy_schema, ...). The password never appears in a
// message: every status names the store by its URI with the password
// replaced by "***".
//
// Semantics are those of the SQLite backend, method by method (the shared
// suite in tests/store/article_store_test.cc runs on both); PostgreSQL's
// limits add that a date must lie in its range (4714 BC to 5874897 AD) and
// that text may not contain NUL bytes (InvalidArgument either way).
//
//  - Every statement is prepared once per connection, with all data bound
//    as parameters in binary format.
//  - Schema migrations run at open under an advisory lock (postgres_schema.h).
//  - Thread-safe with real concurrency: a pool of connections, each used by
//    one call at a time; a call waits for a free one when all are busy.
//  - Several processes may write the same database at once and the rollups
//    stay exact (postgres_writer.h). A transaction that fails with a
//    serialization failure or a deadlock (SQLSTATE 40001, 40P01) is run
//    again from the start, a bounded number of times (then Aborted).
//  - PutBatch returns only after COMMIT, with synchronous_commit on.
//  - When the server goes away a call fails with Unavailable naming the
//    store; the broken connection is dropped and a later call connects
//    again by itself. A batch cut off by a lost connection is rolled back by
//    the server, so nothing of it is visible. A connection found dead when
//    taken from the pool is replaced and the call goes on; a connection lost
//    during COMMIT is reported as Unavailable, since the outcome is unknown
//    (sending the batch again is safe: puts are idempotent).

#ifndef DYADTONE_SERVICE_STORE_POSTGRES_STORE_H_
#define DYADTONE_SERVICE_STORE_POSTGRES_STORE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "service/store/article_store.h"

namespace dyadtone {

struct PostgresStoreOptions {
  // Connections open at most at once.
  int pool_size = 8;
  // How often a transaction runs before a serialization failure or
  // deadlock is returned (as Aborted).
  int max_attempts = 5;
  // How long a call waits for a free connection before Unavailable.
  absl::Duration pool_wait = absl::Seconds(30);
};

// Connects to the database named by `url` (a libpq URI), checks its
// encoding and migrates its schema to the current version. InvalidArgument
// for a URI libpq cannot parse; Unavailable when the server cannot be
// reached or refuses the login; FailedPrecondition when the schema belongs
// to something else or is newer than this build.
absl::StatusOr<std::unique_ptr<ArticleStore>> OpenPostgresStore(
    absl::string_view url, const PostgresStoreOptions& options = {});

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_STORE_POSTGRES_STORE_H_
