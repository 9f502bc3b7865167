#include "write_pacer.hpp"

namespace streamgate::rtmp {

void WritePacer::queued_media(std::size_t video_frames, std::size_t other, Clock::time_point now) {
  if (video_frames == 0 && other == 0) return;
  if (!pending_) {
    pending_ = true;
    pending_since_ = now;
  }
  if (video_frames > 0) {
    last_video_ = now;
    urgent_ = true;
  }
}

void WritePacer::queued_urgent() noexcept {
  pending_ = true;
  urgent_ = true;
}

bool WritePacer::due(Clock::time_point now) const noexcept {
  if (!pending_ || urgent_ || !hold_for_video_) return true;
  // No video lately: nothing to wait for.
  if (!last_video_ || now - *last_video_ >= kMaxHold) return true;
  return now - pending_since_ >= kMaxHold;
}

std::optional<WritePacer::Clock::time_point> WritePacer::holding_since() const noexcept {
  if (!pending_ || urgent_ || !hold_for_video_) return std::nullopt;
  return pending_since_;
}

void WritePacer::wrote() noexcept {
  pending_ = false;
  urgent_ = false;
}

}  // namespace streamgate::rtmp
