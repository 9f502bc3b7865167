#!/usr/bin/env bash
# One command to test streamgate on a fresh Debian 12 machine: the same set-up
# as tools/run.sh (apt, build), then every test:
#   1. the whole ctest suite (unit, integration with real peers, browser) on the
#      Release build tools/run.sh makes (build/);
#   2. the whole suite again built with AddressSanitizer + UndefinedBehaviorSanitizer;
#   3. the bus and fan-out tests built with ThreadSanitizer;
# The sanitizer builds use -O1 -g1: less than half the compile time of -O2 -g,
# and still a file and line in every report.
#   4. every libFuzzer target for a bounded time (STREAMGATE_FUZZ_SECONDS, default 20).
# Prints each step's ctest summary and a final table; exits non-zero if any step failed.
#   tools/test.sh [--quick]    (--quick: step 1 only)
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
export CCACHE_BASEDIR="$here" CCACHE_NOHASHDIR=1
quick=0
[[ "${1:-}" == "--quick" ]] && quick=1
jobs=$(nproc)
sanitizer_flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG"
                 -DSTREAMGATE_BUILD_BENCH=OFF)
declare -a step_names step_results
record() { step_names+=("$1"); step_results+=("$2"); }

run_ctest() {  # build-dir label-args...
  local dir=$1; shift
  ctest --test-dir "$dir" --output-on-failure --timeout 300 -j "$jobs" "$@" 2>&1 |
    tee "$dir/ctest.log" | grep -vE '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .* Passed' || true
  # ctest's own summary lines, for the CI log
  grep -E "tests passed|tests failed|Total Test time" "$dir/ctest.log" || true
  grep -q "100% tests passed" "$dir/ctest.log"
}

step() {  # name command...
  local name=$1; shift
  echo
  echo "=== $name ==="
  local start=$SECONDS
  if "$@"; then record "$name ($((SECONDS - start)) s)" PASS; else record "$name ($((SECONDS - start)) s)" FAIL; fi
}

main_suite() {
  tools/setup.sh "$here/build" -DCMAKE_BUILD_TYPE=Release -DSTREAMGATE_BUILD_TESTS=ON && run_ctest "$here/build"
}
browser_deps() {
  # hls.js and playwright-core for the Chromium test (pinned by package-lock.json).
  [[ -d tests/browser/node_modules/hls.js ]] || npm ci --prefix tests/browser --no-audit --no-fund
}
tsan_suite() {
  # The bus and the fan-out paths are where threads meet; TSan runs exactly those tests.
  cmake -S "$here" -B "$here/build-tsan" -G Ninja -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
    "${sanitizer_flags[@]}" -DSTREAMGATE_SANITIZE=thread &&
    cmake --build "$here/build-tsan" -j "$jobs" --target bus_test rtmp_fanout_test &&
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 run_ctest "$here/build-tsan" -L "bus|fanout"
}
fuzz_run() {
  tools/fuzz.sh "${STREAMGATE_FUZZ_SECONDS:-20}"
}
asan_suite() {
  tools/setup.sh "$here/build-asan" "${sanitizer_flags[@]}" -DSTREAMGATE_SANITIZE=address,undefined &&
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      run_ctest "$here/build-asan"
}

step "browser test dependencies (npm ci)" browser_deps
step "main suite" main_suite
if ((!quick)); then
  step "ASan+UBSan suite" asan_suite
  step "TSan bus and fan-out tests" tsan_suite
  [[ -x tools/fuzz.sh ]] && step "fuzz targets" fuzz_run
fi

echo
echo "=== summary ==="
status=0
for i in "${!step_names[@]}"; do
  printf '%-6s %s\n' "${step_results[$i]}" "${step_names[$i]}"
  [[ "${step_results[$i]}" == PASS ]] || status=1
done
exit $status
