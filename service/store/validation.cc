#include "service/store/validation.h"

#include <cmath>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"

namespace dyadtone {
namespace {

absl::Status ValidateDyad(const StoredDyad& dyad) {
  absl::Status s = ValidateDyadKey(dyad.dyad);
  if (!s.ok()) return s;
  if (!std::isfinite(dyad.tone)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "dyad ", dyad.dyad.a, "-", dyad.dyad.b, ": tone is not finite"));
  }
  bool negative = dyad.signals < 0;
  for (int count : dyad.quad_counts) negative = negative || count < 0;
  if (negative) {
    return absl::InvalidArgumentError(absl::StrCat(
        "dyad ", dyad.dyad.a, "-", dyad.dyad.b, ": negative count"));
  }
  return absl::OkStatus();
}

absl::Status ValidateArticle(const StoredArticle& article) {
  if (article.id.empty()) return absl::InvalidArgumentError("empty id");
  std::set<DyadKey> seen;
  for (const StoredDyad& dyad : article.dyads) {
    absl::Status s = ValidateDyad(dyad);
    if (!s.ok()) return s;
    if (!seen.insert(dyad.dyad).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "dyad ", dyad.dyad.a, "-", dyad.dyad.b, " appears twice"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateDyadKey(const DyadKey& dyad) {
  if (dyad.a.empty() || dyad.b.empty() || !(dyad.a < dyad.b)) {
    return absl::InvalidArgumentError(
        absl::StrCat("dyad \"", dyad.a, "\"-\"", dyad.b,
                     "\" is not a pair of sorted codes (REQUIRES a < b)"));
  }
  return absl::OkStatus();
}

absl::Status ValidateBatch(const std::vector<StoredArticle>& batch) {
  for (size_t i = 0; i < batch.size(); ++i) {
    absl::Status s = ValidateArticle(batch[i]);
    if (!s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "article ", i, " (id \"", batch[i].id, "\"): ", s.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace dyadtone
