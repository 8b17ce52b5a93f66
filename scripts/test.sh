#!/usr/bin/env bash
# The test command: installs what is missing, builds, runs the whole test
# suite through CTest, then prints the evaluation figures on the labelled
# development set and runs each benchmark once, briefly, to prove it works.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}

(cd "$BUILD_DIR" && ctest --output-on-failure -j "$(nproc)")

echo
echo "== container image: podman build, run read-only as non-root, ingest, SIGTERM, restart"
scripts/container-test.sh

echo
echo "== evaluation on tests/testdata/eval/dev.jsonl (figures, not assertions)"
"$BUILD_DIR"/tools/dyadtone-eval \
  --general_lexicon=tests/testdata/vader/vader_lexicon.txt \
  tests/testdata/eval/dev.jsonl | tail -4

echo
echo "== general tone with VADER's lexicon vs the human ratings (figures)"
"$BUILD_DIR"/tests/general_lexicon_test --gtest_filter='*Evaluation*' |
  grep '^Pearson'

if [ -x "$BUILD_DIR"/bench/engine_benchmark ]; then
  echo
  echo "== engine benchmark, one short run (not a test)"
  "$BUILD_DIR"/bench/engine_benchmark --benchmark_min_time=0.05 \
    --benchmark_filter='BM_Score|BM_TokenizeFloor' 2>&1 | tail -10
fi

# ASan+UBSan over the whole suite, a bounded fuzzing run and ThreadSanitizer
# over the threaded tests (scripts/sanitize.sh). Most of its time is the two
# builds, so the fuzz targets get 30 s each here rather than 60.
echo
echo "== sanitizers and fuzzing (scripts/sanitize.sh)"
FUZZ_SECONDS=${FUZZ_SECONDS:-30} scripts/sanitize.sh
