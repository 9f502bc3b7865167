#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan, in build-fuzz/) and runs
# every one for a bounded time on a scratch copy of its seed corpus
# (fuzz/corpus/<target>/, so the repository is not modified). Fails if any
# target finds a crash, a leak, a timeout or runs out of memory; prints one
# line per target. See docs/fuzzing.md.
#
#   tools/fuzz.sh [seconds-per-target]      (default 20, or $STREAMGATE_FUZZ_SECONDS)
#   tools/fuzz.sh --replay-crashes          runs fuzz/crashes/<target>/* once each
#
# Environment: STREAMGATE_FUZZ_BUILD (build dir, default build-fuzz),
# STREAMGATE_FUZZ_TARGETS (space-separated subset), STREAMGATE_FUZZ_OUT
# (where logs and crash inputs go, default <build>/fuzz-runs),
# STREAMGATE_FUZZ_SEED (libFuzzer -seed, default 1 so that a CI run repeats
# what a longer local run with the same seed already explored; 0 = random).
# The known crash inputs (fuzz/crashes/<target>/) join each run's corpus, so
# a fixed bug that comes back fails the run at once.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

mode=run
seconds=${STREAMGATE_FUZZ_SECONDS:-20}
case "${1:-}" in
  --replay-crashes) mode=replay ;;
  -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
  "") ;;
  *[!0-9]*) echo "fuzz: seconds must be a number, got '$1'" >&2; exit 2 ;;
  *) seconds=$1 ;;
esac

build=${STREAMGATE_FUZZ_BUILD:-$here/build-fuzz}
out=${STREAMGATE_FUZZ_OUT:-$build/fuzz-runs}
mkdir -p "$build" "$out"

# ---- build ----
command -v clang++ >/dev/null || { echo "fuzz: clang++ not found (tools/setup.sh installs clang)" >&2; exit 2; }
export CCACHE_BASEDIR="$here" CCACHE_NOHASHDIR=1
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# Configured every time (cheap when nothing changed), so a build folder made
# with other options is brought back to these.
generator=(-G Ninja)
[[ -f "$build/CMakeCache.txt" ]] && generator=()
if ! CC=clang CXX=clang++ cmake -S "$here" -B "$build" "${generator[@]}" "${launcher[@]}" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" -DSTREAMGATE_BUILD_FUZZ=ON \
    -DSTREAMGATE_SANITIZE=address,undefined \
    -DSTREAMGATE_BUILD_TESTS=OFF -DSTREAMGATE_BUILD_BENCH=OFF >"$out/configure.log" 2>&1; then
  tail -n 20 "$out/configure.log"
  echo "fuzz: configuring $build failed" >&2
  exit 2
fi
echo "fuzz: building the targets in $build"
if ! cmake --build "$build" -j "$(nproc)" --target streamgate-fuzz >"$build/fuzz-build.log" 2>&1; then
  tail -n 40 "$build/fuzz-build.log"
  echo "fuzz: build failed (full log: $build/fuzz-build.log)" >&2
  exit 2
fi

targets=${STREAMGATE_FUZZ_TARGETS:-$(cat "$build/fuzz/targets.txt")}
mkdir -p "$out"
# halt_on_error: UBSan findings are crashes too; detect_leaks: a leak fails the run.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

# ---- replay the committed crash inputs ----
if [[ $mode == replay ]]; then
  status=0
  for t in $targets; do
    [[ -d fuzz/crashes/$t ]] || continue
    for input in fuzz/crashes/$t/*; do
      [[ -f $input ]] || continue
      if "$build/fuzz/fuzz_$t" -rss_limit_mb=2048 -timeout=30 "$input" >"$out/replay-$t-$(basename "$input").log" 2>&1; then
        printf 'FIXED  %-22s %s\n' "$t" "$input"
      else
        printf 'CRASH  %-22s %s (log: %s)\n' "$t" "$input" "$out/replay-$t-$(basename "$input").log"
        status=1
      fi
    done
  done
  exit $status
fi

# ---- bounded run of every target ----
status=0
summary=()
for t in $targets; do
  corpus=$(mktemp -d "${TMPDIR:-/tmp}/streamgate-fuzz-$t.XXXXXX")
  [[ -d fuzz/corpus/$t ]] && cp -r "fuzz/corpus/$t/." "$corpus/"
  [[ -d fuzz/crashes/$t ]] && cp -r "fuzz/crashes/$t/." "$corpus/"
  log="$out/$t.log"
  rm -f "$out/$t"-crash-* "$out/$t"-leak-* "$out/$t"-timeout-* "$out/$t"-oom-*
  # -timeout: one input running this long is a hang; the outer timeout only
  # guards against libFuzzer itself not stopping.
  timeout --kill-after=10 $((seconds + 120)) "$build/fuzz/fuzz_$t" \
    -max_total_time="$seconds" -seed="${STREAMGATE_FUZZ_SEED:-1}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/$t-" "$corpus" >"$log" 2>&1
  rc=$?
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || true)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+' || true)
  seeds=$(find "$corpus" -type f | wc -l)
  rm -rf "$corpus"
  if ((rc == 0)); then
    line=$(printf 'PASS  %-22s %9s runs  cov %5s  corpus %4s  (%s s)' "$t" "${runs:-?}" "${cov:-?}" "$seeds" "$seconds")
  else
    status=1
    artifact=$(ls "$out/$t"-* 2>/dev/null | head -n 1)
    line=$(printf 'FAIL  %-22s exit %d  input: %s  log: %s' "$t" "$rc" "${artifact:-none}" "$log")
    echo "--- $t: last lines of $log"
    grep -vE '^#[0-9]+' "$log" | tail -n 40
  fi
  echo "$line"
  summary+=("$line")
done

echo
echo "=== fuzz summary ($seconds s per target) ==="
printf '%s\n' "${summary[@]}"
known=$(find fuzz/crashes -type f 2>/dev/null | wc -l)
((known > 0)) && echo "fuzz: $known known crash input(s) in fuzz/crashes/ (tools/fuzz.sh --replay-crashes)"
exit $status
