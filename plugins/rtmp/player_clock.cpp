#include "player_clock.hpp"

#include <algorithm>

namespace streamgate::rtmp {

std::int64_t PlayerClock::map(MediaTime dts, TrackKind kind, bool frame) noexcept {
  if (!based_ && frame) {
    based_ = true;
    base_ = dts;
    offset_ms_ = latest_ms_;
  }
  std::int64_t t = latest_ms_;
  if (based_) t = offset_ms_ + std::chrono::floor<std::chrono::milliseconds>(dts - base_).count();
  // Small backward steps (B-frame DTS rounding, audio just before the
  // keyframe a late joiner starts on) are clamped, never sent backwards.
  auto& last = last_ms_[track_index(kind)];
  t = std::max(t, last);
  last = t;
  latest_ms_ = std::max(latest_ms_, t);
  return t;
}

}  // namespace streamgate::rtmp
