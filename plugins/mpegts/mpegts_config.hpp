#pragma once
// The mpegts plugin's settings, parsed once from its <plugin> element. Every
// option is documented next to its default; plugins/mpegts/README.md lists
// them for operators.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "muxer.hpp"
#include "streamgate/config.hpp"

namespace streamgate::mpegts {

struct MpegtsConfig {
  // apps: apps whose streams are muxed (comma/space separated); empty = every declared app.
  std::vector<std::string> apps;
  // The muxer: transport-stream-id (1), program-number (1), pmt-pid (0x1000),
  // video-pid (0x100), audio-pid (0x101) — PIDs in hex ("0x100") or decimal;
  // psi-interval (400ms): PAT/PMT repetition, 50ms..500ms;
  // pcr-interval (40ms): PCR-only packets once this passed, 10ms..100ms;
  // pcr-delay (700ms): how far PTS/DTS lead the PCR (decoder buffer time);
  // audio-group-frames (8): audio frames per PES at most, 1 = no grouping;
  // audio-group-delay (40ms): longest audio grouping;
  // track-wait (500ms): at start, how long to wait for the second track.
  MuxerConfig muxer;
  // queue-size (16M): the muxer's bus queue bound towards its source, in bytes.
  std::uint64_t queue_bytes = 16u << 20;
  // queue-duration (10s): the same bound in media time.
  std::chrono::milliseconds queue_duration{10'000};
  // http-ts (true): serve GET /{app}/{stream}.ts (chunked video/mp2t).
  bool http_ts = true;
  // http-wait (5s): how long a request for a stream not live yet waits for it
  // before a 404 (0 = answer 404 at once).
  std::chrono::milliseconds http_wait{5'000};
  // http-queue-size (4M): how far (bytes) an HTTP-TS client may fall behind before it is dropped.
  std::uint64_t http_queue_bytes = 4u << 20;
  // http-queue-duration (5s): the same bound in media time.
  std::chrono::milliseconds http_queue_duration{5'000};
};

// Reads and checks the settings; throws ConfigError naming file and line.
MpegtsConfig parse_mpegts_config(const ConfigNode& node);

}  // namespace streamgate::mpegts
