// Regular English inflections for the lexicon's "word+" slots.

#ifndef DYADTONE_SERVICE_ENGINE_INFLECTION_H_
#define DYADTONE_SERVICE_ENGINE_INFLECTION_H_

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

namespace dyadtone {

// Returns `lemma` and its regular inflections (-s/-es, -ed/-d, -ing, with
// e-dropping, y -> i and consonant doubling). Over-generates on purpose
// (both "regreted" and "regretted"): a form that never occurs costs
// nothing, a missing one loses a match.
// REQUIRES: `lemma` is lower case and non-empty.
std::vector<std::string> Inflect(absl::string_view lemma);

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_ENGINE_INFLECTION_H_
