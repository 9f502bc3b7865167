#include "segmenter.hpp"

namespace streamgate::flvrecord {

bool Segmenter::should_cut(const MediaPacket& packet, const SegmentState& state) const {
  if (!state.file_has_frames || packet.config) return false;
  const bool clean_start = state.stream_has_video
                               ? packet.kind == TrackKind::Video && packet.keyframe
                               : packet.kind == TrackKind::Audio;
  if (!clean_start) return false;
  const bool too_long =
      policy_.max_duration.count() > 0 && state.file_time_ms >= start_ms_ &&
      state.file_time_ms - start_ms_ >= std::uint64_t(policy_.max_duration.count());
  const bool too_big = policy_.max_bytes > 0 && state.file_bytes >= policy_.max_bytes;
  return too_long || too_big;
}

}  // namespace streamgate::flvrecord
