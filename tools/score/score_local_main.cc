// dyadtone-score-local: scores article files with the engine in-process and
// prints one JSON result per file. For debugging data files and demos
// without a server; the service's CLI is `dyadtone score`.

#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "service/engine/engine.h"
#include "service/engine/spec_reader.h"
#include "tools/common/engine_flags.h"
#include "tools/common/result_json.h"

ABSL_FLAG(bool, evidence, true, "include the evidence list");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("dyadtone-score-local FILE...");
  std::vector<char*> files = absl::ParseCommandLine(argc, argv);
  const dyadtone::EngineOptions options = dyadtone::EngineOptionsFromFlags();
  auto engine = dyadtone::Engine::Create(options);
  if (!engine.ok()) {
    std::cerr << "dyadtone-score-local: " << engine.status().message() << "\n";
    return 2;
  }
  int failures = 0;
  for (size_t i = 1; i < files.size(); ++i) {
    std::string text;
    absl::Status s = dyadtone::ReadFileToString(files[i], &text);
    absl::StatusOr<dyadtone::ArticleResult> r =
        s.ok() ? (*engine)->Score({text}) : s;
    if (!r.ok()) {
      std::cerr << files[i] << ": " << r.status().message() << "\n";
      ++failures;
      continue;
    }
    nlohmann::json j = dyadtone::ResultToJson(*r, absl::GetFlag(FLAGS_evidence));
    j["file"] = files[i];
    std::cout << j.dump(2) << "\n";
  }
  return failures == 0 ? 0 : 1;
}
