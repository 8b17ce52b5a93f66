// Checks a backend makes before writing a batch, so every backend rejects
// the same inputs with the same message.

#ifndef DYADTONE_SERVICE_STORE_VALIDATION_H_
#define DYADTONE_SERVICE_STORE_VALIDATION_H_

#include <vector>

#include "absl/status/status.h"
#include "service/store/article_store.h"

namespace dyadtone {

// InvalidArgument naming the article (index and id) and the reason when an
// article has an empty id, a dyad whose codes are empty, equal or not sorted
// (a < b), the same dyad twice, a tone that is not finite, or a negative
// signal or quad count.
absl::Status ValidateBatch(const std::vector<StoredArticle>& batch);

// InvalidArgument unless dyad.a < dyad.b, both non-empty.
absl::Status ValidateDyadKey(const DyadKey& dyad);

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_STORE_VALIDATION_H_
