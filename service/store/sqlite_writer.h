// The write path of the SQLite store: one article at a time inside the
// caller's write transaction, keeping the per-(dyad, day) rollups and their
// top articles in step with article_dyads.

#ifndef DYADTONE_SERVICE_STORE_SQLITE_WRITER_H_
#define DYADTONE_SERVICE_STORE_SQLITE_WRITER_H_

#include "absl/status/statusor.h"
#include "service/store/article_store.h"
#include "service/store/sqlite_db.h"

namespace dyadtone {

// Stores `article`, replaces the article with its id when the text
// fingerprint differs (its figures leave the rollups first), or writes
// nothing when the fingerprint is the same.
// REQUIRES: inside a write transaction; the article passed ValidateBatch.
absl::StatusOr<PutOutcome> PutArticle(SqliteDb& db,
                                      const StoredArticle& article);

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_STORE_SQLITE_WRITER_H_
