#pragma once
// What one run measured, summarised: the JSON the comparison runner reads and
// the table a person reads.

#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace streamgate::bench {

struct Percentiles {
  std::size_t count = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};
/// Nearest-rank percentiles of microsecond samples, in milliseconds.
Percentiles percentiles_ms(std::vector<std::int64_t> samples_us);

struct BenchReport {
  std::string label;
  std::string url;
  int threads = 0;
  double window_s = 0;

  int players_requested = 0;
  int players_connected = 0;            ///< playing at the end of the window
  int players_failed = 0;               ///< never got to play, or dropped before the end
  int players_with_media = 0;           ///< received video inside the window
  int players_keeping_up = 0;           ///< with media to the end, no frames missed, drift bounded
  std::map<std::string, int> failures;  ///< reason -> players
  std::uint64_t bytes_received = 0;     ///< by all players inside the window
  double throughput_mbit_s = 0;
  Percentiles startup;                    ///< play sent -> first coded video frame
  Percentiles latency;                    ///< publisher send -> player read, live video frames
  Percentiles drift;                      ///< per player: worst lag growth inside the window
  std::uint64_t window_video_frames = 0;  ///< coded video frames all players received in the window
  std::uint64_t missed_frames = 0;
  int players_missing_frames = 0;
  std::uint32_t ambiguous_source_frames = 0;

  int publishers = 0;
  int publishers_ok = 0;
  std::uint64_t frames_sent = 0;
  std::uint64_t publisher_bytes = 0;
  double publisher_max_late_ms = 0;
  std::vector<std::string> publisher_failures;

  std::vector<int> watch_pids;
  double server_cpu_s = 0;             ///< watched processes, inside the window
  double cpu_s_per_gb = 0;             ///< server_cpu_s / (bytes_received / 1e9)
  std::uint64_t baseline_rss_kib = 0;  ///< before the players came
  std::uint64_t peak_rss_kib = 0;
  double rss_per_player_kib = 0;  ///< (peak - baseline) / connected players
  double tool_cpu_s = 0;          ///< this tool, inside the window
  Percentiles tool_loop_lag;      ///< how late the players' event loops ran (10 ms probe)
  double machine_busy_s = 0;      ///< all cores, inside the window
  double machine_softirq_s =
      0;                   ///< of which softirq (loopback TCP delivery), charged to no process
  double other_cpu_s = 0;  ///< machine - server - tool

  boost::json::value to_json() const;
  void print_table(std::ostream& out) const;
};

}  // namespace streamgate::bench
