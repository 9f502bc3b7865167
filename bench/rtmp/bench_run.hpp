#pragma once
// One load run: publishers first (warm-up, so GOP caches fill), then players
// over a ramp, a settle pause, and the measurement window, with the watched
// server's CPU and memory sampled around it.

#include "bench_options.hpp"
#include "bench_report.hpp"

namespace streamgate::bench {

/// Runs the whole test; throws std::runtime_error when it cannot start
/// (bad URL, unreadable FLV, unresolvable host). Connection failures are
/// results, not exceptions.
BenchReport run_bench(const BenchOptions& options);

/// 0: every player connected and received video in the window; 1: some did
/// not; 2: a publisher failed.
int exit_code(const BenchReport& report);

}  // namespace streamgate::bench
