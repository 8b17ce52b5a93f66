// The engine most golden tests score with: the shipped gazetteer and
// relations lexicon, and VADER's lexicon (tests/testdata/vader/) as the
// general one. Built once per test binary; a test that includes this
// defines DYADTONE_TESTDATA_DIR.

#ifndef DYADTONE_TESTS_SHIPPED_ENGINE_H_
#define DYADTONE_TESTS_SHIPPED_ENGINE_H_

#include "gtest/gtest.h"
#include "service/engine/engine.h"
#include "tests/test_util.h"

namespace dyadtone {

inline const Engine& ShippedEngine() {
  static const Engine* engine = [] {
    EngineOptions options;
    options.general_lexicon_path =
        DYADTONE_TESTDATA_DIR "/vader/vader_lexicon.txt";
    auto e = Engine::Create(options);
    EXPECT_THAT(e, IsOk());
    return e.ok() ? e->release() : nullptr;
  }();
  return *engine;
}

}  // namespace dyadtone

#endif  // DYADTONE_TESTS_SHIPPED_ENGINE_H_
