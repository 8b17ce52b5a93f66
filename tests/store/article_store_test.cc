// The one suite every ArticleStore backend passes. A backend joins by adding
// a factory to Backends(); nothing here knows which backend it runs on.
// The PostgreSQL instance needs a server (tests/store/postgres_test_util.h)
// and skips, saying so, without one; CTest always gives it one.

#include "service/store/article_store.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/store/postgres_test_util.h"
#include "tests/store/store_test_util.h"
#include "tests/test_util.h"

namespace dyadtone {

void PrintTo(PutOutcome o, std::ostream* os) {
  *os << (o == PutOutcome::kStored     ? "kStored"
          : o == PutOutcome::kReplaced ? "kReplaced"
                                       : "kUnchanged");
}

namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

// ---- Backends ----

// Opens stores on one fresh location, as often as asked (to test that data
// persists); the location goes away with the backend.
class TestBackend {
 public:
  virtual ~TestBackend() = default;
  virtual absl::StatusOr<std::unique_ptr<ArticleStore>> Open() = 0;
  // Why this backend cannot run here ("" when it can).
  virtual std::string SkipReason() const { return ""; }
};

class SqliteBackend final : public TestBackend {
 public:
  absl::StatusOr<std::unique_ptr<ArticleStore>> Open() override {
    return OpenStore("sqlite:" + dir_.File("store.db"));
  }

 private:
  TempDir dir_;
};

// A fresh schema of the test server per backend, dropped with it.
class PostgresBackend final : public TestBackend {
 public:
  PostgresBackend() : server_(TestPostgresUrl()) {
    if (!server_.empty()) schema_ = std::make_unique<PgTestSchema>(server_);
  }
  absl::StatusOr<std::unique_ptr<ArticleStore>> Open() override {
    if (schema_ == nullptr) return absl::FailedPreconditionError("no server");
    return OpenStore(schema_->url());
  }
  std::string SkipReason() const override {
    return server_.empty() ? kNoPostgresMessage : "";
  }

 private:
  std::string server_;
  std::unique_ptr<PgTestSchema> schema_;
};

struct BackendFactory {
  std::string name;
  std::function<std::unique_ptr<TestBackend>()> make;
};

void PrintTo(const BackendFactory& factory, std::ostream* os) {
  *os << factory.name;
}

std::vector<BackendFactory> Backends() {
  return {
      {"sqlite", [] { return std::make_unique<SqliteBackend>(); }},
      {"postgresql", [] { return std::make_unique<PostgresBackend>(); }},
  };
}

// ---- Articles ----

const DyadKey kChnUsa{"CHN", "USA"};
const DyadKey kIndPak{"IND", "PAK"};
const DyadKey kPakUsa{"PAK", "USA"};
constexpr absl::CivilDay kDay1(2024, 3, 1);
const absl::CivilDay kAllFrom(1900, 1, 1);
const absl::CivilDay kAllTo(2100, 1, 1);

StoredDyad Dyad(const DyadKey& key, double tone,
                std::array<int, kNumQuadClasses> quads = {1, 0, 0, 0}) {
  StoredDyad dyad;
  dyad.dyad = key;
  dyad.tone = tone;
  dyad.quad_counts = quads;
  for (int q : quads) dyad.signals += q;
  return dyad;
}

StoredArticle Article(const std::string& id, absl::CivilDay date,
                      const std::string& print, std::vector<StoredDyad> dyads) {
  StoredArticle article;
  article.id = id;
  article.date = date;
  article.text_fingerprint = print;
  article.lexicon_version = "lexicon-1";
  article.gazetteer_version = "gazetteer-1";
  article.score = "score of " + id + " " + print;
  article.dyads = std::move(dyads);
  return article;
}

MATCHER_P(SameArticle, want, "") {
  bool same = arg.id == want.id && arg.date == want.date &&
              arg.text_fingerprint == want.text_fingerprint &&
              arg.lexicon_version == want.lexicon_version &&
              arg.gazetteer_version == want.gazetteer_version &&
              arg.score == want.score && arg.dyads.size() == want.dyads.size();
  for (size_t i = 0; same && i < want.dyads.size(); ++i) {
    const StoredDyad& x = arg.dyads[i];
    const StoredDyad& y = want.dyads[i];
    same = x.dyad == y.dyad && x.tone == y.tone && x.signals == y.signals &&
           x.quad_counts == y.quad_counts;
  }
  if (!same) *result_listener << "differs from article " << want.id;
  return same;
}

// ---- Brute force: rollups recomputed from whole articles ----

struct ExpectedDay {
  int articles = 0;
  double tone_sum = 0;
  double tone_sum_squares = 0;
  std::array<int, kNumQuadClasses> quad_counts = {0, 0, 0, 0};
  std::vector<std::pair<std::string, double>> top;  // all, sorted below
};
using ExpectedRollups =
    std::map<DyadKey, std::map<absl::CivilDay, ExpectedDay>>;

ExpectedRollups BruteForce(const std::vector<StoredArticle>& articles) {
  ExpectedRollups rollups;
  for (const StoredArticle& article : articles) {
    for (const StoredDyad& dyad : article.dyads) {
      ExpectedDay& day = rollups[dyad.dyad][article.date];
      ++day.articles;
      day.tone_sum += dyad.tone;
      day.tone_sum_squares += dyad.tone * dyad.tone;
      for (int q = 0; q < kNumQuadClasses; ++q) {
        day.quad_counts[q] += dyad.quad_counts[q];
      }
      day.top.emplace_back(article.id, dyad.tone);
    }
  }
  for (auto& [dyad, days] : rollups) {
    for (auto& [date, day] : days) {
      std::sort(day.top.begin(), day.top.end(),
                [](const auto& x, const auto& y) {
                  return std::make_pair(-std::fabs(x.second), x.first) <
                         std::make_pair(-std::fabs(y.second), y.first);
                });
      if (day.top.size() > kTopArticles) day.top.resize(kTopArticles);
    }
  }
  return rollups;
}

void ExpectRollups(const std::vector<DayRollup>& got,
                   const std::map<absl::CivilDay, ExpectedDay>& want,
                   const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  auto it = want.begin();
  for (size_t i = 0; i < got.size(); ++i, ++it) {
    const DayRollup& day = got[i];
    const ExpectedDay& expected = it->second;
    SCOPED_TRACE(what + " on " + absl::FormatCivilTime(it->first));
    EXPECT_EQ(day.day, it->first);
    EXPECT_EQ(day.articles, expected.articles);
    EXPECT_NEAR(day.tone_sum, expected.tone_sum, 1e-9);
    EXPECT_NEAR(day.tone_sum_squares, expected.tone_sum_squares, 1e-9);
    EXPECT_EQ(day.quad_counts, expected.quad_counts);
    EXPECT_THAT(day.top, testing::ElementsAreArray(expected.top));
  }
}

// ---- The suite ----

class ArticleStoreTest : public ::testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override {
    backend_ = GetParam().make();
    if (const std::string why = backend_->SkipReason(); !why.empty()) {
      GTEST_SKIP() << why;
    }
    Reopen();
  }

  void Reopen() {
    store_.reset();
    absl::StatusOr<std::unique_ptr<ArticleStore>> store = backend_->Open();
    ASSERT_THAT(store, IsOk());
    store_ = std::move(*store);
  }

  std::vector<PutOutcome> Put(const std::vector<StoredArticle>& batch) {
    absl::StatusOr<std::vector<PutOutcome>> outcomes = store_->PutBatch(batch);
    EXPECT_THAT(outcomes, IsOk());
    return outcomes.ok() ? *outcomes : std::vector<PutOutcome>();
  }

  std::vector<DayRollup> Rollups(const DyadKey& dyad,
                                 absl::CivilDay from = kAllFrom,
                                 absl::CivilDay to = kAllTo) {
    absl::StatusOr<std::vector<DayRollup>> days =
        store_->DailyRollups(dyad, from, to);
    EXPECT_THAT(days, IsOk());
    return days.ok() ? *days : std::vector<DayRollup>();
  }

  int64_t Count() {
    absl::StatusOr<int64_t> count = store_->CountArticles();
    EXPECT_THAT(count, IsOk());
    return count.ok() ? *count : -1;
  }

  // Every stored article compared with `articles`, and every rollup with
  // the brute-force recomputation from the stored articles.
  void ExpectStoreHolds(const std::vector<StoredArticle>& articles) {
    std::vector<StoredArticle> stored;
    for (const StoredArticle& want : articles) {
      absl::StatusOr<StoredArticle> got = store_->GetArticle(want.id);
      ASSERT_THAT(got, IsOk()) << want.id;
      EXPECT_THAT(*got, SameArticle(want));
      stored.push_back(*got);
    }
    EXPECT_EQ(Count(), static_cast<int64_t>(articles.size()));
    const ExpectedRollups expected = BruteForce(stored);
    absl::StatusOr<std::vector<DyadSummaryRow>> dyads = store_->ListDyads(1);
    ASSERT_THAT(dyads, IsOk());
    ASSERT_EQ(dyads->size(), expected.size());
    for (const DyadSummaryRow& row : *dyads) {
      const std::string what = row.dyad.a + "-" + row.dyad.b;
      ASSERT_EQ(expected.count(row.dyad), 1u) << what;
      const auto& days = expected.at(row.dyad);
      ExpectRollups(Rollups(row.dyad), days, what);
      int64_t total = 0;
      double tone_sum = 0;
      for (const auto& [date, day] : days) {
        total += day.articles;
        tone_sum += day.tone_sum;
      }
      EXPECT_EQ(row.articles, total) << what;
      EXPECT_EQ(row.first_day, days.begin()->first) << what;
      EXPECT_EQ(row.last_day, days.rbegin()->first) << what;
      EXPECT_NEAR(row.tone_sum, tone_sum, 1e-9) << what;
    }
  }

  std::unique_ptr<TestBackend> backend_;
  std::unique_ptr<ArticleStore> store_;
};

INSTANTIATE_TEST_SUITE_P(
    Backends, ArticleStoreTest, ::testing::ValuesIn(Backends()),
    [](const ::testing::TestParamInfo<BackendFactory>& info) {
      return info.param.name;
    });

TEST_P(ArticleStoreTest, EmptyStore) {
  EXPECT_EQ(Count(), 0);
  EXPECT_THAT(Rollups(kPakUsa), IsEmpty());
  EXPECT_THAT(store_->ListDyads(0), IsOk());
  EXPECT_THAT(store_->PutBatch({}), IsOk());
  EXPECT_THAT(store_->GetArticle("none"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("none")));
}

TEST_P(ArticleStoreTest, OutcomesOfPuts) {
  struct Case {
    std::string name;
    std::vector<std::vector<std::string>> batches;  // fingerprints by batch
    std::vector<std::vector<PutOutcome>> outcomes;
  };
  using O = PutOutcome;
  const Case cases[] = {
      {"new", {{"p1"}}, {{O::kStored}}},
      {"same print", {{"p1"}, {"p1"}}, {{O::kStored}, {O::kUnchanged}}},
      {"new print", {{"p1"}, {"p2"}}, {{O::kStored}, {O::kReplaced}}},
      {"twice in a batch", {{"p1", "p1"}}, {{O::kStored, O::kUnchanged}}},
      {"replaced in a batch", {{"p1", "p2"}}, {{O::kStored, O::kReplaced}}},
      {"back to the first",
       {{"p1"}, {"p2", "p1"}},
       {{O::kStored}, {O::kReplaced, O::kReplaced}}},
  };
  for (const Case& c : cases) {
    StoredArticle last;
    for (size_t b = 0; b < c.batches.size(); ++b) {
      std::vector<StoredArticle> batch;
      for (const std::string& print : c.batches[b]) {
        batch.push_back(
            Article(c.name, kDay1 + b, print, {Dyad(kPakUsa, 0.1 * (b + 1))}));
        if (last.id.empty() || last.text_fingerprint != print) {
          last = batch.back();
        }
      }
      EXPECT_THAT(Put(batch), ElementsAreArray(c.outcomes[b]))
          << c.name << " batch " << b;
    }
    absl::StatusOr<StoredArticle> stored = store_->GetArticle(c.name);
    ASSERT_THAT(stored, IsOk()) << c.name;
    EXPECT_THAT(*stored, SameArticle(last)) << c.name;
  }
  EXPECT_EQ(Count(), 6);
}

TEST_P(ArticleStoreTest, UnchangedWritesNothing) {
  const StoredArticle first =
      Article("a", kDay1, "print", {Dyad(kPakUsa, 0.5)});
  StoredArticle same_print =
      Article("a", kDay1 + 3, "print", {Dyad(kChnUsa, -0.5)});
  same_print.score = "another score";
  Put({first});
  EXPECT_THAT(Put({same_print}), ElementsAre(PutOutcome::kUnchanged));
  ExpectStoreHolds({first});
}

TEST_P(ArticleStoreTest, ReplacingMovesTheFigures) {
  Put({Article("a", kDay1, "v1",
               {Dyad(kPakUsa, 0.5, {2, 1, 0, 0}), Dyad(kChnUsa, -0.2)})});
  const StoredArticle replacement =
      Article("a", kDay1 + 1, "v2", {Dyad(kPakUsa, -0.4, {0, 0, 1, 1})});
  EXPECT_THAT(Put({replacement}), ElementsAre(PutOutcome::kReplaced));
  ExpectStoreHolds({replacement});
  const std::vector<DayRollup> days = Rollups(kPakUsa);
  ASSERT_EQ(days.size(), 1u);
  EXPECT_EQ(days[0].day, kDay1 + 1);
  EXPECT_EQ(days[0].quad_counts, (std::array<int, 4>{0, 0, 1, 1}));
  EXPECT_THAT(Rollups(kChnUsa), IsEmpty());
}

TEST_P(ArticleStoreTest, TopArticlesFollowReplacements) {
  Put({Article("a", kDay1, "v1", {Dyad(kPakUsa, 0.9)}),
       Article("b", kDay1, "v1", {Dyad(kPakUsa, 0.1)}),
       Article("c", kDay1, "v1", {Dyad(kPakUsa, -0.5)}),
       Article("d", kDay1, "v1", {Dyad(kPakUsa, 0.3)})});
  EXPECT_THAT(Rollups(kPakUsa)[0].top,
              ElementsAre(Pair("a", 0.9), Pair("c", -0.5), Pair("d", 0.3)));

  Put({Article("a", kDay1, "v2", {Dyad(kPakUsa, 0.05)})});
  EXPECT_THAT(Rollups(kPakUsa)[0].top,
              ElementsAre(Pair("c", -0.5), Pair("d", 0.3), Pair("b", 0.1)));

  Put({Article("c", kDay1, "v2", {Dyad(kChnUsa, -0.5)})});
  const std::vector<DayRollup> days = Rollups(kPakUsa);
  EXPECT_EQ(days[0].articles, 3);
  EXPECT_THAT(days[0].top,
              ElementsAre(Pair("d", 0.3), Pair("b", 0.1), Pair("a", 0.05)));
}

TEST_P(ArticleStoreTest, TopTiesGoToTheSmallerId) {
  Put({Article("b", kDay1, "p", {Dyad(kPakUsa, 0.5)}),
       Article("d", kDay1, "p", {Dyad(kPakUsa, 0.2)}),
       Article("c", kDay1, "p", {Dyad(kPakUsa, 0.5)}),
       Article("a", kDay1, "p", {Dyad(kPakUsa, -0.5)})});
  EXPECT_THAT(Rollups(kPakUsa)[0].top,
              ElementsAre(Pair("a", -0.5), Pair("b", 0.5), Pair("c", 0.5)));
}

TEST_P(ArticleStoreTest, DailyRollupsKeepToTheRange) {
  for (int d : {0, 4, 9}) {
    Put({Article("a" + std::to_string(d), kDay1 + d, "p",
                 {Dyad(kPakUsa, 0.1)})});
  }
  const auto days_of = [](const std::vector<DayRollup>& rollups) {
    std::vector<absl::CivilDay> days;
    for (const DayRollup& r : rollups) days.push_back(r.day);
    return days;
  };
  EXPECT_THAT(days_of(Rollups(kPakUsa, kDay1 + 4, kDay1 + 9)),
              ElementsAre(kDay1 + 4, kDay1 + 9));
  EXPECT_THAT(days_of(Rollups(kPakUsa, kDay1, kDay1)), ElementsAre(kDay1));
  EXPECT_THAT(Rollups(kPakUsa, kDay1 + 5, kDay1 + 8), IsEmpty());
  EXPECT_THAT(Rollups(kPakUsa, kDay1 + 9, kDay1), IsEmpty());
  EXPECT_THAT(Rollups(kChnUsa), IsEmpty());
  EXPECT_THAT(store_->DailyRollups({"USA", "PAK"}, kAllFrom, kAllTo),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("a < b")));
}

TEST_P(ArticleStoreTest, GetArticleRoundTrip) {
  std::string blob;
  for (int i = 0; i < 256; ++i) blob.push_back(static_cast<char>(i));
  StoredArticle binary =
      Article("binary", absl::CivilDay(1969, 12, 31), "fp",
              {Dyad(kPakUsa, -0.123456789012345, {3, 0, 2, 1}),
               Dyad(kChnUsa, 1e-300, {0, 7, 0, 0}), Dyad(kIndPak, 0)});
  binary.score = blob + blob;
  binary.dyads[2].signals = 0;
  StoredArticle empty = Article("empty", absl::CivilDay(2999, 1, 1), "", {});
  empty.score.clear();
  empty.lexicon_version.clear();
  Put({binary, empty});
  ExpectStoreHolds({binary, empty});
}

TEST_P(ArticleStoreTest, ListDyadsMostArticlesFirst) {
  Put({Article("p1", kDay1 + 3, "p", {Dyad(kPakUsa, 0.5)}),
       Article("p2", kDay1 + 1, "p", {Dyad(kPakUsa, 0.25), Dyad(kChnUsa, 1)}),
       Article("p3", kDay1 + 7, "p", {Dyad(kPakUsa, -0.5)}),
       Article("i1", kDay1 + 2, "p", {Dyad(kIndPak, -0.5)}),
       Article("i2", kDay1 + 2, "p", {Dyad(kIndPak, -0.25)}),
       Article("i3", kDay1 + 4, "p", {Dyad(kIndPak, 0)})});
  absl::StatusOr<std::vector<DyadSummaryRow>> rows = store_->ListDyads(1);
  ASSERT_THAT(rows, IsOk());
  ASSERT_EQ(rows->size(), 3u);
  const DyadKey order[] = {kIndPak, kPakUsa, kChnUsa};  // ties by dyad
  const int64_t articles[] = {3, 3, 1};
  const absl::CivilDay first[] = {kDay1 + 2, kDay1 + 1, kDay1 + 1};
  const absl::CivilDay last[] = {kDay1 + 4, kDay1 + 7, kDay1 + 1};
  const double tone_sum[] = {-0.75, 0.25, 1};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ((*rows)[i].dyad, order[i]) << i;
    EXPECT_EQ((*rows)[i].articles, articles[i]) << i;
    EXPECT_EQ((*rows)[i].first_day, first[i]) << i;
    EXPECT_EQ((*rows)[i].last_day, last[i]) << i;
    EXPECT_DOUBLE_EQ((*rows)[i].tone_sum, tone_sum[i]) << i;
  }
  rows = store_->ListDyads(2);
  ASSERT_THAT(rows, IsOk());
  EXPECT_EQ(rows->size(), 2u);
  rows = store_->ListDyads(4);
  ASSERT_THAT(rows, IsOk());
  EXPECT_THAT(*rows, IsEmpty());
}

TEST_P(ArticleStoreTest, CountArticlesCountsIds) {
  Put({Article("a", kDay1, "p", {}), Article("b", kDay1, "p", {})});
  Put({Article("a", kDay1, "p", {}), Article("b", kDay1, "q", {}),
       Article("c", kDay1, "p", {})});
  EXPECT_EQ(Count(), 3);
}

TEST_P(ArticleStoreTest, InvalidArticlesAreRejected) {
  struct Case {
    std::string name;
    std::function<void(StoredArticle&)> spoil;
    std::string message;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Case cases[] = {
      {"empty id", [](StoredArticle& a) { a.id.clear(); }, "empty id"},
      {"unsorted",
       [](StoredArticle& a) {
         a.dyads[0].dyad = {"USA", "PAK"};
       },
       "a < b"},
      {"equal",
       [](StoredArticle& a) {
         a.dyads[0].dyad = {"USA", "USA"};
       },
       "a < b"},
      {"empty code",
       [](StoredArticle& a) {
         a.dyads[0].dyad = {"", "USA"};
       },
       "a < b"},
      {"twice", [](StoredArticle& a) { a.dyads.push_back(a.dyads[0]); },
       "twice"},
      {"nan", [&](StoredArticle& a) { a.dyads[0].tone = nan; }, "finite"},
      {"inf", [](StoredArticle& a) { a.dyads[0].tone = HUGE_VAL; }, "finite"},
      {"quads", [](StoredArticle& a) { a.dyads[0].quad_counts[2] = -1; },
       "negative"},
      {"signals", [](StoredArticle& a) { a.dyads[0].signals = -1; },
       "negative"},
  };
  for (const Case& c : cases) {
    StoredArticle bad = Article("bad", kDay1, "p", {Dyad(kPakUsa, 0.5)});
    c.spoil(bad);
    EXPECT_THAT(
        store_->PutBatch({Article("good", kDay1, "p", {}), bad}),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.name;
  }
  EXPECT_EQ(Count(), 0);
}

TEST_P(ArticleStoreTest, FailedBatchLeavesNothing) {
  const StoredArticle original =
      Article("x", kDay1, "v1", {Dyad(kPakUsa, 0.5)});
  Put({original});
  StoredArticle bad = Article("z", kDay1, "v1", {Dyad(kPakUsa, 0.1)});
  bad.dyads[0].dyad = {"USA", "PAK"};
  EXPECT_THAT(
      store_->PutBatch({Article("y", kDay1, "v1", {Dyad(kPakUsa, -0.9)}),
                        Article("x", kDay1 + 1, "v2", {Dyad(kChnUsa, 0.3)}),
                        bad}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("article 2")));
  EXPECT_THAT(store_->GetArticle("y"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("y")));
  ExpectStoreHolds({original});
}

TEST_P(ArticleStoreTest, ReopenedStoreHasEverything) {
  const std::vector<StoredArticle> articles = {
      Article("a", kDay1, "p", {Dyad(kPakUsa, 0.5), Dyad(kChnUsa, -0.25)}),
      Article("b", kDay1 + 1, "p", {Dyad(kPakUsa, -0.75)}),
  };
  Put(articles);
  Reopen();
  ExpectStoreHolds(articles);
  EXPECT_THAT(Put(articles),
              ElementsAre(PutOutcome::kUnchanged, PutOutcome::kUnchanged));
}

TEST_P(ArticleStoreTest, SqlLookingValuesAreStoredVerbatim) {
  StoredArticle article =
      Article("'; DROP TABLE articles; --", kDay1, "\" OR 1=1 --",
              {Dyad({"'; --", "Robert'); DROP TABLE article_dyads;--"}, 0.5)});
  article.lexicon_version = "?1 %s $1 :name @x";
  article.gazetteer_version = "\\'\\\"";
  article.score = std::string("'); DELETE FROM articles; --\0tail", 33);
  Put({article});
  ExpectStoreHolds({article});
  EXPECT_THAT(store_->GetArticle("' OR '1'='1"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("' OR '1'='1")));
}

TEST_P(ArticleStoreTest, ConcurrentWritersAndReaders) {
  constexpr int kWriters = 4;
  constexpr int kPerWriter = 25;
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([this, w] {
      for (int i = 0; i < kPerWriter; ++i) {
        const std::string id = std::to_string(w) + "-" + std::to_string(i);
        EXPECT_THAT(store_->PutBatch({Article(id, kDay1 + i % 5, "p",
                                              {Dyad(kPakUsa, 0.01 * i)})}),
                    IsOk());
        EXPECT_THAT(store_->DailyRollups(kPakUsa, kAllFrom, kAllTo), IsOk());
        EXPECT_THAT(store_->GetArticle(id), IsOk());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(Count(), kWriters * kPerWriter);
  int articles = 0;
  for (const DayRollup& day : Rollups(kPakUsa)) articles += day.articles;
  EXPECT_EQ(articles, kWriters * kPerWriter);
}

// Two stores on one database (two replicas): both write batches at once
// that share dyads and days, in opposite orders, with replacements of
// their own articles and the same shared articles sent by both, and one
// large batch each (260 articles) among the small ones. Every
// shared article is stored exactly once (one kStored between them) and
// the rollups equal the recomputation from the stored articles.
TEST_P(ArticleStoreTest, TwoStoresWriteOneDatabaseAtOnce) {
  absl::StatusOr<std::unique_ptr<ArticleStore>> other = backend_->Open();
  ASSERT_THAT(other, IsOk());
  const DyadKey dyads[] = {kChnUsa, kIndPak, kPakUsa};
  // The same article for the same (id, version) in both threads.
  const auto make = [&](const std::string& id, int version) {
    std::seed_seq seed(id.begin(), id.end());
    std::mt19937 rng(seed);
    rng.discard(version);
    std::vector<StoredDyad> chosen;
    for (const DyadKey& dyad : dyads) {
      if (rng() % 3 == 0) continue;
      chosen.push_back(Dyad(dyad,
                            (static_cast<int>(rng() % 2001) - 1000) / 1000.0,
                            {static_cast<int>(rng() % 3), 0, 1, 0}));
    }
    return Article(id, kDay1 + static_cast<int>(rng() % 4),
                   "v" + std::to_string(version), chosen);
  };
  constexpr int kBatches = 30;
  std::map<std::string, StoredArticle> models[2];
  int shared_stored[2] = {0, 0};
  const auto writer = [&](ArticleStore* store, int w) {
    for (int i = 0; i < kBatches; ++i) {
      std::vector<StoredArticle> batch;
      for (int k = 0; k < 3; ++k) {
        batch.push_back(make(absl::StrCat("w", w, "-", i, "-", k), 0));
      }
      batch.push_back(make(absl::StrCat("shared-", i), 0));
      if (i % 3 == 2)
        batch.push_back(make(absl::StrCat("w", w, "-", i - 2, "-0"), 1));
      if (i == 10 + 5 * w) {
        for (int k = 0; k < 260; ++k) {
          batch.push_back(make(absl::StrCat("w", w, "-large-", k), 0));
        }
      }
      if (w == 1) std::reverse(batch.begin(), batch.end());
      absl::StatusOr<std::vector<PutOutcome>> outcomes = store->PutBatch(batch);
      ASSERT_THAT(outcomes, IsOk()) << "writer " << w << " batch " << i;
      for (size_t j = 0; j < batch.size(); ++j) {
        models[w][batch[j].id] = batch[j];
        if (absl::StartsWith(batch[j].id, "shared-") &&
            (*outcomes)[j] == PutOutcome::kStored) {
          ++shared_stored[w];
        }
      }
    }
  };
  std::thread first(writer, store_.get(), 0);
  std::thread second(writer, other->get(), 1);
  first.join();
  second.join();
  EXPECT_EQ(shared_stored[0] + shared_stored[1], kBatches);
  std::map<std::string, StoredArticle> model = models[0];
  model.insert(models[1].begin(), models[1].end());
  std::vector<StoredArticle> articles;
  for (const auto& [id, article] : model) articles.push_back(article);
  ExpectStoreHolds(articles);
}

// Stores opened at once on a new location (replicas starting together)
// all work: the schema is created once.
TEST_P(ArticleStoreTest, StoresOpenedAtOnceShareOneSchema) {
  backend_ = GetParam().make();
  store_.reset();
  constexpr int kStores = 4;
  std::vector<std::unique_ptr<ArticleStore>> stores(kStores);
  std::vector<std::thread> threads;
  for (int i = 0; i < kStores; ++i) {
    threads.emplace_back([&, i] {
      absl::StatusOr<std::unique_ptr<ArticleStore>> store = backend_->Open();
      ASSERT_THAT(store, IsOk()) << i;
      stores[i] = *std::move(store);
      EXPECT_THAT(stores[i]->PutBatch({Article(std::to_string(i), kDay1, "p",
                                               {Dyad(kPakUsa, 0.1)})}),
                  IsOk());
    });
  }
  for (std::thread& t : threads) t.join();
  for (const auto& store : stores) {
    ASSERT_NE(store, nullptr);
    absl::StatusOr<int64_t> count = store->CountArticles();
    ASSERT_THAT(count, IsOk());
    EXPECT_EQ(*count, kStores);
  }
}

// 500 articles over 60 days and 5 dyads, in batches, with replacements,
// unchanged re-sends, the same id twice in a batch and ties in |tone|.
TEST_P(ArticleStoreTest, RollupsMatchBruteForce) {
  const DyadKey dyads[] = {
      kChnUsa, kIndPak, kPakUsa, {"GBR", "IRL"}, {"DEU", "FRA"}};
  for (const unsigned seed : {1u, 20240301u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    backend_ = GetParam().make();
    Reopen();
    std::mt19937 rng(seed);
    const auto uniform = [&](int n) {
      return static_cast<int>(std::uniform_int_distribution<>(0, n - 1)(rng));
    };
    const auto random_article = [&](const std::string& id, int version) {
      std::vector<StoredDyad> chosen;
      for (const DyadKey& dyad : dyads) {
        if (uniform(3) != 0) continue;
        const double tone = uniform(5) == 0
                                ? 0.25 * (uniform(5) - 2)  // ties
                                : std::uniform_real_distribution<>(-1, 1)(rng);
        chosen.push_back(
            Dyad(dyad, tone, {uniform(4), uniform(3), uniform(3), uniform(2)}));
      }
      std::shuffle(chosen.begin(), chosen.end(), rng);
      return Article(id, kDay1 + uniform(60), "v" + std::to_string(version),
                     chosen);
    };
    std::map<std::string, StoredArticle> model;
    std::map<std::string, int> versions;
    std::vector<std::string> ids;
    while (ids.size() < 500) {
      std::vector<StoredArticle> batch;
      std::vector<PutOutcome> expected;
      for (int n = 1 + uniform(25); n > 0; --n) {
        const int kind = ids.empty() ? 0 : uniform(10);
        if (kind < 7) {  // a new article
          ids.push_back("art-" + std::to_string(ids.size()));
          batch.push_back(random_article(ids.back(), 0));
          expected.push_back(PutOutcome::kStored);
        } else if (kind < 9) {  // a new text for an article
          const std::string& id = ids[uniform(ids.size())];
          batch.push_back(random_article(id, ++versions[id]));
          expected.push_back(PutOutcome::kReplaced);
        } else {  // the same text again, with a payload that must be ignored
          const std::string& id = ids[uniform(ids.size())];
          batch.push_back(random_article(id, versions[id]));
          expected.push_back(PutOutcome::kUnchanged);
          continue;
        }
        model[batch.back().id] = batch.back();
      }
      ASSERT_THAT(Put(batch), ElementsAreArray(expected));
    }
    std::vector<StoredArticle> articles;
    for (const auto& [id, article] : model) articles.push_back(article);
    ExpectStoreHolds(articles);
  }
}

// Batches may gather a day's figures before writing them; the sums must
// still be bit for bit those of one article at a time (the same additions
// in the same order), replacements and ties included.
TEST_P(ArticleStoreTest, BatchesSumExactlyAsSingleArticles) {
  std::mt19937 rng(7);
  const auto uniform = [&](int n) {
    return static_cast<int>(std::uniform_int_distribution<>(0, n - 1)(rng));
  };
  std::vector<std::vector<StoredArticle>> batches;
  int next_id = 0;
  for (int b = 0; b < 12; ++b) {
    std::vector<StoredArticle> batch;
    for (int n = 1 + uniform(40); n > 0; --n) {
      // A quarter are new texts for ids stored before, some in this batch.
      const int id = next_id > 0 && uniform(4) == 0 ? uniform(next_id)
                                                    : next_id++;
      std::vector<StoredDyad> dyads;
      for (const DyadKey& dyad : {kChnUsa, kIndPak, kPakUsa}) {
        if (uniform(2) == 0) continue;
        const double tone = uniform(4) == 0
                                ? 0.5
                                : std::uniform_real_distribution<>(-1, 1)(rng);
        dyads.push_back(Dyad(dyad, tone, {uniform(3), 0, uniform(2), 1}));
      }
      batch.push_back(Article("a" + std::to_string(id), kDay1 + uniform(3),
                              "p" + std::to_string(uniform(1000)), dyads));
    }
    batches.push_back(std::move(batch));
  }
  std::unique_ptr<TestBackend> single_backend = GetParam().make();
  absl::StatusOr<std::unique_ptr<ArticleStore>> single = single_backend->Open();
  ASSERT_THAT(single, IsOk());
  for (const std::vector<StoredArticle>& batch : batches) {
    ASSERT_THAT(store_->PutBatch(batch), IsOk());
    for (const StoredArticle& article : batch) {
      ASSERT_THAT((*single)->PutBatch({article}), IsOk());
    }
  }
  for (const DyadKey& dyad : {kChnUsa, kIndPak, kPakUsa}) {
    absl::StatusOr<std::vector<DayRollup>> want =
        (*single)->DailyRollups(dyad, kAllFrom, kAllTo);
    ASSERT_THAT(want, IsOk());
    const std::vector<DayRollup> got = Rollups(dyad);
    ASSERT_EQ(got.size(), want->size());
    ASSERT_FALSE(got.empty());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].day, (*want)[i].day);
      EXPECT_EQ(got[i].articles, (*want)[i].articles);
      EXPECT_EQ(got[i].tone_sum, (*want)[i].tone_sum);  // exactly
      EXPECT_EQ(got[i].tone_sum_squares, (*want)[i].tone_sum_squares);
      EXPECT_EQ(got[i].quad_counts, (*want)[i].quad_counts);
      EXPECT_EQ(got[i].top, (*want)[i].top);
    }
  }
}

}  // namespace
}  // namespace dyadtone
