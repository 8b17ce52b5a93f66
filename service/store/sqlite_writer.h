// The write path of the SQLite store: a batch of articles inside the
// caller's write transaction, keeping the per-(dyad, day) rollups and their
// top articles in step with article_dyads.

#ifndef DYADTONE_SERVICE_STORE_SQLITE_WRITER_H_
#define DYADTONE_SERVICE_STORE_SQLITE_WRITER_H_

#include <cstddef>
#include <memory>

#include "absl/status/statusor.h"
#include "service/store/article_store.h"
#include "service/store/sqlite_db.h"

namespace dyadtone {

// Writes one batch inside the caller's write transaction. Each rollup row
// the batch touches is read once, changed in memory in article order (the
// same sums, in the same order, as an UPDATE per article) and written once
// by Finish(): a day's news names the same pairs again and again.
// Not thread-safe; lives for one transaction.
class SqliteBatchWriter {
 public:
  explicit SqliteBatchWriter(SqliteDb* db);
  ~SqliteBatchWriter();
  SqliteBatchWriter(const SqliteBatchWriter&) = delete;
  SqliteBatchWriter& operator=(const SqliteBatchWriter&) = delete;

  // Stores `article`, replaces the article with its id when the text
  // fingerprint differs (its figures leave the rollups first), or writes
  // nothing when the fingerprint is the same.
  // REQUIRES: the article passed ValidateBatch.
  absl::StatusOr<PutOutcome> Put(const StoredArticle& article);

  // Writes the rollups changed since the last Finish().
  // REQUIRES: called after the last Put, before the commit.
  absl::Status Finish();

 private:
  struct PendingRollups;

  absl::Status AddFigures(const StoredArticle& article, size_t position);

  SqliteDb& db_;
  const std::unique_ptr<PendingRollups> pending_;
};

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_STORE_SQLITE_WRITER_H_
