#!/usr/bin/env bash
# The sanitizer and fuzzing step of the tests, with clang 14:
#   1. an ASan+UBSan build (build-asan/) of everything with the libFuzzer
#      targets, and the whole CTest suite under it: any report fails;
#   2. every fuzz target for FUZZ_SECONDS (default 60), two at a time, on a
#      copy of its seed corpus (tests/fuzz/corpus/), with executions per
#      target reported;
#   3. a ThreadSanitizer build (build-tsan/) of the tests that run threads
#      (the server, client and store tests, the engine's thread tests and
#      the end-to-end test), run with TSan: any report fails.
# Run it after scripts/install-deps.sh. Environment: FUZZ_SECONDS,
# SANITIZE_STEPS (a subset of "asan fuzz tsan"), ASAN_BUILD_DIR,
# TSAN_BUILD_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
STEPS=${SANITIZE_STEPS:-asan fuzz tsan}
ASAN_DIR=${ASAN_BUILD_DIR:-build-asan}
TSAN_DIR=${TSAN_BUILD_DIR:-build-tsan}
FUZZERS=(score_fuzzer date_fuzzer lexicon_fuzzer gazetteer_fuzzer
         tone_service_fuzzer)

export CC=clang-14 CXX=clang++-14
# Any report is a failure, leaks included; reports come symbolized.
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# ignore_noninstrumented_modules: see tests/tsan_suppressions.txt.
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1:suppressions=$PWD/tests/tsan_suppressions.txt"
if command -v llvm-symbolizer-14 >/dev/null; then
  export ASAN_SYMBOLIZER_PATH=$(command -v llvm-symbolizer-14)
  export LLVM_SYMBOLIZER_PATH=$ASAN_SYMBOLIZER_PATH
fi

# quiet LOG COMMAND...: runs COMMAND into LOG; shows the end of LOG and
# fails if it fails.
quiet() {
  local log=$1
  shift
  if ! "$@" >"$log" 2>&1; then
    tail -80 "$log"
    echo "failed: $* (whole log: $log)"
    return 1
  fi
}

step_start=$SECONDS
elapsed() { echo "$((SECONDS - step_start)) s"; }
has_step() { [[ " $STEPS " == *" $1 "* ]]; }

# configure DIR SANITIZER_FLAGS [CMAKE_ARGS...]: -O1 keeps the reports
# exact and the code fast enough to fuzz; line tables are all the reports
# need and cost less to build than full debug information; no benchmarks.
configure() {
  local dir=$1 flags=$2
  shift 2
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="$flags" -DCMAKE_SHARED_LINKER_FLAGS="$flags" \
    -DDYADTONE_BUILD_BENCHMARKS=OFF "$@" >/dev/null
}

asan_suite() {
  echo "== ASan+UBSan: build ($ASAN_DIR) and the whole test suite"
  configure "$ASAN_DIR" \
    "-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
    -DDYADTONE_FUZZ=ON
  quiet "$ASAN_DIR/build.log" nice ninja -C "$ASAN_DIR" -j2
  echo "built in $(elapsed)"
  quiet "$ASAN_DIR/ctest.log" \
    bash -c "cd '$ASAN_DIR' && ctest --output-on-failure -j2 --timeout 600"
  grep -E '^[0-9]+% tests passed' "$ASAN_DIR/ctest.log"
  echo "ASan+UBSan suite done in $(elapsed)"
}

# fuzz_one TARGET: fuzzes a copy of the target's seed corpus; leaves the
# log, the grown corpus and any crashing input in $fuzz_dir/TARGET/.
fuzz_one() {
  local t=$1 dir=$fuzz_dir/$1 dict=()
  mkdir -p "$dir/corpus" "$dir/artifacts"
  cp tests/fuzz/corpus/"$t"/* "$dir/corpus/"
  if [ -f tests/fuzz/"$t".dict ]; then dict=(-dict=tests/fuzz/"$t".dict); fi
  local rc=0 start=$SECONDS
  "$ASAN_DIR/tests/fuzz/$t" "$dir/corpus" "${dict[@]}" \
    -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$dir/artifacts/" -print_final_stats=1 \
    >"$dir/log" 2>&1 || rc=$?
  echo "$rc $((SECONDS - start))" >"$dir/result"
}

fuzz_report() {
  local t=$1 dir=$fuzz_dir/$1 rc secs
  read -r rc secs <"$dir/result"
  local runs rate seeds corpus
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log")
  seeds=$(ls tests/fuzz/corpus/"$t" | wc -l)
  corpus=$(ls "$dir/corpus" | wc -l)
  printf '%-20s %4s s %10s execs %7s execs/s  corpus %d -> %d  %s\n' \
    "$t" "$secs" "${runs:-?}" "${rate:-?}" "$seeds" "$corpus" \
    "$([ "$rc" = 0 ] && echo ok || echo "FAILED (exit $rc)")"
  if [ "$rc" != 0 ]; then
    tail -40 "$dir/log"
    echo "crashing input(s): $(ls "$dir"/artifacts/* 2>/dev/null)"
    return 1
  fi
}

fuzz_all() {
  echo "== fuzzing: ${#FUZZERS[@]} targets x ${FUZZ_SECONDS} s, two at a time"
  fuzz_dir=$ASAN_DIR/fuzz-run
  rm -rf "$fuzz_dir"
  mkdir -p "$fuzz_dir"
  # The service fuzzer's SQLite files: in memory when /dev/shm is there, so
  # that fsync does not set the pace.
  fuzz_tmp=$(mktemp -d "$( [ -w /dev/shm ] && echo /dev/shm || echo /tmp )/dyadtone-fuzz.XXXXXX")
  trap 'rm -rf "$fuzz_tmp"' EXIT
  for t in "${FUZZERS[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n || true; done
    TMPDIR=$fuzz_tmp fuzz_one "$t" &
  done
  wait
  local failed=0
  for t in "${FUZZERS[@]}"; do fuzz_report "$t" || failed=1; done
  echo "fuzzing done in $(elapsed)"
  return $failed
}

TSAN_TESTS=(tests/server/tone_service_test tests/server/worker_pool_test
            tests/server/callback_keeper_test
            tests/client/tone_client_test tests/client/cli_test
            tests/store/article_store_test tests/store/sqlite_store_test)

tsan_suite() {
  echo "== ThreadSanitizer: build ($TSAN_DIR) and the tests that run threads"
  configure "$TSAN_DIR" "-fsanitize=thread -fno-omit-frame-pointer" \
    -DDYADTONE_TSAN=ON
  quiet "$TSAN_DIR/build.log" nice ninja -C "$TSAN_DIR" -j2 \
    tone_service_test worker_pool_test callback_keeper_test tone_client_test \
    cli_test dyadtone \
    dyadtoned \
    article_store_test sqlite_store_test engine_rules_test \
    general_lexicon_test
  echo "built in $(elapsed)"
  local failed=0 t
  for t in "${TSAN_TESTS[@]}"; do
    run_tsan "$(basename "$t")" "$TSAN_DIR/$t" || failed=1
  done
  run_tsan "engine_rules_test (threads)" "$TSAN_DIR/tests/engine_rules_test" \
    --gtest_filter='*Thread*' || failed=1
  run_tsan "general_lexicon_test (threads)" \
    "$TSAN_DIR/tests/general_lexicon_test" --gtest_filter='*Concurrency*' ||
    failed=1
  # The end-to-end test's dyadtoned and CLI run as child processes whose
  # output the test keeps to itself: their reports go to files instead.
  rm -f "$TSAN_DIR"/e2e_reports.*
  TSAN_OPTIONS="$TSAN_OPTIONS:log_path=$(realpath -m "$TSAN_DIR")/e2e_reports" \
    run_tsan "e2e_test.py (dyadtoned, CLI)" \
    /usr/bin/python3 tests/e2e/e2e_test.py \
    --dyadtoned "$TSAN_DIR/service/server/dyadtoned" \
    --cli "$TSAN_DIR/client/cli/dyadtone" --repo "$PWD" || failed=1
  if compgen -G "$TSAN_DIR/e2e_reports.*" >/dev/null; then
    echo "  TSan reports from dyadtoned or the CLI:"
    head -80 "$TSAN_DIR"/e2e_reports.*
    failed=1
  fi
  echo "ThreadSanitizer tests done in $(elapsed)"
  return $failed
}

# run_tsan NAME COMMAND...: one line per test; its output on failure. A
# TSan report fails it even where a child process's exit code is lost.
run_tsan() {
  local name=$1 log="$TSAN_DIR/$(echo "$1" | tr -c 'a-z0-9_\n' _).log" rc=0
  shift
  local start=$SECONDS
  "$@" >"$log" 2>&1 || rc=$?
  if [ "$rc" = 0 ] && grep -q "WARNING: ThreadSanitizer" "$log"; then rc=66; fi
  printf '  %-34s %4s s  %s\n' "$name" "$((SECONDS - start))" \
    "$([ "$rc" = 0 ] && echo ok || echo "FAILED (exit $rc; log $log)")"
  if [ "$rc" != 0 ]; then
    grep -n -A40 "WARNING: ThreadSanitizer" "$log" | head -120 || tail -60 "$log"
  fi
  return "$rc"
}

total_start=$SECONDS
failed=0
if has_step asan; then step_start=$SECONDS; asan_suite; fi
if has_step fuzz; then step_start=$SECONDS; fuzz_all || failed=1; fi
if has_step tsan; then step_start=$SECONDS; tsan_suite || failed=1; fi
echo "sanitize.sh: $((SECONDS - total_start)) s in all"
exit $failed
