#pragma once
// Command line of streamgate-bench.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace streamgate::bench {

struct BenchOptions {
  std::string url;          ///< what players play (and the publisher publishes, by default)
  std::string publish_url;  ///< empty: url
  std::string label;        ///< the server's name in the report
  std::string flv;          ///< the publisher's media
  int players = 10;
  int publishers = 1;  ///< 0: another program publishes (no latency then)
  int threads = 2;
  double warmup_s = 3;         ///< publisher alone first, so GOP caches hold a full GOP
  double ramp_s = 2;           ///< players connect evenly over this
  double settle_s = 2;         ///< after the ramp, before the window
  double duration_s = 10;      ///< the measurement window
  double max_drift_ms = 1000;  ///< a player that falls further behind does not keep up
  std::uint32_t chunk_size = 4096;
  std::vector<int> watch_pids;  ///< server processes to measure (their children too)
  std::string json_path;        ///< "-" for stdout
  bool table = true;
};

/// Parses argv; nullopt after printing help. Throws std::invalid_argument
/// with a message for the user on a bad command line.
std::optional<BenchOptions> parse_options(int argc, char** argv);

}  // namespace streamgate::bench
