// Helpers for the store tests: a temporary directory that cleans up after
// itself, and a raw SQLite connection for looking at (and tampering with) a
// store's file from the outside.

#ifndef DYADTONE_TESTS_STORE_STORE_TEST_UTIL_H_
#define DYADTONE_TESTS_STORE_STORE_TEST_UTIL_H_

#include <sqlite3.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>

#include "gtest/gtest.h"

namespace dyadtone {

class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "dyadtone_store_XXXXXX";
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
    EXPECT_FALSE(path_.empty()) << "mkdtemp failed for " << pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A plain connection to a database file, outside any store.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK) << path;
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  // Runs constant SQL; returns SQLite's error message, "" on success.
  std::string Exec(const std::string& sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    std::string error = rc == SQLITE_OK ? "" : (message ? message : "error");
    sqlite3_free(message);
    return error;
  }

  // The first column of the first row of `sql` as text ("" when no row).
  std::string QueryText(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string value;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      if (text != nullptr) value = reinterpret_cast<const char*>(text);
    }
    sqlite3_finalize(stmt);
    return value;
  }

  int64_t QueryInt(const std::string& sql) {
    return std::strtoll(QueryText(sql).c_str(), nullptr, 10);
  }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace dyadtone

#endif  // DYADTONE_TESTS_STORE_STORE_TEST_UTIL_H_
