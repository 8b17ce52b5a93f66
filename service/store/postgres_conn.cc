#include "service/store/postgres_conn.h"

#include <libpq-fe.h>
#include <poll.h>

#include <cstring>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"

namespace dyadtone {
namespace {

// Type OIDs of pg_type.h (a server header Debian's libpq-dev lacks); they
// are fixed in every PostgreSQL release.
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kNameOid = 19;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kTextOid = 25;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kBpcharOid = 1042;
constexpr Oid kVarcharOid = 1043;
constexpr Oid kDateOid = 1082;
constexpr Oid kTextArrayOid = 1009;
constexpr Oid kInt8ArrayOid = 1016;
constexpr Oid kFloat8ArrayOid = 1022;

constexpr char kSqlStatePayload[] = "dyadtone.store/sqlstate";

const absl::CivilDay kPgEpoch(2000, 1, 1);

void PutBigEndian(std::string& out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
}

uint64_t GetBigEndian(const char* data, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) {
    value = (value << 8) | static_cast<unsigned char>(data[i]);
  }
  return value;
}

uint64_t DoubleBits(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

// A one-dimensional array without NULLs in the binary array format.
std::string ArrayBytes(Oid element_type,
                       const std::vector<std::string>& items) {
  std::string out;
  PutBigEndian(out, items.empty() ? 0 : 1, 4);  // dimensions
  PutBigEndian(out, 0, 4);                      // no NULLs
  PutBigEndian(out, element_type, 4);
  if (!items.empty()) {
    PutBigEndian(out, items.size(), 4);  // length
    PutBigEndian(out, 1, 4);             // lower bound
  }
  for (const std::string& item : items) {
    PutBigEndian(out, item.size(), 4);
    out += item;
  }
  return out;
}

// libpq's messages may span lines ("...\n\tThis probably means..."): one
// line, the pieces joined by "; ".
std::string TrimMessage(const char* message) {
  if (message == nullptr) return "";
  std::vector<absl::string_view> lines;
  for (absl::string_view line : absl::StrSplit(message, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!line.empty()) lines.push_back(line);
  }
  return absl::StrJoin(lines, "; ");
}

// The user-info password of a URL as written: "scheme://user:PW@...". The
// authority ends at the first '@' or '/', as libpq reads it.
absl::string_view UserInfoPassword(absl::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == absl::string_view::npos) return {};
  const size_t start = scheme + 3;
  const size_t end = url.find_first_of("@/", start);
  if (end == absl::string_view::npos || url[end] != '@') return {};
  const absl::string_view user_info = url.substr(start, end - start);
  const size_t colon = user_info.find(':');
  if (colon == absl::string_view::npos) return {};
  return user_info.substr(colon + 1);
}

}  // namespace

std::string RedactUrlPassword(absl::string_view url) {
  std::string out(url);
  const absl::string_view password = UserInfoPassword(url);
  if (!password.empty()) {
    const size_t at = password.data() - url.data();
    out.replace(at, password.size(), "***");
  }
  const size_t query = out.find('?');
  if (query == std::string::npos) return out;
  std::vector<std::string> params = absl::StrSplit(out.substr(query + 1), '&');
  for (std::string& param : params) {
    if (absl::StartsWithIgnoreCase(param, "password=")) param = "password=***";
  }
  return absl::StrCat(out.substr(0, query + 1), absl::StrJoin(params, "&"));
}

absl::StatusOr<PgTarget> PgTarget::Parse(absl::string_view url) {
  PgTarget target;
  target.url_ = std::string(url);
  target.display_ = RedactUrlPassword(url);
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(target.url_.c_str(), &error);
  if (options == nullptr) {
    std::string message =
        error != nullptr ? TrimMessage(error) : "out of memory";
    PQfreemem(error);
    const absl::string_view raw = UserInfoPassword(url);
    if (!raw.empty()) {
      message = absl::StrReplaceAll(message, {{raw, "***"}});
    }
    return absl::InvalidArgumentError(
        absl::StrCat("postgresql store ", target.display_,
                     ": not a valid connection URI: ", message));
  }
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (std::strcmp(o->keyword, "password") == 0 && o->val != nullptr &&
        o->val[0] != '\0') {
      target.secrets_.emplace_back(o->val);
    }
  }
  PQconninfoFree(options);
  const absl::string_view raw = UserInfoPassword(url);
  if (!raw.empty()) target.secrets_.emplace_back(raw);
  return target;
}

std::string PgTarget::Redact(absl::string_view text) const {
  std::string out(text);
  for (const std::string& secret : secrets_) {
    out = absl::StrReplaceAll(out, {{secret, "***"}});
  }
  return out;
}

std::string SqlState(const absl::Status& status) {
  const auto payload = status.GetPayload(kSqlStatePayload);
  return payload ? std::string(*payload) : std::string();
}

bool IsRetryableSqlState(absl::string_view sqlstate) {
  return sqlstate == "40001" || sqlstate == "40P01";
}

absl::StatusCode CodeForSqlState(absl::string_view sqlstate) {
  if (IsRetryableSqlState(sqlstate)) return absl::StatusCode::kAborted;
  if (absl::StartsWith(sqlstate, "08") || absl::StartsWith(sqlstate, "53") ||
      sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03" ||
      sqlstate == "25006") {  // read-only: a standby, or failing over
    return absl::StatusCode::kUnavailable;
  }
  if (absl::StartsWith(sqlstate, "22")) {
    return absl::StatusCode::kInvalidArgument;
  }
  if (sqlstate == "42501") return absl::StatusCode::kPermissionDenied;
  if (sqlstate == "3F000") return absl::StatusCode::kFailedPrecondition;
  if (sqlstate == "57014") return absl::StatusCode::kDeadlineExceeded;
  return absl::StatusCode::kInternal;
}

// ---- PgParams ----

PgParams& PgParams::Add(unsigned int type, std::string bytes) {
  types_.push_back(type);
  values_.push_back(std::move(bytes));
  return *this;
}

PgParams& PgParams::Int32(int32_t value) {
  std::string bytes;
  PutBigEndian(bytes, static_cast<uint32_t>(value), 4);
  return Add(kInt4Oid, std::move(bytes));
}

PgParams& PgParams::Int64(int64_t value) {
  std::string bytes;
  PutBigEndian(bytes, static_cast<uint64_t>(value), 8);
  return Add(kInt8Oid, std::move(bytes));
}

PgParams& PgParams::Float8(double value) {
  std::string bytes;
  PutBigEndian(bytes, DoubleBits(value), 8);
  return Add(kFloat8Oid, std::move(bytes));
}

PgParams& PgParams::Text(absl::string_view value) {
  return Add(kTextOid, std::string(value));
}

PgParams& PgParams::Bytea(absl::string_view value) {
  return Add(kByteaOid, std::string(value));
}

PgParams& PgParams::Date(absl::CivilDay day) {
  std::string bytes;
  PutBigEndian(bytes,
               static_cast<uint32_t>(static_cast<int32_t>(day - kPgEpoch)), 4);
  return Add(kDateOid, std::move(bytes));
}

PgParams& PgParams::Int64Array(const std::vector<int64_t>& values) {
  std::vector<std::string> items;
  items.reserve(values.size());
  for (int64_t v : values) {
    items.emplace_back();
    PutBigEndian(items.back(), static_cast<uint64_t>(v), 8);
  }
  return Add(kInt8ArrayOid, ArrayBytes(kInt8Oid, items));
}

PgParams& PgParams::TextArray(const std::vector<std::string>& values) {
  return Add(kTextArrayOid, ArrayBytes(kTextOid, values));
}

PgParams& PgParams::Float8Array(const std::vector<double>& values) {
  std::vector<std::string> items;
  items.reserve(values.size());
  for (double v : values) {
    items.emplace_back();
    PutBigEndian(items.back(), DoubleBits(v), 8);
  }
  return Add(kFloat8ArrayOid, ArrayBytes(kFloat8Oid, items));
}

// ---- PgResult ----

PgResult::PgResult(pg_result* result) : result_(result) {}

PgResult::PgResult(PgResult&& other) noexcept
    : result_(std::exchange(other.result_, nullptr)) {}

PgResult& PgResult::operator=(PgResult&& other) noexcept {
  if (this != &other) {
    PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

PgResult::~PgResult() { PQclear(result_); }

int PgResult::rows() const { return PQntuples(result_); }

int64_t PgResult::affected() const {
  const char* n = PQcmdTuples(result_);
  return n == nullptr || *n == '\0' ? 0 : std::strtoll(n, nullptr, 10);
}

std::string PgResult::command() const {
  const char* tag = PQcmdStatus(result_);
  return tag == nullptr ? "" : tag;
}

bool PgResult::IsNull(int row, int column) const {
  return PQgetisnull(result_, row, column) != 0;
}

int64_t PgResult::Int(int row, int column) const {
  const char* data = PQgetvalue(result_, row, column);
  const int length = PQgetlength(result_, row, column);
  switch (PQftype(result_, column)) {
    case kInt2Oid:
      if (length == 2) return static_cast<int16_t>(GetBigEndian(data, 2));
      break;
    case kInt4Oid:
      if (length == 4) return static_cast<int32_t>(GetBigEndian(data, 4));
      break;
    case kInt8Oid:
      if (length == 8) return static_cast<int64_t>(GetBigEndian(data, 8));
      break;
    case kBoolOid:
      if (length == 1) return data[0] != 0;
      break;
    default:
      break;
  }
  return 0;
}

double PgResult::Float8(int row, int column) const {
  if (PQftype(result_, column) != kFloat8Oid ||
      PQgetlength(result_, row, column) != 8) {
    return 0;
  }
  const uint64_t bits = GetBigEndian(PQgetvalue(result_, row, column), 8);
  double value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

std::string PgResult::Bytes(int row, int column) const {
  switch (PQftype(result_, column)) {
    case kTextOid:
    case kByteaOid:
    case kVarcharOid:
    case kBpcharOid:
    case kNameOid:
      return std::string(PQgetvalue(result_, row, column),
                         PQgetlength(result_, row, column));
    default:
      return "";
  }
}

absl::CivilDay PgResult::Date(int row, int column) const {
  if (PQftype(result_, column) != kDateOid ||
      PQgetlength(result_, row, column) != 4) {
    return kPgEpoch;
  }
  return kPgEpoch + static_cast<int32_t>(
                        GetBigEndian(PQgetvalue(result_, row, column), 4));
}

// ---- PgConnection ----

PgConnection::PgConnection(const PgTarget& target, pg_conn* conn)
    : target_(target),
      name_(absl::StrCat("postgresql store ", target.display())),
      conn_(conn) {}

PgConnection::~PgConnection() { PQfinish(conn_); }

absl::StatusOr<std::unique_ptr<PgConnection>> PgConnection::Connect(
    const PgTarget& target) {
  // Our defaults first, so that the URI's own settings win; then the
  // settings the store relies on.
  const char* const keywords[] = {"connect_timeout", "application_name",
                                  "keepalives_idle", "dbname",
                                  "client_encoding", nullptr};
  const char* const values[] = {"10",   "dyadtoned", "30", target.url().c_str(),
                                "UTF8", nullptr};
  pg_conn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) {
    return absl::ResourceExhaustedError(
        absl::StrCat("postgresql store ", target.display(), ": out of memory"));
  }
  std::unique_ptr<PgConnection> c(new PgConnection(target, conn));
  if (PQstatus(conn) != CONNECTION_OK) {
    return absl::UnavailableError(
        absl::StrCat(c->name(), ": cannot connect: ",
                     target.Redact(TrimMessage(PQerrorMessage(conn)))));
  }
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);  // no NOTICEs on stderr
  const char* encoding = PQparameterStatus(conn, "server_encoding");
  if (encoding == nullptr || (std::strcmp(encoding, "UTF8") != 0 &&
                              std::strcmp(encoding, "SQL_ASCII") != 0)) {
    return absl::FailedPreconditionError(absl::StrCat(
        c->name(), ": the database's encoding is ",
        encoding ? encoding : "unknown",
        "; the store needs UTF8 (CREATE DATABASE ... ENCODING 'UTF8')"));
  }
  absl::StatusOr<PgResult> set = c->Exec(
      "SET synchronous_commit = on; "
      "SET idle_in_transaction_session_timeout = '60s'");
  if (!set.ok()) return set.status();
  return c;
}

bool PgConnection::ok() const { return PQstatus(conn_) == CONNECTION_OK; }

bool PgConnection::idle() const {
  return ok() && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

bool PgConnection::StillOpen() {
  if (!ok()) return false;
  pollfd fd{PQsocket(conn_), POLLIN, 0};
  if (fd.fd < 0) return false;
  if (poll(&fd, 1, 0) <= 0) return true;  // nothing arrived: as it was
  // Something arrived while idle: a notice, or the server's goodbye.
  if (PQconsumeInput(conn_) == 0) return false;
  return ok();
}

absl::Status PgConnection::Failure(absl::string_view what, pg_result* result) {
  const char* sqlstate = result != nullptr
                             ? PQresultErrorField(result, PG_DIAG_SQLSTATE)
                             : nullptr;
  std::string message = TrimMessage(
      result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
  if (message.empty()) message = TrimMessage(PQerrorMessage(conn_));
  message = target_.Redact(message);
  absl::Status status;
  if (!ok()) {
    status = absl::UnavailableError(
        absl::StrCat(name_, ": ", what, ": connection lost: ", message));
  } else {
    const absl::string_view state = sqlstate != nullptr ? sqlstate : "";
    status = absl::Status(
        CodeForSqlState(state),
        absl::StrCat(
            name_, ": ", what, ": ", message,
            state.empty() ? "" : absl::StrCat(" (SQLSTATE ", state, ")")));
  }
  if (sqlstate != nullptr) {
    status.SetPayload(kSqlStatePayload, absl::Cord(sqlstate));
  }
  return status;
}

absl::StatusOr<PgResult> PgConnection::Check(absl::string_view what,
                                             pg_result* result) {
  PgResult owned(result);
  const ExecStatusType st =
      result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return owned;
  return Failure(what, result);
}

absl::StatusOr<PgResult> PgConnection::Run(const PgStatement& statement,
                                           const PgParams& params) {
  const int n = params.size();
  if (!prepared_.contains(statement.name)) {
    absl::StatusOr<PgResult> prepared =
        Check(absl::StrCat("preparing ", statement.name),
              PQprepare(conn_, statement.name, statement.sql, n,
                        params.types_.data()));
    if (!prepared.ok()) return prepared.status();
    prepared_.insert(statement.name);
  }
  std::vector<const char*> values(n);
  std::vector<int> lengths(n);
  std::vector<int> formats(n, 1);
  for (int i = 0; i < n; ++i) {
    values[i] = params.values_[i].data();
    lengths[i] = static_cast<int>(params.values_[i].size());
  }
  return Check(statement.name,
               PQexecPrepared(conn_, statement.name, n, values.data(),
                              lengths.data(), formats.data(),
                              /*resultFormat=*/1));
}

absl::StatusOr<PgResult> PgConnection::Exec(const char* sql) {
  absl::string_view what(sql);
  what = what.substr(0, what.find_first_of(" ;"));
  return Check(what, PQexec(conn_, sql));
}

uint64_t StableHash(std::initializer_list<absl::string_view> parts) {
  uint64_t h = 14695981039346656037ull;
  const auto mix = [&h](unsigned char byte) {
    h ^= byte;
    h *= 1099511628211ull;
  };
  for (absl::string_view part : parts) {
    for (int i = 0; i < 8; ++i) mix((part.size() >> (8 * i)) & 0xff);
    for (char c : part) mix(static_cast<unsigned char>(c));
  }
  return h;
}

}  // namespace dyadtone
