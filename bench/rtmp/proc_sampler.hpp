#pragma once
// The one OS-specific seam of the load tool (Linux /proc and rlimits): CPU
// time and resident memory of a process tree (a server and its workers), of
// this process, and of the whole machine, so the tool can report CPU seconds
// per delivered GB over exactly its measurement window.

#include <cstdint>
#include <vector>

namespace streamgate::bench {

struct CpuSample {
  double process_s = 0;       ///< utime+stime of the watched processes (+ reaped children)
  double machine_busy_s = 0;  ///< all cores, everything but idle and iowait (/proc/stat)
  /// All cores, in softirq (mostly loopback TCP delivery): with IRQ time
  /// accounting it is charged to no process, so no server's CPU includes it.
  double machine_softirq_s = 0;
  std::uint64_t rss_kib = 0;  ///< resident memory of the watched processes, summed
};

class ProcSampler {
 public:
  /// Watches `roots` and all their descendants (nginx's master and worker).
  explicit ProcSampler(std::vector<int> roots);

  /// Takes a sample now; descendants are looked up again each time, so a
  /// worker started late is counted.
  CpuSample sample() const;
  /// Largest summed RSS seen by sample() so far.
  std::uint64_t peak_rss_kib() const noexcept { return peak_rss_kib_; }
  const std::vector<int>& roots() const noexcept { return roots_; }

 private:
  std::vector<int> roots_;
  mutable std::uint64_t peak_rss_kib_ = 0;
};

/// CPU seconds this process used so far (all threads).
double self_cpu_seconds();
/// Raises RLIMIT_NOFILE to its hard limit; returns the soft limit now in force.
std::uint64_t raise_open_file_limit();

}  // namespace streamgate::bench
