// OpenStore: the one place a store URL is read.

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "service/store/article_store.h"
#include "service/store/postgres_conn.h"
#include "service/store/postgres_store.h"
#include "service/store/sqlite_store.h"

namespace dyadtone {

absl::StatusOr<std::unique_ptr<ArticleStore>> OpenStore(absl::string_view url) {
  constexpr absl::string_view kSqlite = "sqlite:";
  if (absl::StartsWith(url, kSqlite)) {
    const absl::string_view path = url.substr(kSqlite.size());
    if (path.empty()) {
      return absl::InvalidArgumentError(
          "store URL \"sqlite:\" has no file path; use sqlite:PATH");
    }
    return OpenSqliteStore(std::string(path));
  }
  if (absl::StartsWith(url, "postgresql://") ||
      absl::StartsWith(url, "postgres://")) {
    return OpenPostgresStore(url);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown store URL \"", RedactUrlPassword(url),
                   "\"; expected sqlite:PATH or postgresql://..."));
}

}  // namespace dyadtone
