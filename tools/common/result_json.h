// Renders engine results as JSON for the command-line tools. The field
// names follow the service's proto JSON mapping (lowerCamelCase).

#ifndef DYADTONE_TOOLS_COMMON_RESULT_JSON_H_
#define DYADTONE_TOOLS_COMMON_RESULT_JSON_H_

#include "absl/strings/string_view.h"

#include "nlohmann/json.hpp"
#include "service/engine/result.h"

namespace dyadtone {

nlohmann::json ResultToJson(const ArticleResult& result,
                            bool include_evidence = true);
nlohmann::json DyadToJson(const DyadScore& dyad);
nlohmann::json EvidenceToJson(const Evidence& evidence);

}  // namespace dyadtone

#endif  // DYADTONE_TOOLS_COMMON_RESULT_JSON_H_
