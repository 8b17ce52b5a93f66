#include "service/store/postgres_store.h"

#include <algorithm>
#include <functional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "service/engine/utf8.h"
#include "service/store/postgres_conn.h"
#include "service/store/postgres_schema.h"
#include "service/store/postgres_writer.h"
#include "service/store/validation.h"

namespace dyadtone {
namespace {

// One statement per read, so that each sees one snapshot; GetArticle's two
// run in one REPEATABLE READ transaction.
constexpr PgStatement kSelectRollups = {
    "dt_select_rollups",
    "SELECT r.day, r.articles, r.tone_sum, r.tone_sum_squares, "
    "r.vcoop, r.mcoop, r.vconf, r.mconf, t.article_id, t.tone "
    "FROM dyad_day_rollups r LEFT JOIN dyad_day_top t "
    "ON t.a = r.a AND t.b = r.b AND t.day = r.day "
    "WHERE r.a = $1 AND r.b = $2 AND r.day BETWEEN $3 AND $4 "
    "ORDER BY r.day, t.rank"};
constexpr PgStatement kListDyads = {
    "dt_list_dyads",
    "SELECT a, b, sum(articles)::bigint AS n, min(day), max(day), "
    "sum(tone_sum) FROM dyad_day_rollups GROUP BY a, b "
    "HAVING sum(articles) >= $1 ORDER BY n DESC, a, b"};
constexpr PgStatement kSelectArticle = {
    "dt_select_article",
    "SELECT day, text_fingerprint, lexicon_version, gazetteer_version, score "
    "FROM articles WHERE id = $1"};
constexpr PgStatement kSelectArticleDyads = {
    "dt_select_article_dyads",
    "SELECT a, b, tone, signals, vcoop, mcoop, vconf, mconf "
    "FROM article_dyads WHERE article_id = $1 ORDER BY position"};
constexpr PgStatement kCountArticles = {"dt_count_articles",
                                        "SELECT count(*) FROM articles"};

// At most `size` connections; each lent to one caller at a time.
class PgPool {
 public:
  PgPool(PgTarget target, const PostgresStoreOptions& options)
      : target_(std::move(target)),
        size_(std::max(1, options.pool_size)),
        wait_(options.pool_wait) {}

  // A connection on loan: back to the pool when the lease ends, unless it
  // is broken or still inside a transaction.
  class Lease {
   public:
    Lease(PgPool* pool, std::unique_ptr<PgConnection> conn, bool reused)
        : pool_(pool), conn_(std::move(conn)), reused_(reused) {}
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)),
          conn_(std::move(other.conn_)),
          reused_(other.reused_) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (pool_ != nullptr) pool_->Release(std::move(conn_));
    }
    PgConnection& operator*() const { return *conn_; }
    PgConnection* operator->() const { return conn_.get(); }
    // True when the connection served an earlier call (and may have died
    // since without our knowing).
    bool reused() const { return reused_; }

   private:
    PgPool* pool_;
    std::unique_ptr<PgConnection> conn_;
    bool reused_;
  };

  // Adds a connection made elsewhere (the one the store was opened with).
  void Add(std::unique_ptr<PgConnection> conn) {
    absl::MutexLock lock(&mu_);
    ++open_;
    idle_.push_back(std::move(conn));
  }

  // Closes every idle connection: after one turned out dead, the others
  // most likely are too (the server restarted).
  void DropIdle() {
    std::vector<std::unique_ptr<PgConnection>> dropped;
    {
      absl::MutexLock lock(&mu_);
      open_ -= static_cast<int>(idle_.size());
      dropped.swap(idle_);
    }
  }

  absl::StatusOr<Lease> Acquire() {
    while (true) {
      std::unique_ptr<PgConnection> conn;
      {
        absl::MutexLock lock(&mu_);
        const auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return !idle_.empty() || open_ < size_;
        };
        if (!mu_.AwaitWithTimeout(absl::Condition(&available), wait_)) {
          return absl::UnavailableError(absl::StrCat(
              "postgresql store ", target_.display(), ": all ", size_,
              " connections stayed busy for ", absl::FormatDuration(wait_)));
        }
        if (!idle_.empty()) {
          conn = std::move(idle_.back());
          idle_.pop_back();
        } else {
          ++open_;
        }
      }
      if (conn != nullptr) {
        if (conn->StillOpen()) return Lease(this, std::move(conn), true);
        Release(nullptr);  // closed by the server while idle: drop it
        continue;
      }
      absl::StatusOr<std::unique_ptr<PgConnection>> fresh =
          PgConnection::Connect(target_);
      if (!fresh.ok()) {
        Release(nullptr);
        return fresh.status();
      }
      return Lease(this, *std::move(fresh), false);
    }
  }

 private:
  void Release(std::unique_ptr<PgConnection> conn) {
    const bool keep = conn != nullptr && conn->idle();
    {
      absl::MutexLock lock(&mu_);
      if (keep) {
        idle_.push_back(std::move(conn));
      } else {
        --open_;
      }
    }
    conn.reset();  // closes a dropped connection outside the lock
  }

  const PgTarget target_;
  const int size_;
  const absl::Duration wait_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<PgConnection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

void Backoff(int attempt) {
  thread_local std::minstd_rand rng(std::random_device{}());
  const int most_ms = 5 << std::min(attempt, 6);
  absl::SleepFor(
      absl::Milliseconds(std::uniform_int_distribution<int>(1, most_ms)(rng)));
}

absl::Status WithMessage(const absl::Status& s, absl::string_view message) {
  absl::Status out(s.code(), message);
  s.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    out.SetPayload(url, payload);
  });
  return out;
}

// What PostgreSQL cannot hold: a date outside its range, text with a NUL
// byte or that is not UTF-8 (the database's encoding).
absl::Status CheckText(absl::string_view field, absl::string_view text) {
  if (text.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(field,
                     " contains a NUL byte, which PostgreSQL text "
                     "cannot hold"));
  }
  absl::Status s = ValidateUtf8(text);
  if (!s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is not UTF-8: ", s.message()));
  }
  return absl::OkStatus();
}

absl::Status CheckArticle(const StoredArticle& article) {
  if (article.date < kPgMinDay || article.date > kPgMaxDay) {
    return absl::InvalidArgumentError(
        absl::StrCat("date ", absl::FormatCivilTime(article.date),
                     " is outside PostgreSQL's range (4714 BC to 5874897 AD)"));
  }
  for (const auto& [field, text] :
       {std::make_pair("id", &article.id),
        std::make_pair("text fingerprint", &article.text_fingerprint),
        std::make_pair("lexicon version", &article.lexicon_version),
        std::make_pair("gazetteer version", &article.gazetteer_version)}) {
    absl::Status s = CheckText(field, *text);
    if (!s.ok()) return s;
  }
  for (const StoredDyad& dyad : article.dyads) {
    absl::Status s = CheckText("dyad code", dyad.dyad.a);
    if (s.ok()) s = CheckText("dyad code", dyad.dyad.b);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status CheckPostgresLimits(const std::vector<StoredArticle>& batch) {
  for (size_t i = 0; i < batch.size(); ++i) {
    absl::Status s = CheckArticle(batch[i]);
    if (!s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "article ", i, " (id \"", batch[i].id, "\"): ", s.message()));
    }
  }
  return absl::OkStatus();
}

class PostgresArticleStore final : public ArticleStore {
 public:
  PostgresArticleStore(PgTarget target, const PostgresStoreOptions& options)
      : pool_(std::move(target), options),
        max_attempts_(std::max(1, options.max_attempts)) {}

  void AddConnection(std::unique_ptr<PgConnection> conn) {
    pool_.Add(std::move(conn));
  }

  absl::StatusOr<std::vector<PutOutcome>> PutBatch(
      const std::vector<StoredArticle>& batch) override;
  absl::StatusOr<std::vector<DayRollup>> DailyRollups(
      const DyadKey& dyad, absl::CivilDay from, absl::CivilDay to) override;
  absl::StatusOr<std::vector<DyadSummaryRow>> ListDyads(
      int64_t min_articles) override;
  absl::StatusOr<StoredArticle> GetArticle(absl::string_view id) override;
  absl::StatusOr<int64_t> CountArticles() override;
  std::string backend() const override { return "postgresql"; }

 private:
  // Runs `body` on a pooled connection: again from the start after a
  // serialization failure or deadlock (up to max_attempts_ runs), and once
  // more on a fresh connection when a pooled one turns out dead before
  // COMMIT. `body` sets *committing before it sends COMMIT. An open
  // transaction is rolled back after a failure.
  absl::Status Transact(
      const std::function<absl::Status(PgConnection&, bool* committing)>& body);

  PgPool pool_;
  const int max_attempts_;
};

absl::Status PostgresArticleStore::Transact(
    const std::function<absl::Status(PgConnection&, bool* committing)>& body) {
  bool replaced_dead_connection = false;
  for (int attempt = 1;; ++attempt) {
    absl::StatusOr<PgPool::Lease> lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    PgConnection& conn = **lease;
    bool committing = false;
    const absl::Status s = body(conn, &committing);
    if (s.ok()) return s;
    if (conn.ok() && !conn.idle()) (void)conn.Exec("ROLLBACK");
    if (!conn.ok()) {
      if (committing) {
        return WithMessage(
            s, absl::StrCat(s.message(),
                            " (the connection was lost during COMMIT, so "
                            "whether the batch is stored is unknown; sending "
                            "it again is safe)"));
      }
      if (lease->reused() && !replaced_dead_connection) {
        // Most likely a connection that died in the pool (the server
        // restarted): the transaction was rolled back; run it once more on
        // a new connection.
        replaced_dead_connection = true;
        pool_.DropIdle();
        --attempt;
        continue;
      }
      return s;
    }
    if (!IsRetryableSqlState(SqlState(s))) return s;
    if (attempt >= max_attempts_) {
      return WithMessage(s, absl::StrCat(s.message(), " (gave up after ",
                                         attempt, " attempts)"));
    }
    Backoff(attempt);
  }
}

absl::StatusOr<std::vector<PutOutcome>> PostgresArticleStore::PutBatch(
    const std::vector<StoredArticle>& batch) {
  absl::Status s = ValidateBatch(batch);
  if (s.ok()) s = CheckPostgresLimits(batch);
  if (!s.ok()) return s;
  if (batch.empty()) return std::vector<PutOutcome>();
  std::vector<PutOutcome> outcomes;
  s = Transact([&](PgConnection& conn, bool* committing) -> absl::Status {
    absl::StatusOr<PgResult> r =
        conn.Exec("BEGIN ISOLATION LEVEL READ COMMITTED, READ WRITE");
    if (!r.ok()) return r.status();
    absl::StatusOr<std::vector<PutOutcome>> out =
        PutBatchInTransaction(conn, batch);
    if (!out.ok()) return out.status();
    *committing = true;
    r = conn.Exec("COMMIT");
    if (!r.ok()) return r.status();
    if (r->command() != "COMMIT") {
      return absl::InternalError(absl::StrCat(
          conn.name(), ": COMMIT answered \"", r->command(), "\""));
    }
    outcomes = *std::move(out);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return outcomes;
}

absl::StatusOr<std::vector<DayRollup>> PostgresArticleStore::DailyRollups(
    const DyadKey& dyad, absl::CivilDay from, absl::CivilDay to) {
  absl::Status s = ValidateDyadKey(dyad);
  if (!s.ok()) return s;
  std::vector<DayRollup> days;
  // No stored day lies outside PostgreSQL's range, no stored code holds
  // what its text cannot.
  if (to < kPgMinDay || from > kPgMaxDay || from > to ||
      !CheckText("", dyad.a).ok() || !CheckText("", dyad.b).ok()) {
    return days;
  }
  from = std::max(from, kPgMinDay);
  to = std::min(to, kPgMaxDay);
  s = Transact([&](PgConnection& conn, bool*) -> absl::Status {
    days.clear();
    absl::StatusOr<PgResult> r =
        conn.Run(kSelectRollups,
                 PgParams().Text(dyad.a).Text(dyad.b).Date(from).Date(to));
    if (!r.ok()) return r.status();
    days.reserve(static_cast<size_t>(r->rows()));  // a row a top article
    for (int row = 0; row < r->rows(); ++row) {
      const absl::CivilDay day = r->Date(row, 0);
      if (days.empty() || days.back().day != day) {
        DayRollup rollup;
        rollup.day = day;
        rollup.articles = static_cast<int>(r->Int(row, 1));
        rollup.tone_sum = r->Float8(row, 2);
        rollup.tone_sum_squares = r->Float8(row, 3);
        for (int q = 0; q < kNumQuadClasses; ++q) {
          rollup.quad_counts[q] = static_cast<int>(r->Int(row, 4 + q));
        }
        days.push_back(std::move(rollup));
      }
      if (!r->IsNull(row, 8)) {
        days.back().top.emplace_back(r->Bytes(row, 8), r->Float8(row, 9));
      }
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return days;
}

absl::StatusOr<std::vector<DyadSummaryRow>> PostgresArticleStore::ListDyads(
    int64_t min_articles) {
  std::vector<DyadSummaryRow> rows;
  absl::Status s = Transact([&](PgConnection& conn, bool*) -> absl::Status {
    rows.clear();
    absl::StatusOr<PgResult> r =
        conn.Run(kListDyads, PgParams().Int64(min_articles));
    if (!r.ok()) return r.status();
    for (int row = 0; row < r->rows(); ++row) {
      DyadSummaryRow summary;
      summary.dyad = DyadKey{r->Bytes(row, 0), r->Bytes(row, 1)};
      summary.articles = r->Int(row, 2);
      summary.first_day = r->Date(row, 3);
      summary.last_day = r->Date(row, 4);
      summary.tone_sum = r->Float8(row, 5);
      rows.push_back(std::move(summary));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return rows;
}

absl::StatusOr<StoredArticle> PostgresArticleStore::GetArticle(
    absl::string_view id) {
  const auto not_found = [&] {
    return absl::NotFoundError(absl::StrCat("no article with id \"", id, "\""));
  };
  // An id PostgreSQL text cannot hold cannot have been stored.
  if (!CheckText("id", id).ok()) return not_found();
  StoredArticle article;
  bool found = false;
  absl::Status s = Transact([&](PgConnection& conn, bool*) -> absl::Status {
    article = StoredArticle();
    found = false;
    absl::StatusOr<PgResult> r =
        conn.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    if (!r.ok()) return r.status();
    r = conn.Run(kSelectArticle, PgParams().Text(id));
    if (!r.ok()) return r.status();
    found = r->rows() > 0;
    if (found) {
      article.id = std::string(id);
      article.date = r->Date(0, 0);
      article.text_fingerprint = r->Bytes(0, 1);
      article.lexicon_version = r->Bytes(0, 2);
      article.gazetteer_version = r->Bytes(0, 3);
      article.score = r->Bytes(0, 4);
      r = conn.Run(kSelectArticleDyads, PgParams().Text(id));
      if (!r.ok()) return r.status();
      for (int row = 0; row < r->rows(); ++row) {
        StoredDyad dyad;
        dyad.dyad = DyadKey{r->Bytes(row, 0), r->Bytes(row, 1)};
        dyad.tone = r->Float8(row, 2);
        dyad.signals = static_cast<int>(r->Int(row, 3));
        for (int q = 0; q < kNumQuadClasses; ++q) {
          dyad.quad_counts[q] = static_cast<int>(r->Int(row, 4 + q));
        }
        article.dyads.push_back(std::move(dyad));
      }
    }
    return conn.Exec("COMMIT").status();
  });
  if (!s.ok()) return s;
  if (!found) return not_found();
  return article;
}

absl::StatusOr<int64_t> PostgresArticleStore::CountArticles() {
  int64_t count = 0;
  absl::Status s = Transact([&](PgConnection& conn, bool*) -> absl::Status {
    absl::StatusOr<PgResult> r = conn.Run(kCountArticles, PgParams());
    if (!r.ok()) return r.status();
    count = r->Int(0, 0);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return count;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ArticleStore>> OpenPostgresStore(
    absl::string_view url, const PostgresStoreOptions& options) {
  absl::StatusOr<PgTarget> target = PgTarget::Parse(url);
  if (!target.ok()) return target.status();
  absl::StatusOr<std::unique_ptr<PgConnection>> conn =
      PgConnection::Connect(*target);
  if (!conn.ok()) return conn.status();
  absl::Status s =
      MigratePostgresSchema(**conn, PostgresArticleStoreMigrations());
  if (!s.ok()) return s;
  auto store = std::make_unique<PostgresArticleStore>(*target, options);
  store->AddConnection(*std::move(conn));
  return std::unique_ptr<ArticleStore>(std::move(store));
}

}  // namespace dyadtone
