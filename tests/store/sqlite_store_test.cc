// What only the SQLite backend does: its file, its locks, its failures.
// The behaviour every backend shares is in article_store_test.cc.

#include "service/store/sqlite_store.h"

#include <fstream>
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/store/sqlite_schema.h"
#include "tests/store/store_test_util.h"
#include "tests/test_util.h"

namespace dyadtone {
namespace {

using ::testing::HasSubstr;

const DyadKey kPakUsa{"PAK", "USA"};
constexpr absl::CivilDay kDay(2024, 3, 1);

StoredArticle Article(const std::string& id, const std::string& print,
                      double tone) {
  StoredArticle article;
  article.id = id;
  article.date = kDay;
  article.text_fingerprint = print;
  article.score = "score";
  StoredDyad dyad;
  dyad.dyad = kPakUsa;
  dyad.tone = tone;
  article.dyads.push_back(dyad);
  return article;
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

std::unique_ptr<ArticleStore> MustOpen(const std::string& path,
                                       const SqliteStoreOptions& options = {}) {
  absl::StatusOr<std::unique_ptr<ArticleStore>> store =
      OpenSqliteStore(path, options);
  EXPECT_THAT(store, IsOk());
  return store.ok() ? std::move(*store) : nullptr;
}

TEST(SqliteStoreTest, NewFileIsInWalModeAtTheCurrentVersion) {
  TempDir dir;
  const std::string path = dir.File("new.db");
  std::unique_ptr<ArticleStore> store = MustOpen(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->backend(), "sqlite");
  RawDb raw(path);
  EXPECT_EQ(raw.QueryText("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.QueryInt("PRAGMA user_version"),
            ArticleStoreSchema().steps.back().version);
  EXPECT_EQ(raw.QueryInt("PRAGMA application_id"),
            ArticleStoreSchema().application_id);
}

TEST(SqliteStoreTest, EmptyFileIsMigrated) {
  TempDir dir;
  const std::string path = dir.File("empty.db");
  WriteFile(path, "");
  std::unique_ptr<ArticleStore> store = MustOpen(path);
  ASSERT_NE(store, nullptr);
  EXPECT_THAT(store->PutBatch({Article("a", "p", 0.5)}), IsOk());
  EXPECT_EQ(RawDb(path).QueryInt("SELECT count(*) FROM articles"), 1);
}

// A store written by a build of schema version 1 (top articles in their own
// table) opens with every figure and top list in place, and takes writes.
TEST(SqliteStoreTest, VersionOneFileIsMigratedWithItsTopLists) {
  TempDir dir;
  const std::string path = dir.File("v1.db");
  {
    absl::StatusOr<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(path, 100);
    ASSERT_THAT(db, IsOk());
    const SqliteSchema& current = ArticleStoreSchema();
    ASSERT_THAT(MigrateSqliteSchema(
                    **db, {current.application_id, {current.steps[0]}}),
                IsOk());
  }
  // What version 1 wrote for four articles on one day: the rollup row and
  // the top three by |tone|.
  const int64_t day = DayNumber(kDay);
  RawDb raw(path);
  ASSERT_EQ(raw.QueryInt("PRAGMA user_version"), 1);
  const std::string day_text = std::to_string(day);
  ASSERT_EQ(raw.Exec(
                "INSERT INTO articles VALUES ('a', " + day_text + ", 'p', 'l', 'g', x''), "
                "('b', " + day_text + ", 'p', 'l', 'g', x''), "
                "('c', " + day_text + ", 'p', 'l', 'g', x''), "
                "('d', " + day_text + ", 'p', 'l', 'g', x'');"
                "INSERT INTO article_dyads VALUES "
                "('a', 0, 'PAK', 'USA', " + day_text + ", 0.1, 1, 1, 0, 0, 0), "
                "('b', 0, 'PAK', 'USA', " + day_text + ", -0.9, 1, 0, 0, 1, 0), "
                "('c', 0, 'PAK', 'USA', " + day_text + ", 0.5, 1, 1, 0, 0, 0), "
                "('d', 0, 'PAK', 'USA', " + day_text + ", 0.3, 1, 1, 0, 0, 0);"
                "INSERT INTO dyad_day_rollups VALUES ('PAK', 'USA', " + day_text +
                ", 4, 0.0, 1.16, 3, 0, 1, 0);"
                "INSERT INTO dyad_day_top VALUES "
                "('PAK', 'USA', " + day_text + ", 0, 'b', -0.9), "
                "('PAK', 'USA', " + day_text + ", 1, 'c', 0.5), "
                "('PAK', 'USA', " + day_text + ", 2, 'd', 0.3);"),
            "");

  std::unique_ptr<ArticleStore> store = MustOpen(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(raw.QueryInt("PRAGMA user_version"),
            ArticleStoreSchema().steps.back().version);
  EXPECT_EQ(raw.QueryInt("SELECT count(*) FROM sqlite_master WHERE name = "
                         "'dyad_day_top'"),
            0);
  absl::StatusOr<std::vector<DayRollup>> days =
      store->DailyRollups(kPakUsa, kDay, kDay);
  ASSERT_THAT(days, IsOk());
  ASSERT_EQ(days->size(), 1u);
  EXPECT_EQ((*days)[0].articles, 4);
  EXPECT_NEAR((*days)[0].tone_sum_squares, 1.16, 1e-12);
  using Top = TopArticles;
  EXPECT_EQ((*days)[0].top, (Top{{"b", -0.9}, {"c", 0.5}, {"d", 0.3}}));
  // Version 3 counted the articles already there.
  const auto count = [&store]() -> int64_t {
    absl::StatusOr<int64_t> n = store->CountArticles();
    return n.ok() ? *n : -1;
  };
  EXPECT_EQ(count(), 4);

  // Replacing the top article recomputes the list from the articles.
  ASSERT_THAT(store->PutBatch({Article("b", "p2", 0.05)}), IsOk());
  days = store->DailyRollups(kPakUsa, kDay, kDay);
  ASSERT_THAT(days, IsOk());
  EXPECT_EQ((*days)[0].top, (Top{{"c", 0.5}, {"d", 0.3}, {"a", 0.1}}));
  // A replacement is not a new article; a new one is, and so is a deleted
  // row (no code path deletes articles; the trigger keeps the count exact
  // if one ever does).
  EXPECT_EQ(count(), 4);
  ASSERT_THAT(store->PutBatch({Article("e", "p", 0.2)}), IsOk());
  EXPECT_EQ(count(), 5);
  ASSERT_EQ(raw.Exec("DELETE FROM articles WHERE id = 'e'"), "");
  EXPECT_EQ(count(), 4);
}

TEST(SqliteStoreTest, NewerSchemaVersionIsRefusedAndLeftAlone) {
  TempDir dir;
  const std::string path = dir.File("future.db");
  MustOpen(path);
  ASSERT_EQ(RawDb(path).Exec("PRAGMA user_version = 99"), "");
  EXPECT_THAT(OpenSqliteStore(path),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("schema version 99 is newer")));
  EXPECT_EQ(RawDb(path).QueryInt("PRAGMA user_version"), 99);
}

TEST(SqliteStoreTest, OtherDatabasesAreRefused) {
  const struct {
    std::string name;
    std::string sql;
  } cases[] = {
      {"other tables", "CREATE TABLE notes (text TEXT)"},
      {"other application", "PRAGMA application_id = 1234"},
  };
  for (const auto& c : cases) {
    TempDir dir;
    const std::string path = dir.File("other.db");
    ASSERT_EQ(RawDb(path).Exec(c.sql), "") << c.name;
    EXPECT_THAT(OpenSqliteStore(path),
                StatusIs(absl::StatusCode::kFailedPrecondition,
                         HasSubstr("not a dyadtone store")))
        << c.name;
  }
}

TEST(SqliteStoreTest, FileThatIsNotADatabaseIsDataLoss) {
  TempDir dir;
  const std::string path = dir.File("garbage.db");
  WriteFile(path, std::string(8192, 'x'));
  EXPECT_THAT(OpenSqliteStore(path),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr(path)));
}

TEST(SqliteStoreTest, FileThatCannotBeOpenedIsUnavailable) {
  TempDir dir;
  EXPECT_THAT(OpenSqliteStore(dir.File("missing/dir/store.db")),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("opening")));
  EXPECT_THAT(OpenSqliteStore(""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("path")));
}

// Another process holding the write lock: a batch waits out the busy
// timeout, fails with Unavailable and leaves nothing; reads go on (WAL).
TEST(SqliteStoreTest, LockedFileIsUnavailable) {
  TempDir dir;
  const std::string path = dir.File("locked.db");
  SqliteStoreOptions options;
  options.busy_timeout_ms = 50;
  std::unique_ptr<ArticleStore> store = MustOpen(path, options);
  ASSERT_NE(store, nullptr);
  RawDb other(path);
  ASSERT_EQ(other.Exec("BEGIN IMMEDIATE"), "");
  EXPECT_THAT(store->PutBatch({Article("a", "p", 0.5)}),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("locked")));
  EXPECT_THAT(store->CountArticles(), IsOk());
  ASSERT_EQ(other.Exec("ROLLBACK"), "");
  EXPECT_EQ(*store->CountArticles(), 0);
  EXPECT_THAT(store->PutBatch({Article("a", "p", 0.5)}), IsOk());
  EXPECT_EQ(*store->CountArticles(), 1);
}

// A failure half-way through a batch, raised by the database itself after
// earlier articles were written in the transaction, rolls all of it back.
TEST(SqliteStoreTest, FailureInsideTheTransactionRollsBackTheBatch) {
  TempDir dir;
  const std::string path = dir.File("fault.db");
  std::unique_ptr<ArticleStore> store = MustOpen(path);
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->PutBatch({Article("x", "v1", 0.5)}), IsOk());
  RawDb other(path);
  ASSERT_EQ(other.Exec("CREATE TRIGGER fault BEFORE INSERT ON articles "
                       "WHEN NEW.id = 'poison' "
                       "BEGIN SELECT RAISE(ABORT, 'injected fault'); END"),
            "");
  EXPECT_THAT(
      store->PutBatch({Article("y", "v1", -0.9), Article("x", "v2", 0.1),
                       Article("poison", "v1", 0.2)}),
      StatusIs(absl::StatusCode::kInternal, HasSubstr("injected fault")));
  EXPECT_THAT(store->GetArticle("y"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("y")));
  absl::StatusOr<StoredArticle> x = store->GetArticle("x");
  ASSERT_THAT(x, IsOk());
  EXPECT_EQ(x->text_fingerprint, "v1");
  absl::StatusOr<std::vector<DayRollup>> days =
      store->DailyRollups(kPakUsa, kDay, kDay);
  ASSERT_THAT(days, IsOk());
  ASSERT_EQ(days->size(), 1u);
  EXPECT_EQ((*days)[0].articles, 1);
  EXPECT_EQ((*days)[0].tone_sum, 0.5);

  ASSERT_EQ(other.Exec("DROP TRIGGER fault"), "");
  EXPECT_THAT(
      store->PutBatch({Article("y", "v1", -0.9), Article("poison", "v1", 0.2)}),
      IsOk());
  EXPECT_EQ(*store->CountArticles(), 3);
}

TEST(SqliteStoreTest, TwoStoresOnOneFileSeeEachOther) {
  TempDir dir;
  const std::string path = dir.File("shared.db");
  std::unique_ptr<ArticleStore> first = MustOpen(path);
  std::unique_ptr<ArticleStore> second = MustOpen(path);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_THAT(first->PutBatch({Article("a", "p", 0.5)}), IsOk());
  absl::StatusOr<std::vector<PutOutcome>> outcomes =
      second->PutBatch({Article("a", "p", 0.5), Article("b", "p", 0.5)});
  ASSERT_THAT(outcomes, IsOk());
  EXPECT_EQ((*outcomes)[0], PutOutcome::kUnchanged);
  EXPECT_EQ(*first->CountArticles(), 2);
}

}  // namespace
}  // namespace dyadtone
