// A thin RAII layer over libpq for the PostgreSQL store: where to connect
// (with the password kept out of every message), one connection with its
// lazily prepared statements, parameters and results in PostgreSQL's binary
// format, and errors mapped onto absl::Status with the SQLSTATE attached.
//
// Not thread-safe: one thread at a time uses a PgConnection (the store's
// pool hands each to one caller at a time).

#ifndef DYADTONE_SERVICE_STORE_POSTGRES_CONN_H_
#define DYADTONE_SERVICE_STORE_POSTGRES_CONN_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

struct pg_conn;
struct pg_result;

namespace dyadtone {

// Where to connect: a libpq connection URI (postgresql:// or postgres://).
class PgTarget {
 public:
  // InvalidArgument (with the password redacted) when libpq cannot parse
  // `url`.
  static absl::StatusOr<PgTarget> Parse(absl::string_view url);

  // The URI as given, password included: only for libpq.
  const std::string& url() const { return url_; }
  // The URI with any password replaced by "***": for messages and logs.
  const std::string& display() const { return display_; }
  // `text` with every occurrence of the password replaced by "***".
  std::string Redact(absl::string_view text) const;

 private:
  std::string url_;
  std::string display_;
  std::vector<std::string> secrets_;  // the password, raw and as written
};

// `url` with the password of its user-info part ("scheme://user:pw@...")
// and of a "password=" query parameter replaced by "***". For any URL-like
// text, also one that is not PostgreSQL's.
std::string RedactUrlPassword(absl::string_view url);

// The SQLSTATE of a status made by this layer ("" when it has none, as for
// a lost connection).
std::string SqlState(const absl::Status& status);

// True for the SQLSTATEs after which the whole transaction may simply be
// run again: serialization failure (40001) and deadlock (40P01).
bool IsRetryableSqlState(absl::string_view sqlstate);

// The status code for an error with `sqlstate`: connection and server
// shutdown classes (08, 57P01..57P03, 53) are Unavailable, data exceptions
// (22) InvalidArgument, the retryable ones Aborted, the rest Internal.
absl::StatusCode CodeForSqlState(absl::string_view sqlstate);

// PostgreSQL's date range, and the day numbers of its binary format (days
// since 2000-01-01).
inline constexpr absl::CivilDay kPgMinDay(-4713, 11, 24);
inline constexpr absl::CivilDay kPgMaxDay(5874897, 12, 31);

// The parameters of one statement, each with its type, sent in binary.
class PgParams {
 public:
  PgParams& Int32(int32_t value);
  PgParams& Int64(int64_t value);
  PgParams& Float8(double value);
  PgParams& Text(absl::string_view value);
  PgParams& Bytea(absl::string_view value);
  // REQUIRES: kPgMinDay <= day <= kPgMaxDay.
  PgParams& Date(absl::CivilDay day);
  PgParams& Int64Array(const std::vector<int64_t>& values);
  PgParams& TextArray(const std::vector<std::string>& values);
  PgParams& Float8Array(const std::vector<double>& values);

  int size() const { return static_cast<int>(types_.size()); }

 private:
  friend class PgConnection;
  PgParams& Add(unsigned int type, std::string bytes);

  std::vector<unsigned int> types_;  // type OIDs
  std::vector<std::string> values_;
};

// A statement the store runs: a fixed name and constant SQL whose data all
// come as parameters ($1, $2, ...).
struct PgStatement {
  const char* name;
  const char* sql;
};

// The rows of a statement, columns in binary format. The store's SQL fixes
// each column's type; an accessor reads a column of another type, or a
// NULL, as zero (or "", or 2000-01-01).
class PgResult {
 public:
  explicit PgResult(pg_result* result);
  PgResult(PgResult&& other) noexcept;
  PgResult& operator=(PgResult&& other) noexcept;
  ~PgResult();

  int rows() const;
  // Rows changed by an INSERT, UPDATE or DELETE.
  int64_t affected() const;
  // The command tag: "COMMIT", "ROLLBACK", "INSERT 0 1", ...
  std::string command() const;
  bool IsNull(int row, int column) const;
  // int2, int4 or int8 columns.
  int64_t Int(int row, int column) const;
  double Float8(int row, int column) const;
  // text, varchar or bytea: the bytes as stored.
  std::string Bytes(int row, int column) const;
  absl::CivilDay Date(int row, int column) const;

 private:
  pg_result* result_ = nullptr;
};

class PgConnection {
 public:
  // Connects, then sets up the session: client_encoding UTF8,
  // synchronous_commit on (a COMMIT returns once durable), a limit on idle
  // transactions. Unavailable, naming target.display(), when it cannot.
  static absl::StatusOr<std::unique_ptr<PgConnection>> Connect(
      const PgTarget& target);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs `statement`, preparing it on this connection first if needed.
  absl::StatusOr<PgResult> Run(const PgStatement& statement,
                               const PgParams& params);
  // Runs constant SQL without parameters (BEGIN, COMMIT, DDL); several
  // statements allowed.
  absl::StatusOr<PgResult> Exec(const char* sql);

  // False once the connection is lost; it is then of no further use.
  bool ok() const;
  // True when the connection is idle outside a transaction.
  bool idle() const;
  // Tells whether the server closed the connection while it sat idle (the
  // server shut down or killed the session), without blocking: false when
  // it did.
  bool StillOpen();

  // The store's name for messages: "postgresql store <redacted URI>".
  const std::string& name() const { return name_; }
  const PgTarget& target() const { return target_; }

 private:
  PgConnection(const PgTarget& target, pg_conn* conn);
  // The status of a failed call: `what` failed, with the server's message
  // and SQLSTATE, or "connection lost" when the link is down.
  absl::Status Failure(absl::string_view what, pg_result* result);
  absl::StatusOr<PgResult> Check(absl::string_view what, pg_result* result);

  const PgTarget target_;
  const std::string name_;
  pg_conn* const conn_;
  absl::flat_hash_set<std::string> prepared_;
};

// A stable 64-bit hash (FNV-1a) of byte strings, each length-prefixed: the
// same on every platform and build, for advisory lock keys shared by
// processes.
uint64_t StableHash(std::initializer_list<absl::string_view> parts);

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_STORE_POSTGRES_CONN_H_
