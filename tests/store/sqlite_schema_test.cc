#include "service/store/sqlite_schema.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/store/store_test_util.h"
#include "tests/test_util.h"

namespace dyadtone {
namespace {

using ::testing::HasSubstr;

constexpr int32_t kAppId = 77;
// Without IF NOT EXISTS, so a step that ran twice would fail.
constexpr char kCreateT1[] = "CREATE TABLE t1 (x INTEGER)";
constexpr char kCreateT2[] =
    "CREATE TABLE t2 (y INTEGER); "
    "INSERT INTO t2 VALUES (2)";

class SqliteSchemaTest : public ::testing::Test {
 protected:
  absl::Status Migrate(const SqliteSchema& schema) {
    absl::StatusOr<std::unique_ptr<SqliteDb>> db =
        SqliteDb::Open(path_, /*busy_timeout_ms=*/100);
    if (!db.ok()) return db.status();
    return MigrateSqliteSchema(**db, schema);
  }

  int64_t Version() { return RawDb(path_).QueryInt("PRAGMA user_version"); }
  int64_t Tables() {
    return RawDb(path_).QueryInt(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table'");
  }

  TempDir dir_;
  const std::string path_ = dir_.File("schema.db");
};

TEST_F(SqliteSchemaTest, NewFileGetsEveryStep) {
  EXPECT_THAT(Migrate({kAppId, {{1, kCreateT1}, {2, kCreateT2}}}), IsOk());
  EXPECT_EQ(Version(), 2);
  EXPECT_EQ(RawDb(path_).QueryInt("PRAGMA application_id"), kAppId);
  EXPECT_EQ(RawDb(path_).QueryInt("SELECT y FROM t2"), 2);
}

TEST_F(SqliteSchemaTest, OlderFileGetsTheMissingSteps) {
  ASSERT_THAT(Migrate({kAppId, {{1, kCreateT1}}}), IsOk());
  ASSERT_EQ(Version(), 1);
  EXPECT_THAT(Migrate({kAppId, {{1, kCreateT1}, {2, kCreateT2}}}), IsOk());
  EXPECT_EQ(Version(), 2);
  EXPECT_EQ(Tables(), 2);
  EXPECT_THAT(Migrate({kAppId, {{1, kCreateT1}, {2, kCreateT2}}}), IsOk());
}

TEST_F(SqliteSchemaTest, FailingStepLeavesTheFileAsItWas) {
  EXPECT_THAT(Migrate({kAppId, {{1, kCreateT1}, {2, "CREATE TABLE t1 (z)"}}}),
              StatusIs(absl::StatusCode::kInternal,
                       HasSubstr("migrating to schema version 2")));
  EXPECT_EQ(Version(), 0);
  EXPECT_EQ(Tables(), 0);
}

TEST_F(SqliteSchemaTest, NewerFileIsRefused) {
  ASSERT_THAT(Migrate({kAppId, {{1, kCreateT1}, {2, kCreateT2}}}), IsOk());
  EXPECT_THAT(Migrate({kAppId, {{1, kCreateT1}}}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("schema version 2 is newer than this build "
                                 "knows (1)")));
  EXPECT_EQ(Version(), 2);
}

TEST_F(SqliteSchemaTest, OtherApplicationsFileIsRefused) {
  ASSERT_THAT(Migrate({kAppId, {{1, kCreateT1}}}), IsOk());
  EXPECT_THAT(Migrate({kAppId + 1, {{1, kCreateT1}}}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("application_id 77")));
}

TEST_F(SqliteSchemaTest, StepsMustBeNumberedInOrder) {
  EXPECT_THAT(Migrate({kAppId, {{2, kCreateT1}}}),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("in order")));
  EXPECT_EQ(Tables(), 0);
}

TEST(ArticleStoreSchemaTest, StepsAreNumberedInOrder) {
  const SqliteSchema& schema = ArticleStoreSchema();
  ASSERT_FALSE(schema.steps.empty());
  for (size_t i = 0; i < schema.steps.size(); ++i) {
    EXPECT_EQ(schema.steps[i].version, static_cast<int>(i) + 1);
  }
  EXPECT_NE(schema.application_id, 0);
}

TEST(DayNumberTest, DaysSinceTheEpoch) {
  const struct {
    absl::CivilDay day;
    int64_t number;
  } cases[] = {
      {absl::CivilDay(1970, 1, 1), 0},
      {absl::CivilDay(1969, 12, 31), -1},
      {absl::CivilDay(2024, 2, 29), 19782},
      {absl::CivilDay(1, 1, 1), -719162},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(DayNumber(c.day), c.number) << c.day;
    EXPECT_EQ(DayFromNumber(c.number), c.day) << c.number;
  }
}

}  // namespace
}  // namespace dyadtone
