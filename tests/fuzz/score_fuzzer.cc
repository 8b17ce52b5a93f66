// Fuzzes the text pipeline: Engine::Score on arbitrary bytes with the
// shipped gazetteer and lexicon (loaded once). Any input either scores,
// with every contract of the result holding (fuzz_checks.h), or fails with
// InvalidArgument (invalid UTF-8, a NUL byte, no words); and scoring the
// same text twice gives the same result, so nothing of one article leaks
// into the next through the reused per-thread workspace.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "service/engine/engine.h"
#include "service/engine/utf8.h"
#include "tests/fuzz/fuzz_checks.h"

namespace dyadtone {
namespace {

const Engine& ShippedEngine() {
  static const Engine* const engine = [] {
    absl::StatusOr<std::unique_ptr<const Engine>> e =
        Engine::Create(EngineOptions());
    if (!e.ok()) {
      std::fprintf(stderr, "loading the shipped data: %s\n",
                   e.status().ToString().c_str());
      std::abort();
    }
    return e->release();
  }();
  return *engine;
}

// The figures two scorings of one text must agree on, exactly.
void CheckSameResult(const ArticleResult& x, const ArticleResult& y) {
  FUZZ_CHECK(x.tokens == y.tokens && x.sentences == y.sentences, "counts");
  FUZZ_CHECK(x.date.day == y.date.day && x.date.source == y.date.source,
             "date");
  FUZZ_CHECK(x.evidence.size() == y.evidence.size(), x.evidence.size(), " vs ",
             y.evidence.size());
  for (size_t i = 0; i < x.evidence.size(); ++i) {
    FUZZ_CHECK(x.evidence[i].lexicon_line == y.evidence[i].lexicon_line &&
                   x.evidence[i].span.begin == y.evidence[i].span.begin &&
                   x.evidence[i].contribution == y.evidence[i].contribution,
               "evidence ", i);
  }
  FUZZ_CHECK(x.dyads.size() == y.dyads.size(), "dyads");
  for (size_t i = 0; i < x.dyads.size(); ++i) {
    FUZZ_CHECK(x.dyads[i].dyad == y.dyads[i].dyad &&
                   x.dyads[i].tone == y.dyads[i].tone,
               "dyad ", i);
  }
  FUZZ_CHECK(x.actors.size() == y.actors.size(), "actors");
}

}  // namespace
}  // namespace dyadtone

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dyadtone;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const Engine& engine = ShippedEngine();
  absl::StatusOr<ArticleResult> result = engine.Score({text});
  const bool valid_utf8 = ValidateUtf8(text).ok();
  if (!result.ok()) {
    FUZZ_CHECK(absl::IsInvalidArgument(result.status()),
               result.status().ToString());
    return 0;
  }
  FUZZ_CHECK(valid_utf8, "scored invalid UTF-8");
  CheckArticleResult(*result, text.size());
  absl::StatusOr<ArticleResult> again = engine.Score({text});
  FUZZ_CHECK(again.ok(), again.status().ToString());
  CheckSameResult(*result, *again);
  return 0;
}
