// What only the PostgreSQL backend does: its URL and the password in it,
// its schema migrations, its retries, its connections and their loss. The
// behaviour every backend shares is in article_store_test.cc.
//
// Needs a server (tests/store/postgres_test_util.h); skips, saying so,
// without one.

#include "service/store/postgres_store.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/store/postgres_conn.h"
#include "service/store/postgres_schema.h"
#include "tests/store/postgres_test_util.h"
#include "tests/test_util.h"

namespace dyadtone {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

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
  dyad.quad_counts = {1, 0, 0, 0};
  dyad.signals = 1;
  article.dyads.push_back(dyad);
  return article;
}

int LatestVersion() { return PostgresArticleStoreMigrations().back().version; }

// ---- Without a server ----

TEST(PostgresUrlTest, RedactsThePasswordOfAUrl) {
  const struct {
    std::string url;
    std::string want;
  } cases[] = {
      {"postgresql://user:secret@host:5432/db",
       "postgresql://user:***@host:5432/db"},
      {"postgres://user@host/db", "postgres://user@host/db"},
      {"postgresql://host/db?user=u&password=secret&sslmode=require",
       "postgresql://host/db?user=u&password=***&sslmode=require"},
      {"postgresql://u:p%40ss@h1,h2/db", "postgresql://u:***@h1,h2/db"},
      {"postgresql:///db?host=/tmp", "postgresql:///db?host=/tmp"},
      {"mysql://root:hunter2@host/db", "mysql://root:***@host/db"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(RedactUrlPassword(c.url), c.want) << c.url;
  }
}

TEST(PostgresUrlTest, BadUrlsAreInvalidArgumentsWithoutThePassword) {
  for (const std::string url :
       {"postgresql://u:s3cr3t-pw@host/db?no_such_option=1",
        "postgresql://u:s3cr3t-pw@host:port/db?password=s3cr3t-pw&x=%zz"}) {
    EXPECT_THAT(OpenStore(url), StatusIs(absl::StatusCode::kInvalidArgument,
                                         AllOf(HasSubstr("postgresql store"),
                                               HasSubstr("u:***@host"),
                                               Not(HasSubstr("s3cr3t-pw")))))
        << url;
  }
  EXPECT_THAT(
      OpenStore("mysql://root:hunter2@host/db"),
      StatusIs(absl::StatusCode::kInvalidArgument, Not(HasSubstr("hunter2"))));
}

TEST(PostgresUrlTest, UnreachableServerIsUnavailableWithoutThePassword) {
  // Port 1 on loopback: nothing listens there.
  EXPECT_THAT(OpenStore("postgresql://dyadtone:s3cr3t-pw@127.0.0.1:1/dyadtone"),
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr("postgresql store "
                                       "postgresql://dyadtone:***@127.0.0.1:1/"
                                       "dyadtone: cannot connect"),
                             Not(HasSubstr("s3cr3t-pw")))));
}

TEST(PostgresSqlStateTest, Codes) {
  EXPECT_EQ(CodeForSqlState("40001"), absl::StatusCode::kAborted);
  EXPECT_EQ(CodeForSqlState("40P01"), absl::StatusCode::kAborted);
  EXPECT_EQ(CodeForSqlState("08006"), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CodeForSqlState("57P01"), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CodeForSqlState("53300"), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CodeForSqlState("22021"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeForSqlState("42501"), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CodeForSqlState("42P01"), absl::StatusCode::kInternal);
  EXPECT_TRUE(IsRetryableSqlState("40001"));
  EXPECT_TRUE(IsRetryableSqlState("40P01"));
  EXPECT_FALSE(IsRetryableSqlState("23505"));
}

// ---- With a server ----

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = TestPostgresUrl();
    if (server_.empty()) GTEST_SKIP() << kNoPostgresMessage;
    schema_ = std::make_unique<PgTestSchema>(server_);
  }

  // The test schema's URL, with more libpq parameters if given.
  std::string Url(const std::string& more = "") const {
    return more.empty() ? schema_->url()
                        : WithUrlParameter(schema_->url(), more);
  }

  std::unique_ptr<ArticleStore> MustOpen(const std::string& url,
                                         const PostgresStoreOptions& o = {}) {
    absl::StatusOr<std::unique_ptr<ArticleStore>> store =
        OpenPostgresStore(url, o);
    EXPECT_THAT(store, IsOk());
    return store.ok() ? std::move(*store) : nullptr;
  }

  // A connection to the test schema from outside the store.
  std::unique_ptr<PgAdmin> Admin() const {
    return std::make_unique<PgAdmin>(schema_->url());
  }

  // The password of the server URL ("" when it has none).
  std::string Password() const {
    const size_t scheme = server_.find("://");
    const size_t at = server_.find('@');
    if (scheme == std::string::npos || at == std::string::npos) return "";
    const std::string user_info = server_.substr(scheme + 3, at - scheme - 3);
    const size_t colon = user_info.find(':');
    return colon == std::string::npos ? "" : user_info.substr(colon + 1);
  }

  std::string server_;
  std::unique_ptr<PgTestSchema> schema_;
};

TEST_F(PostgresStoreTest, NewSchemaIsAtTheCurrentVersion) {
  std::unique_ptr<ArticleStore> store = MustOpen(Url());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->backend(), "postgresql");
  auto admin = Admin();
  EXPECT_EQ(admin->QueryInt("SELECT version FROM dyadtone_schema_version"),
            LatestVersion());
  EXPECT_EQ(
      admin->QueryInt("SELECT count(*) FROM pg_tables WHERE schemaname = '" +
                      schema_->name() + "'"),
      5);
  // Opening again migrates nothing and keeps the data.
  ASSERT_THAT(store->PutBatch({Article("a", "p", 0.5)}), IsOk());
  store = MustOpen(Url());
  ASSERT_NE(store, nullptr);
  absl::StatusOr<int64_t> count = store->CountArticles();
  ASSERT_THAT(count, IsOk());
  EXPECT_EQ(*count, 1);
}

TEST_F(PostgresStoreTest, NewerSchemaVersionIsRefusedAndLeftAlone) {
  MustOpen(Url());
  auto admin = Admin();
  ASSERT_EQ(admin->Exec("UPDATE dyadtone_schema_version SET version = 99"), "");
  EXPECT_THAT(OpenPostgresStore(Url()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("version 99"), HasSubstr("newer"),
                             HasSubstr(schema_->name()))));
  EXPECT_EQ(admin->QueryInt("SELECT version FROM dyadtone_schema_version"), 99);
}

TEST_F(PostgresStoreTest, ForeignTablesAreRefusedAndLeftAlone) {
  auto admin = Admin();
  ASSERT_EQ(admin->Exec("CREATE TABLE articles (title text)"), "");
  EXPECT_THAT(OpenPostgresStore(Url()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("not a dyadtone store")));
  EXPECT_EQ(
      admin->QueryInt("SELECT count(*) FROM pg_tables WHERE schemaname = '" +
                      schema_->name() + "'"),
      1);
}

TEST_F(PostgresStoreTest, FailingMigrationChangesNothing) {
  absl::StatusOr<PgTarget> target = PgTarget::Parse(Url());
  ASSERT_THAT(target, IsOk());
  absl::StatusOr<std::unique_ptr<PgConnection>> conn =
      PgConnection::Connect(*target);
  ASSERT_THAT(conn, IsOk());
  const std::vector<PgMigration> steps = {
      {1, "CREATE TABLE one (x integer)"},
      {2, "CREATE TABLE two (x integer); SELECT 1 / 0"},
  };
  EXPECT_THAT(MigratePostgresSchema(**conn, steps),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("schema version 2"),
                             HasSubstr("division by zero"))));
  EXPECT_TRUE((*conn)->idle());
  EXPECT_EQ(
      Admin()->QueryInt("SELECT count(*) FROM pg_tables WHERE schemaname = '" +
                        schema_->name() + "'"),
      0);
  // The steps that work, then one more later.
  ASSERT_THAT(MigratePostgresSchema(**conn, {steps[0]}), IsOk());
  ASSERT_THAT(MigratePostgresSchema(
                  **conn, {steps[0], {2, "CREATE TABLE two (x integer)"}}),
              IsOk());
  EXPECT_EQ(Admin()->QueryInt("SELECT version FROM dyadtone_schema_version"),
            2);
}

// Replicas starting at once: without the migration lock, all but one
// would fail on CREATE TABLE.
TEST_F(PostgresStoreTest, ReplicasStartingAtOnceMigrateOnce) {
  constexpr int kReplicas = 8;
  std::vector<absl::Status> results(kReplicas);
  std::vector<std::thread> threads;
  for (int i = 0; i < kReplicas; ++i) {
    threads.emplace_back(
        [&, i] { results[i] = OpenPostgresStore(Url()).status(); });
  }
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < kReplicas; ++i) EXPECT_THAT(results[i], IsOk()) << i;
  EXPECT_EQ(Admin()->QueryInt("SELECT version FROM dyadtone_schema_version"),
            LatestVersion());
}

TEST_F(PostgresStoreTest, WrongPasswordIsUnavailableWithoutThePassword) {
  const std::string password = Password();
  if (password.empty()) GTEST_SKIP() << "the test server URL has no password";
  const std::string wrong = "wrong-" + password;
  const std::string url = absl::StrReplaceAll(server_, {{password, wrong}});
  absl::Status s = OpenStore(url).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_THAT(std::string(s.message()),
              AllOf(HasSubstr(":***@"), HasSubstr("password authentication"),
                    Not(HasSubstr(wrong)), Not(HasSubstr(password))));
}

// Sessions keep synchronous_commit on, whatever the URL or the server say,
// so that a returned PutBatch is durable.
TEST_F(PostgresStoreTest, CommitsAreSynchronous) {
  std::unique_ptr<ArticleStore> store =
      MustOpen(schema_->url("-csynchronous_commit%3Doff"));
  ASSERT_NE(store, nullptr);
  auto admin = Admin();
  ASSERT_EQ(admin->Exec(R"sql(
    CREATE TABLE seen (setting text);
    CREATE FUNCTION note_setting() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO seen VALUES (current_setting('synchronous_commit'));
      RETURN NEW;
    END $$;
    CREATE TRIGGER note BEFORE INSERT ON articles
      FOR EACH ROW EXECUTE FUNCTION note_setting();
  )sql"),
            "");
  ASSERT_THAT(store->PutBatch({Article("a", "p", 0.5)}), IsOk());
  EXPECT_EQ(admin->QueryText("SELECT string_agg(setting, ',') FROM seen"),
            "on");
}

// A trigger that fails the first inserts with serialization failures and
// deadlocks (a sequence counts them: it is not rolled back).
constexpr char kInjectFailures[] = R"sql(
  CREATE SEQUENCE failures;
  CREATE FUNCTION fail_first() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE n bigint := nextval('failures');
  BEGIN
    IF n <= 2 THEN
      RAISE EXCEPTION 'injected serialization failure %', n
        USING ERRCODE = 'serialization_failure';
    ELSIF n = 3 THEN
      RAISE EXCEPTION 'injected deadlock' USING ERRCODE = 'deadlock_detected';
    ELSIF NEW.id = 'always' THEN
      RAISE EXCEPTION 'injected again' USING ERRCODE = 'serialization_failure';
    END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER fail_first BEFORE INSERT ON articles
    FOR EACH ROW EXECUTE FUNCTION fail_first();
)sql";

TEST_F(PostgresStoreTest, SerializationFailuresAndDeadlocksAreRetried) {
  PostgresStoreOptions options;
  options.max_attempts = 5;
  std::unique_ptr<ArticleStore> store = MustOpen(Url(), options);
  ASSERT_NE(store, nullptr);
  auto admin = Admin();
  ASSERT_EQ(admin->Exec(kInjectFailures), "");
  // Runs 1-3 fail (two serialization failures, a deadlock); run 4 commits.
  absl::StatusOr<std::vector<PutOutcome>> outcomes =
      store->PutBatch({Article("b", "p", -0.5), Article("a", "p", 0.5)});
  ASSERT_THAT(outcomes, IsOk());
  EXPECT_THAT(*outcomes,
              ::testing::ElementsAre(PutOutcome::kStored, PutOutcome::kStored));
  EXPECT_EQ(admin->QueryInt("SELECT last_value FROM failures"), 5);
  EXPECT_EQ(admin->QueryInt("SELECT count(*) FROM articles"), 2);
  EXPECT_EQ(admin->QueryInt("SELECT articles FROM dyad_day_rollups"), 2);

  // Failing every time: given up after max_attempts runs, nothing stored.
  EXPECT_THAT(
      store->PutBatch({Article("c", "p", 0.1), Article("always", "p", 0.2)}),
      StatusIs(absl::StatusCode::kAborted,
               AllOf(HasSubstr("gave up after 5 attempts"), HasSubstr("40001"),
                     HasSubstr("\"always\""))));
  EXPECT_EQ(admin->QueryInt("SELECT count(*) FROM articles"), 2);
  EXPECT_EQ(admin->QueryInt("SELECT articles FROM dyad_day_rollups"), 2);
}

// The connection dies in the middle of a batch (the session is terminated
// from inside it): Unavailable naming the store without the password, the
// server rolled the batch back, and the next call reconnects by itself.
TEST_F(PostgresStoreTest, ConnectionLostInABatchRollsItBackAndRecovers) {
  std::unique_ptr<ArticleStore> store = MustOpen(Url());
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->PutBatch({Article("before", "p", 0.5)}), IsOk());
  auto admin = Admin();
  ASSERT_EQ(admin->Exec(R"sql(
    CREATE FUNCTION die() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.id = 'die' THEN PERFORM pg_terminate_backend(pg_backend_pid());
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER die BEFORE INSERT ON articles
      FOR EACH ROW EXECUTE FUNCTION die();
  )sql"),
            "");
  absl::Status s =
      store
          ->PutBatch({Article("x", "p", 0.25), Article("y", "p", 0.5),
                      Article("die", "p", 0.75)})
          .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_THAT(std::string(s.message()),
              AllOf(HasSubstr("postgresql store postgresql://"),
                    HasSubstr("connection lost")));
  const std::string password = Password();
  if (!password.empty()) {
    EXPECT_THAT(std::string(s.message()), Not(HasSubstr(password)));
  }
  EXPECT_EQ(admin->QueryInt("SELECT count(*) FROM articles"), 1);
  EXPECT_EQ(admin->QueryInt("SELECT articles FROM dyad_day_rollups"), 1);

  absl::StatusOr<std::vector<PutOutcome>> outcomes =
      store->PutBatch({Article("x", "p", 0.25)});
  ASSERT_THAT(outcomes, IsOk());
  EXPECT_EQ(admin->QueryInt("SELECT articles FROM dyad_day_rollups"), 2);
}

// Pooled connections killed by the server while idle (a restart, an
// administrator) are replaced without the caller noticing.
TEST_F(PostgresStoreTest, ConnectionsKilledWhileIdleAreReplaced) {
  const std::string app = "dyadtone_test_" + schema_->name();
  std::unique_ptr<ArticleStore> store =
      MustOpen(Url("application_name=" + app));
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->PutBatch({Article("a", "p", 0.5)}), IsOk());
  auto admin = Admin();
  const std::string kill =
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
      "WHERE application_name = '" +
      app + "'";
  EXPECT_GE(admin->QueryInt(kill), 1);
  absl::StatusOr<int64_t> count = store->CountArticles();
  ASSERT_THAT(count, IsOk());
  EXPECT_EQ(*count, 1);
  EXPECT_GE(admin->QueryInt(kill), 1);
  EXPECT_THAT(store->PutBatch({Article("b", "p", 0.5)}), IsOk());
}

// More callers than connections: they wait their turn.
TEST_F(PostgresStoreTest, SmallPoolServesManyThreads) {
  PostgresStoreOptions options;
  options.pool_size = 2;
  std::unique_ptr<ArticleStore> store = MustOpen(Url(), options);
  ASSERT_NE(store, nullptr);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        EXPECT_THAT(
            store->PutBatch({Article(absl::StrCat(t, "-", i), "p", 0.1)}),
            IsOk());
        EXPECT_THAT(store->DailyRollups(kPakUsa, kDay, kDay), IsOk());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(Admin()->QueryInt("SELECT articles FROM dyad_day_rollups"), 80);
}

// What PostgreSQL cannot hold is an InvalidArgument naming the article.
TEST_F(PostgresStoreTest, ValuesPostgresCannotHoldAreInvalidArguments) {
  std::unique_ptr<ArticleStore> store = MustOpen(Url());
  ASSERT_NE(store, nullptr);
  StoredArticle nul = Article(std::string("a\0b", 3), "p", 0.5);
  EXPECT_THAT(store->PutBatch({Article("fine", "p", 0.1), nul}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("article 1"), HasSubstr("NUL"))));
  StoredArticle latin1 = Article("latin1", "p", 0.5);
  latin1.lexicon_version = "caf\xe9";
  EXPECT_THAT(store->PutBatch({latin1}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("article 0 (id \"latin1\")"),
                             HasSubstr("lexicon version is not UTF-8"))));
  StoredArticle ancient = Article("ancient", "p", 0.5);
  ancient.date = absl::CivilDay(-5000, 1, 1);
  EXPECT_THAT(store->PutBatch({ancient}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("outside PostgreSQL's range")));
  absl::StatusOr<int64_t> count = store->CountArticles();
  ASSERT_THAT(count, IsOk());
  EXPECT_EQ(*count, 0);
  // Nothing such can be found, as with SQLite.
  EXPECT_THAT(store->GetArticle(std::string("a\0b", 3)),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("no article")));
  EXPECT_THAT(store->GetArticle("caf\xe9"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("no article")));
  absl::StatusOr<std::vector<DayRollup>> none =
      store->DailyRollups({"A", std::string("B\0", 2)}, kDay, kDay);
  ASSERT_THAT(none, IsOk());
  EXPECT_TRUE(none->empty());
  // Extreme query ranges are fine.
  EXPECT_THAT(store->DailyRollups(kPakUsa, absl::CivilDay(-100000, 1, 1),
                                  absl::CivilDay(100000000, 1, 1)),
              IsOk());
}

TEST_F(PostgresStoreTest, DatabaseInAnotherEncodingIsRefused) {
  const std::string db = schema_->name() + "_latin1";
  PgAdmin admin(server_);
  ASSERT_EQ(admin.Exec("CREATE DATABASE " + db +
                       " ENCODING 'LATIN1' TEMPLATE template0 "
                       "LC_COLLATE 'C' LC_CTYPE 'C'"),
            "");
  // The server URL with its database replaced.
  std::string url = server_.substr(0, server_.find('?'));
  url = url.substr(0, url.rfind('/') + 1) + db;
  EXPECT_THAT(OpenPostgresStore(url),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("encoding is LATIN1")));
  EXPECT_EQ(admin.Exec("DROP DATABASE " + db), "");
}

}  // namespace
}  // namespace dyadtone
