#pragma once
// Maps a stream's DTS onto one file's timeline: starts at `start_ms` (0, or
// where an appended file left off), never negative, and monotonic per track.
//  - Small backward steps (OBS with NVENC B-frames rounds DTS a fraction of a
//    millisecond backwards) are clamped to the track's last timestamp.
//  - A jump (a reconnect, an encoder restart, a wrapped clock) further than
//    `jump_threshold_ms` beyond the newest file time plus the track's frame
//    spacing, or that far behind it, is folded: the file continues one frame
//    spacing after the track's last frame (or at the newest time), and the
//    shift applies to every track, so audio and video stay in sync.
// Codec configs and metadata are not frames: they take the latest file time.

#include <cstdint>

#include "streamgate/media.hpp"

namespace streamgate::flvrecord {

struct TimelineOptions {
  std::uint32_t start_ms = 0;
  std::uint32_t jump_threshold_ms = 1000;
};

struct Stamp {
  std::uint32_t timestamp_ms = 0;
  bool clamped = false;      ///< a small backward step was flattened
  bool first_clamp = false;  ///< the first clamp of this timeline: log it (once)
  bool folded = false;       ///< a jump was folded away
  std::int64_t jump_ms = 0;  ///< when folded: how far the stream had jumped
};

class Timeline {
 public:
  explicit Timeline(TimelineOptions options = {}) : options_(options) {}

  Stamp map(const MediaPacket& packet);

  std::uint64_t clamps() const noexcept { return clamps_; }
  std::uint64_t folds() const noexcept { return folds_; }

 private:
  struct Track {
    bool seen = false;
    std::int64_t last_ms = 0;
    std::int64_t spacing_ms = 0;
  };

  TimelineOptions options_;
  bool established_ = false;
  std::int64_t offset_ms_ = 0;  ///< file time = dts + offset
  std::int64_t latest_ms_ = 0;  ///< largest file time handed out
  Track video_;
  Track audio_;
  std::uint64_t clamps_ = 0;
  std::uint64_t folds_ = 0;
};

}  // namespace streamgate::flvrecord
