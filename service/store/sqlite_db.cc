#include "service/store/sqlite_db.h"

#include <sqlite3.h>

#include <utility>

#include "absl/strings/str_cat.h"

namespace dyadtone {
namespace {

// The first words of a statement, to say which one failed.
std::string SqlHead(const char* sql) {
  if (sql == nullptr) return "";
  std::string head;
  for (const char* p = sql; *p != '\0' && head.size() < 48; ++p) {
    const bool space = *p == ' ' || *p == '\n' || *p == '\t';
    if (space && (head.empty() || head.back() == ' ')) continue;
    head.push_back(space ? ' ' : *p);
  }
  return head;
}

}  // namespace

absl::Status SqliteStatus(int rc, absl::string_view context,
                          absl::string_view detail) {
  const std::string message = absl::StrCat(context, ": ", detail);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PROTOCOL:
    case SQLITE_PERM:
      return absl::UnavailableError(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(message);
    case SQLITE_FULL:
    case SQLITE_NOMEM:
      return absl::ResourceExhaustedError(message);
    default:
      return absl::InternalError(message);
  }
}

// ---- SqliteStatement ----

SqliteStatement::SqliteStatement(SqliteDb* db, sqlite3_stmt* stmt, bool* in_use)
    : db_(db), stmt_(stmt), in_use_(in_use) {}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_),
      stmt_(other.stmt_),
      in_use_(other.in_use_),
      bind_status_(std::move(other.bind_status_)) {
  other.stmt_ = nullptr;
}

SqliteStatement::~SqliteStatement() {
  if (stmt_ == nullptr) return;
  if (in_use_ == nullptr) {
    sqlite3_finalize(stmt_);
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  *in_use_ = false;
}

void SqliteStatement::KeepBindError(int rc, int index) {
  if (rc == SQLITE_OK || !bind_status_.ok()) return;
  bind_status_ =
      db_->Error(rc, absl::StrCat("binding parameter ", index, " of ",
                                  SqlHead(sqlite3_sql(stmt_))));
}

void SqliteStatement::BindInt(int index, int64_t value) {
  KeepBindError(sqlite3_bind_int64(stmt_, index, value), index);
}

void SqliteStatement::BindDouble(int index, double value) {
  KeepBindError(sqlite3_bind_double(stmt_, index, value), index);
}

void SqliteStatement::BindNull(int index) {
  KeepBindError(sqlite3_bind_null(stmt_, index), index);
}

void SqliteStatement::BindText(int index, absl::string_view value) {
  // SQLITE_STATIC: SQLite reads the caller's bytes, which outlive the
  // statement's use (see the header), instead of copying each value into
  // an allocation of its own. A non-null pointer keeps "" an empty string
  // rather than NULL.
  KeepBindError(
      sqlite3_bind_text64(stmt_, index, value.empty() ? "" : value.data(),
                          value.size(), SQLITE_STATIC, SQLITE_UTF8),
      index);
}

void SqliteStatement::BindBlob(int index, absl::string_view value) {
  KeepBindError(
      sqlite3_bind_blob64(stmt_, index, value.empty() ? "" : value.data(),
                          value.size(), SQLITE_STATIC),
      index);
}

absl::StatusOr<bool> SqliteStatement::Step() {
  if (!bind_status_.ok()) return bind_status_;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->Error(rc, SqlHead(sqlite3_sql(stmt_)));
}

absl::Status SqliteStatement::Run() {
  while (true) {
    absl::StatusOr<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
  }
}

bool SqliteStatement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t SqliteStatement::ColumnInt(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double SqliteStatement::ColumnDouble(int column) const {
  return sqlite3_column_double(stmt_, column);
}

std::string SqliteStatement::ColumnBytes(int column) const {
  // For TEXT and BLOB values sqlite3_column_blob returns the stored bytes
  // without conversion; bytes must be asked for after the pointer.
  const void* data = sqlite3_column_blob(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr || size <= 0) return "";
  return std::string(static_cast<const char*>(data), size);
}

// ---- SqliteDb ----

absl::StatusOr<std::unique_ptr<SqliteDb>> SqliteDb::Open(
    const std::string& path, int busy_timeout_ms) {
  sqlite3* db = nullptr;
  // NOMUTEX: the owner serialises access, so SQLite's own mutex is not needed.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string detail =
        db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);  // a handle is allocated even when opening fails
    return SqliteStatus(rc, absl::StrCat("sqlite ", path, ": opening"), detail);
  }
  std::unique_ptr<SqliteDb> result(new SqliteDb(db, path));
  sqlite3_extended_result_codes(db, 1);
  const int busy_rc = sqlite3_busy_timeout(db, busy_timeout_ms);
  if (busy_rc != SQLITE_OK) return result->Error(busy_rc, "busy_timeout");
  return result;
}

SqliteDb::~SqliteDb() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
  sqlite3_close(db_);
}

absl::StatusOr<SqliteStatement> SqliteDb::Prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second.in_use) {
    it->second.in_use = true;
    return SqliteStatement(this, it->second.stmt, &it->second.in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                    &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return Error(rc, absl::StrCat("preparing ", SqlHead(sql)));
  }
  if (it != cache_.end()) return SqliteStatement(this, stmt, nullptr);
  Cached& cached = cache_[sql];
  cached = Cached{stmt, /*in_use=*/true};
  return SqliteStatement(this, stmt, &cached.in_use);
}

absl::Status SqliteDb::Exec(const char* sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return absl::OkStatus();
  const std::string detail = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return SqliteStatus(rc, absl::StrCat("sqlite ", path_, ": ", SqlHead(sql)),
                      detail);
}

absl::Status SqliteDb::Error(int rc, absl::string_view what) const {
  return SqliteStatus(rc, absl::StrCat("sqlite ", path_, ": ", what),
                      sqlite3_errmsg(db_));
}

bool SqliteDb::InTransaction() const { return !sqlite3_get_autocommit(db_); }

// ---- SqliteTransaction ----

absl::StatusOr<SqliteTransaction> SqliteTransaction::BeginWrite(SqliteDb& db) {
  absl::Status s = db.Exec("BEGIN IMMEDIATE");
  if (!s.ok()) return s;
  return SqliteTransaction(&db);
}

absl::StatusOr<SqliteTransaction> SqliteTransaction::BeginRead(SqliteDb& db) {
  absl::Status s = db.Exec("BEGIN");
  if (!s.ok()) return s;
  return SqliteTransaction(&db);
}

SqliteTransaction::~SqliteTransaction() {
  // Some errors (a full disk, I/O) make SQLite roll back by itself; a second
  // ROLLBACK would only fail.
  if (db_ != nullptr && db_->InTransaction())
    db_->Exec("ROLLBACK").IgnoreError();
}

absl::Status SqliteTransaction::Commit() {
  absl::Status s = db_->Exec("COMMIT");
  if (s.ok()) db_ = nullptr;
  return s;
}

}  // namespace dyadtone
