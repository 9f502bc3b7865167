#include "timeline.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

namespace streamgate::flvrecord {

Stamp Timeline::map(const MediaPacket& packet) {
  Stamp stamp;
  const bool frame =
      !packet.config && (packet.kind == TrackKind::Video || packet.kind == TrackKind::Audio);
  if (!frame) {
    stamp.timestamp_ms = std::uint32_t(established_ ? latest_ms_ : options_.start_ms);
    return stamp;
  }
  const std::int64_t dts_ms = std::chrono::floor<std::chrono::milliseconds>(packet.dts).count();
  if (!established_) {
    offset_ms_ = std::int64_t(options_.start_ms) - dts_ms;
    latest_ms_ = options_.start_ms;
    established_ = true;
  }
  Track& track = packet.kind == TrackKind::Video ? video_ : audio_;
  const std::int64_t threshold = options_.jump_threshold_ms;
  std::int64_t mapped = dts_ms + offset_ms_;
  // A jump is judged against the newest time of any track, so a gap in one
  // track while the other goes on (muted audio) is not mistaken for one; a
  // reconnect moves every track, and the first packet after it folds the
  // shared offset for all of them.
  const std::int64_t spacing = track.seen ? track.spacing_ms : 0;
  if (mapped > latest_ms_ + spacing + threshold || mapped < latest_ms_ - threshold) {
    // Keep the track's own cadence where it is ahead of the other track.
    const std::int64_t target =
        track.seen ? std::max(track.last_ms + spacing, latest_ms_) : latest_ms_;
    stamp.folded = true;
    stamp.jump_ms = mapped - target;
    offset_ms_ += target - mapped;
    mapped = target;
    ++folds_;
  }
  if (track.seen && mapped < track.last_ms) {
    mapped = track.last_ms;
    stamp.clamped = true;
  }
  if (mapped < 0) {  // a track that starts a little before the first packet
    mapped = 0;
    stamp.clamped = true;
  }
  if (stamp.clamped) stamp.first_clamp = clamps_++ == 0;
  if (track.seen && mapped > track.last_ms)
    track.spacing_ms = std::min(mapped - track.last_ms, threshold);
  track.seen = true;
  track.last_ms = mapped;
  latest_ms_ = std::max(latest_ms_, mapped);
  // FLV timestamps are 32-bit: ~49 days, far beyond any segment.
  stamp.timestamp_ms =
      std::uint32_t(std::min<std::int64_t>(mapped, std::numeric_limits<std::uint32_t>::max()));
  return stamp;
}

}  // namespace streamgate::flvrecord
