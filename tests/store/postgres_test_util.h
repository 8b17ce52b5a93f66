// Helpers for the tests that need a PostgreSQL server: where it is, and a
// fresh schema per test that is dropped afterwards.
//
// The server comes from DYADTONE_TEST_POSTGRES_URL (a libpq URI with the
// rights to create schemas), or from the first line of the file named by
// DYADTONE_TEST_POSTGRES_URL_FILE (what CTest passes: the URL of the
// cluster that scripts/postgres-test-cluster.sh started for the run).
// Without either, the PostgreSQL tests skip, saying so.

#ifndef DYADTONE_TESTS_STORE_POSTGRES_TEST_UTIL_H_
#define DYADTONE_TESTS_STORE_POSTGRES_TEST_UTIL_H_

#include <libpq-fe.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace dyadtone {

inline std::string TestPostgresUrl() {
  if (const char* url = getenv("DYADTONE_TEST_POSTGRES_URL");
      url != nullptr && *url != '\0') {
    return url;
  }
  if (const char* file = getenv("DYADTONE_TEST_POSTGRES_URL_FILE");
      file != nullptr && *file != '\0') {
    std::ifstream in(file);
    std::string url;
    std::getline(in, url);
    EXPECT_FALSE(url.empty())
        << "DYADTONE_TEST_POSTGRES_URL_FILE=" << file
        << " names no readable URL (did the cluster fixture start?)";
    return url;
  }
  return "";
}

inline constexpr char kNoPostgresMessage[] =
    "*** PostgreSQL backend NOT TESTED: set DYADTONE_TEST_POSTGRES_URL (e.g. "
    "postgresql://postgres:PW@127.0.0.1:5432/postgres) or run the tests "
    "through CTest, which starts a throwaway cluster "
    "(scripts/postgres-test-cluster.sh). ***";

// `url` with a libpq query parameter added.
inline std::string WithUrlParameter(const std::string& url,
                                    const std::string& parameter) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + parameter;
}

// A plain libpq connection for setting up and inspecting from outside the
// store. Runs constant SQL only.
class PgAdmin {
 public:
  explicit PgAdmin(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    EXPECT_EQ(PQstatus(conn_), CONNECTION_OK) << PQerrorMessage(conn_);
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
  }
  ~PgAdmin() { PQfinish(conn_); }
  PgAdmin(const PgAdmin&) = delete;
  PgAdmin& operator=(const PgAdmin&) = delete;

  // Returns the server's error message, "" on success.
  std::string Exec(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    const ExecStatusType st = PQresultStatus(r);
    std::string error = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK
                            ? ""
                            : PQresultErrorMessage(r);
    if (error.empty() && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      error = "error";
    }
    PQclear(r);
    return error;
  }

  // The first column of the first row as text ("" when no row).
  std::string QueryText(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    std::string value;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0) {
      value = PQgetvalue(r, 0, 0);
    } else if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      ADD_FAILURE() << sql << ": " << PQresultErrorMessage(r);
    }
    PQclear(r);
    return value;
  }

  int64_t QueryInt(const std::string& sql) {
    return std::strtoll(QueryText(sql).c_str(), nullptr, 10);
  }

 private:
  PGconn* conn_;
};

// A schema of its own in the test server for one test, dropped with
// everything in it at the end; url() points the store at it through
// search_path.
class PgTestSchema {
 public:
  explicit PgTestSchema(const std::string& server_url)
      : server_url_(server_url) {
    static std::atomic<int> counter{0};
    name_ = absl::StrCat("dyadtone_test_", getpid(), "_", counter++, "_",
                         std::random_device{}() % 1000000);
    PgAdmin admin(server_url_);
    EXPECT_EQ(admin.Exec("CREATE SCHEMA " + name_), "") << name_;
  }
  ~PgTestSchema() {
    PgAdmin admin(server_url_);
    EXPECT_EQ(admin.Exec("DROP SCHEMA IF EXISTS " + name_ + " CASCADE"), "")
        << name_;
  }
  PgTestSchema(const PgTestSchema&) = delete;
  PgTestSchema& operator=(const PgTestSchema&) = delete;

  const std::string& name() const { return name_; }
  // The server URL with search_path set to this schema, and more server
  // options if given (URL-encoded: "-csynchronous_commit%3Doff").
  std::string url(const std::string& more_options = "") const {
    return WithUrlParameter(
        server_url_, "options=-csearch_path%3D" + name_ +
                         (more_options.empty() ? "" : "%20" + more_options));
  }
  // The server URL itself (search_path as the server has it).
  const std::string& server_url() const { return server_url_; }

 private:
  std::string server_url_;
  std::string name_;
};

}  // namespace dyadtone

#endif  // DYADTONE_TESTS_STORE_POSTGRES_TEST_UTIL_H_
