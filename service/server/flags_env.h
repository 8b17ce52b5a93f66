// Lets every flag be set from the environment too: DYADTONE_<NAME> for
// --<name>; the command line wins. Accepts --general-lexicon as well as
// --general_lexicon.

#ifndef DYADTONE_SERVICE_SERVER_FLAGS_ENV_H_
#define DYADTONE_SERVICE_SERVER_FLAGS_ENV_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace dyadtone {

// Sets each named flag whose DYADTONE_<NAME> variable is set. Errors name
// the variable and the reason.
absl::Status ApplyEnvironment(const std::vector<std::string>& flag_names);

// Rewrites "--some-flag[=v]" to "--some_flag[=v]" in place.
std::vector<char*> NormalizeFlagDashes(int argc, char** argv,
                                       std::vector<std::string>* storage);

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_SERVER_FLAGS_ENV_H_
