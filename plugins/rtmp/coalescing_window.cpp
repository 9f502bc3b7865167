#include "coalescing_window.hpp"

namespace streamgate::rtmp {

namespace {

// Gaps longer than this are a pause in the stream, not its frame rate.
constexpr std::chrono::seconds kLongestInterval{1};

}  // namespace

bool CoalescingWindow::video_lately(Clock::time_point now) const {
  return last_video_ && now - *last_video_ < kMaxHold;
}

void CoalescingWindow::gathered(std::size_t video_frames, std::size_t other,
                                Clock::time_point now) {
  if (video_frames == 0 && other == 0) return;
  // Whether audio may wait for video: judged before this batch's own frame.
  const bool wait_for_video = open_on_video_ && video_lately(now);
  if (!gathering_) {
    gathering_ = true;
    gathering_since_ = now;
  }
  if (video_frames > 0) {
    if (last_video_) {
      const auto gap = now - *last_video_;
      // A smoothed gap: one late or early frame moves it a quarter.
      if (gap < kLongestInterval) interval_ = interval_ ? (*interval_ * 3 + gap) / 4 : gap;
    }
    last_video_ = now;
    video_in_window_ = true;
  }
  if (!opened_ && (video_frames > 0 || !wait_for_video)) opened_ = now;
}

std::optional<CoalescingWindow::Clock::time_point> CoalescingWindow::due() const {
  if (!gathering_) return std::nullopt;
  if (!opened_) return gathering_since_ + kMaxHold;  // audio waiting for a video frame
  const auto closes = *opened_ + window_;
  // No further frame would make it into this window: go now.
  if (video_in_window_ && interval_ && *last_video_ + *interval_ > closes) return *last_video_;
  return closes;
}

void CoalescingWindow::swept() noexcept {
  gathering_ = false;
  opened_.reset();
  video_in_window_ = false;
}

}  // namespace streamgate::rtmp
