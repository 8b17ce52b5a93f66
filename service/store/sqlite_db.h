// A thin RAII layer over libsqlite3 for the SQLite store: one connection,
// cached prepared statements with bound parameters, transactions that roll
// back unless committed, and SQLite result codes mapped onto absl::Status.
//
// Not thread-safe: the owner serialises every use of a SqliteDb and of the
// statements and transactions made from it.

#ifndef DYADTONE_SERVICE_STORE_SQLITE_DB_H_
#define DYADTONE_SERVICE_STORE_SQLITE_DB_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/node_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct sqlite3;
struct sqlite3_stmt;

namespace dyadtone {

// The status for SQLite result code `rc` (primary or extended): busy,
// locked, I/O, read-only and open failures are Unavailable (try again
// later); a corrupt file or one that is not a database is DataLoss; a full
// disk is ResourceExhausted; anything else is Internal. The message is
// `context`: `detail`.
absl::Status SqliteStatus(int rc, absl::string_view context,
                          absl::string_view detail);

class SqliteDb;

// A prepared statement in use. Bind errors are kept and reported by the
// next Step() or Run(). Destruction resets it and hands it back to the
// connection's cache. Columns and parameters are numbered as in SQLite:
// parameters from 1, columns from 0.
class SqliteStatement {
 public:
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  ~SqliteStatement();

  void BindInt(int index, int64_t value);
  void BindDouble(int index, double value);
  // Text and blobs are not copied: REQUIRES: `value`'s bytes stay valid
  // until the statement is destroyed or the parameter bound again (bind
  // no temporaries).
  void BindText(int index, absl::string_view value);
  void BindBlob(int index, absl::string_view value);  // "" is an empty blob
  void BindNull(int index);

  // Advances; true when a row is ready to read.
  absl::StatusOr<bool> Step();
  // Steps until the statement is done, ignoring rows.
  absl::Status Run();

  bool ColumnIsNull(int column) const;
  int64_t ColumnInt(int column) const;
  double ColumnDouble(int column) const;
  // The bytes of a TEXT or BLOB column as stored ("" for NULL).
  std::string ColumnBytes(int column) const;

 private:
  friend class SqliteDb;
  // `in_use`: the cache's flag to clear on destruction; null when the
  // statement is not cached and is finalized instead.
  SqliteStatement(SqliteDb* db, sqlite3_stmt* stmt, bool* in_use);
  void KeepBindError(int rc, int index);

  SqliteDb* db_;
  sqlite3_stmt* stmt_;
  bool* in_use_;
  absl::Status bind_status_;
};

class SqliteDb {
 public:
  // Opens the database file at `path`, creating it if missing, with extended
  // result codes and the given busy timeout. Unavailable when it cannot be
  // opened. No file content is read yet.
  static absl::StatusOr<std::unique_ptr<SqliteDb>> Open(const std::string& path,
                                                        int busy_timeout_ms);

  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // A statement for `sql`, prepared once and cached. When the cached one is
  // still in use, a fresh uncached one is prepared.
  // REQUIRES: `sql` is one statement of constant text; values are bound.
  absl::StatusOr<SqliteStatement> Prepare(const char* sql);

  // Runs constant SQL with no parameters (DDL, PRAGMA, transaction control);
  // several statements are allowed.
  absl::Status Exec(const char* sql);

  // The status for a failure `rc` of this connection, naming the file and
  // the failing SQL and carrying SQLite's message.
  absl::Status Error(int rc, absl::string_view what) const;

  // True inside an explicit transaction.
  bool InTransaction() const;

  const std::string& path() const { return path_; }
  sqlite3* handle() { return db_; }

 private:
  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };

  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  sqlite3* db_;
  const std::string path_;
  // By SQL text; node-based so a statement's `in_use` flag stays put.
  absl::node_hash_map<std::string, Cached> cache_;
};

// A transaction that rolls back on destruction unless committed.
class SqliteTransaction {
 public:
  // BEGIN IMMEDIATE: takes the write lock now (waiting up to the busy
  // timeout), so a write transaction never fails half-way for a lock.
  static absl::StatusOr<SqliteTransaction> BeginWrite(SqliteDb& db);
  // BEGIN: a consistent snapshot for several reads.
  static absl::StatusOr<SqliteTransaction> BeginRead(SqliteDb& db);

  SqliteTransaction(SqliteTransaction&& other) noexcept : db_(other.db_) {
    other.db_ = nullptr;
  }
  SqliteTransaction& operator=(SqliteTransaction&&) = delete;
  ~SqliteTransaction();

  // With synchronous=FULL, returns OK only once the commit is durable.
  absl::Status Commit();

 private:
  explicit SqliteTransaction(SqliteDb* db) : db_(db) {}

  SqliteDb* db_;  // null once committed or moved from
};

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_STORE_SQLITE_DB_H_
