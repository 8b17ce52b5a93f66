// The write path of the PostgreSQL store: a whole batch inside the caller's
// READ COMMITTED transaction, keeping the per-(dyad, day) rollups and their
// top articles in step with article_dyads, like the SQLite writer.
//
// Several processes may write the same database at once. Before touching a
// row, a batch takes transaction-scoped advisory locks, in one global
// order: the lock of all writing in shared mode, then one per article id
// of the batch, then one per (dyad, day) whose rollup it changes (those of
// its new figures and of the figures it replaces, read once the ids are
// locked). Two batches that share an id or a rollup therefore run one
// after the other, each reading what the other committed, and writers never
// deadlock among themselves; the rollups stay exact. A batch with more than
// 256 ids and new (dyad, day)s takes the lock of all writing exclusively
// instead, and nothing else: it runs alone, like every SQLite write, and
// holds one lock rather than hundreds of the server's shared lock table.
// Within the locks, the rollup upserts (INSERT ... ON CONFLICT DO UPDATE)
// are atomic on their own as well.

#ifndef DYADTONE_SERVICE_STORE_POSTGRES_WRITER_H_
#define DYADTONE_SERVICE_STORE_POSTGRES_WRITER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "service/store/article_store.h"
#include "service/store/postgres_conn.h"

namespace dyadtone {

// Takes the batch's locks, then stores each article in order: stores it,
// replaces the article with its id when the text fingerprint differs (its
// figures leave the rollups first), or writes nothing when the fingerprint
// is the same. Returns the outcomes in order.
// REQUIRES: inside a READ COMMITTED transaction on `conn`; the batch passed
// ValidateBatch and its dates lie in PostgreSQL's range.
absl::StatusOr<std::vector<PutOutcome>> PutBatchInTransaction(
    PgConnection& conn, const std::vector<StoredArticle>& batch);

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_STORE_POSTGRES_WRITER_H_
