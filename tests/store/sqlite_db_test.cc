#include "service/store/sqlite_db.h"

#include <sqlite3.h>

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/store/store_test_util.h"
#include "tests/test_util.h"

namespace dyadtone {
namespace {

using ::testing::HasSubstr;

TEST(SqliteStatusTest, CodesMapOntoStatuses) {
  const struct {
    int rc;
    absl::StatusCode code;
  } cases[] = {
      {SQLITE_BUSY, absl::StatusCode::kUnavailable},
      {SQLITE_BUSY_SNAPSHOT, absl::StatusCode::kUnavailable},
      {SQLITE_LOCKED, absl::StatusCode::kUnavailable},
      {SQLITE_IOERR, absl::StatusCode::kUnavailable},
      {SQLITE_IOERR_FSYNC, absl::StatusCode::kUnavailable},
      {SQLITE_CANTOPEN, absl::StatusCode::kUnavailable},
      {SQLITE_READONLY, absl::StatusCode::kUnavailable},
      {SQLITE_CORRUPT, absl::StatusCode::kDataLoss},
      {SQLITE_NOTADB, absl::StatusCode::kDataLoss},
      {SQLITE_FULL, absl::StatusCode::kResourceExhausted},
      {SQLITE_CONSTRAINT_TRIGGER, absl::StatusCode::kInternal},
      {SQLITE_ERROR, absl::StatusCode::kInternal},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(SqliteStatus(c.rc, "context", "detail"),
                StatusIs(c.code, "context: detail"))
        << sqlite3_errstr(c.rc);
  }
}

class SqliteDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<SqliteDb>> db =
        SqliteDb::Open(dir_.File("db.sqlite"), 100);
    ASSERT_THAT(db, IsOk());
    db_ = std::move(*db);
    ASSERT_THAT(db_->Exec("CREATE TABLE t (k TEXT, v BLOB)"), IsOk());
  }

  void Insert(const std::string& k, const std::string& v) {
    absl::StatusOr<SqliteStatement> st =
        db_->Prepare("INSERT INTO t VALUES (?1, ?2)");
    ASSERT_THAT(st, IsOk());
    st->BindText(1, k);
    st->BindBlob(2, v);
    EXPECT_THAT(st->Run(), IsOk());
  }

  int64_t Count() {
    absl::StatusOr<SqliteStatement> st = db_->Prepare("SELECT count(*) FROM t");
    EXPECT_THAT(st, IsOk());
    EXPECT_THAT(st->Step(), IsOk());
    return st->ColumnInt(0);
  }

  TempDir dir_;
  std::unique_ptr<SqliteDb> db_;
};

TEST_F(SqliteDbTest, ValuesRoundTripAsBytes) {
  const std::string binary("a\0b\xff", 4);
  Insert(binary, binary);
  Insert("", "");
  absl::StatusOr<SqliteStatement> st =
      db_->Prepare("SELECT k, v, typeof(k), typeof(v) FROM t ORDER BY rowid");
  ASSERT_THAT(st, IsOk());
  const std::string want[][4] = {{binary, binary, "text", "blob"},
                                 {"", "", "text", "blob"}};
  for (const auto& row : want) {
    ASSERT_THAT(st->Step(), IsOk());
    for (int col = 0; col < 4; ++col) {
      EXPECT_EQ(st->ColumnBytes(col), row[col]) << col;
    }
  }
  EXPECT_FALSE(*st->Step());
}

TEST_F(SqliteDbTest, SameStatementTwiceAtOnce) {
  Insert("a", "1");
  Insert("b", "2");
  constexpr char kSql[] = "SELECT k FROM t ORDER BY k";
  absl::StatusOr<SqliteStatement> outer = db_->Prepare(kSql);
  ASSERT_THAT(outer, IsOk());
  ASSERT_TRUE(*outer->Step());
  {
    absl::StatusOr<SqliteStatement> inner = db_->Prepare(kSql);
    ASSERT_THAT(inner, IsOk());
    ASSERT_TRUE(*inner->Step());
    EXPECT_EQ(inner->ColumnBytes(0), "a");
  }
  ASSERT_TRUE(*outer->Step());
  EXPECT_EQ(outer->ColumnBytes(0), "b");
}

TEST_F(SqliteDbTest, BindErrorsSurfaceOnStep) {
  absl::StatusOr<SqliteStatement> st = db_->Prepare("SELECT ?1");
  ASSERT_THAT(st, IsOk());
  st->BindInt(2, 5);
  EXPECT_THAT(st->Step(), StatusIs(absl::StatusCode::kInternal,
                                   HasSubstr("binding parameter 2")));
}

TEST_F(SqliteDbTest, TransactionsRollBackUnlessCommitted) {
  {
    absl::StatusOr<SqliteTransaction> tx = SqliteTransaction::BeginWrite(*db_);
    ASSERT_THAT(tx, IsOk());
    Insert("a", "1");
  }
  EXPECT_FALSE(db_->InTransaction());
  EXPECT_EQ(Count(), 0);
  absl::StatusOr<SqliteTransaction> tx = SqliteTransaction::BeginWrite(*db_);
  ASSERT_THAT(tx, IsOk());
  Insert("a", "1");
  EXPECT_THAT(tx->Commit(), IsOk());
  EXPECT_EQ(Count(), 1);
}

TEST_F(SqliteDbTest, BadSqlNamesTheFileAndStatement) {
  EXPECT_THAT(db_->Prepare("SELECT nothing FROM nowhere"),
              StatusIs(absl::StatusCode::kInternal,
                       HasSubstr("SELECT nothing FROM nowhere")));
  EXPECT_THAT(db_->Exec("DROP TABLE nowhere"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("db.sqlite")));
}

}  // namespace
}  // namespace dyadtone
