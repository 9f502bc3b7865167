#pragma once
// What the closing metadata says about a file's frames: its duration and
// its seek index. Shared by the writer (as it writes) and the repair scanner
// (as it reads a torn file back), so both reach the same numbers.

#include <cstdint>

#include "keyframe_index.hpp"
#include "streamgate/media.hpp"

namespace streamgate::flvrecord {

struct IndexRules {
  std::size_t capacity = 2000;                   ///< keyframes the metadata holds
  std::uint32_t audio_index_interval_ms = 1000;  ///< audio-only files: one entry this often
};

class FileIndexer {
 public:
  explicit FileIndexer(IndexRules rules) : rules_(rules), index_(rules.capacity) {}

  /// Whether the file has video (from its header flags): without video,
  /// audio frames are indexed instead.
  void set_has_video(bool has_video) noexcept { has_video_ = has_video; }

  /// One frame tag (not a config) written at `position` with `timestamp_ms`.
  void frame(TrackKind kind, bool keyframe, std::uint64_t position, std::uint32_t timestamp_ms);

  /// Last timestamp plus that track's frame spacing.
  std::uint32_t end_ms() const noexcept { return end_ms_; }
  std::uint32_t last_ms() const noexcept { return last_ms_; }
  const KeyframeIndex& index() const noexcept { return index_; }

 private:
  struct Clock {
    bool seen = false;
    std::uint32_t last_ms = 0;
    std::uint32_t spacing_ms = 0;
  };

  IndexRules rules_;
  KeyframeIndex index_;
  bool has_video_ = false;
  bool audio_indexed_ = false;
  std::uint32_t last_audio_index_ms_ = 0;
  Clock video_;
  Clock audio_;
  std::uint32_t end_ms_ = 0;
  std::uint32_t last_ms_ = 0;
};

}  // namespace streamgate::flvrecord
