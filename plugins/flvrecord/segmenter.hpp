#pragma once
// When a recording starts a new file. A cut happens only where the new file
// can begin cleanly: at a video keyframe, or at any audio frame when the
// stream has no video. The packet that triggers the cut opens the new file,
// so nothing is lost (an nginx-rtmp fork dropped frames until the next
// keyframe after each cut).

#include <chrono>
#include <cstdint>

#include "streamgate/media.hpp"

namespace streamgate::flvrecord {

struct SegmentPolicy {
  std::chrono::milliseconds max_duration{0};  ///< 0 = no limit
  std::uint64_t max_bytes = 0;                ///< 0 = no limit
};

/// What the segmenter needs to know about the file being written.
struct SegmentState {
  std::uint32_t file_time_ms = 0;  ///< file timestamp of the packet being considered
  std::uint64_t file_bytes = 0;    ///< bytes written to the file so far
  bool file_has_frames = false;    ///< an empty file is never cut
  bool stream_has_video = false;
};

class Segmenter {
 public:
  explicit Segmenter(SegmentPolicy policy) : policy_(policy) {}

  /// True when `packet` must be the first of a new file.
  bool should_cut(const MediaPacket& packet, const SegmentState& state) const;

  /// Called when a file starts, with its first file timestamp.
  void file_started(std::uint32_t start_ms) noexcept { start_ms_ = start_ms; }

 private:
  SegmentPolicy policy_;
  std::uint32_t start_ms_ = 0;
};

}  // namespace streamgate::flvrecord
