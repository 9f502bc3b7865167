#pragma once
// When a feed with `write-coalesce` sends what it has gathered. A send costs
// about the same for one frame as for several, so the fewer sends for the
// same longest wait, the better. The window:
// - opens with the first video frame (with hold-for-video the players would
//   hold audio for it anyway), or with any item in a stream without recent
//   video;
// - closes `window` after it opened, so no video frame waits longer;
// - closes early as soon as the next video frame, expected one frame
//   interval after the last, would fall after the window: waiting on would
//   add latency and save no send. A window shorter than the frame interval
//   therefore costs no latency at all, and one of 40 ms at 30 fps sends
//   every second frame the moment it arrives, with the one before it.
// Audio that arrives before any video frame waits at most kMaxHold.
//
// No I/O and no clock of its own: the feed passes the time and sweeps when
// due() has passed.

#include <chrono>
#include <cstddef>
#include <optional>

namespace streamgate::rtmp {

class CoalescingWindow {
 public:
  using Clock = std::chrono::steady_clock;
  /// The longest anything waits for a video frame to open the window.
  static constexpr std::chrono::milliseconds kMaxHold{100};

  CoalescingWindow(std::chrono::milliseconds window, bool open_on_video)
      : window_(window), open_on_video_(open_on_video) {}

  /// Items joined the gathered batch: `video_frames` coded video frames
  /// (not sequence headers) and `other` anything else.
  void gathered(std::size_t video_frames, std::size_t other, Clock::time_point now);
  /// When the gathered batch should go out (at or before `now`: at once);
  /// nothing when nothing is gathered.
  std::optional<Clock::time_point> due() const;
  /// The gathered batch went out.
  void swept() noexcept;

  /// Whether a window is open (a video frame, or an item without recent
  /// video, is waiting).
  bool open() const noexcept { return opened_.has_value(); }
  /// The expected time between video frames, once two have arrived.
  std::optional<Clock::duration> frame_interval() const noexcept { return interval_; }

 private:
  bool video_lately(Clock::time_point now) const;

  std::chrono::milliseconds window_;
  bool open_on_video_;
  bool gathering_ = false;
  Clock::time_point gathering_since_{};
  std::optional<Clock::time_point> opened_;
  std::optional<Clock::time_point> last_video_;
  bool video_in_window_ = false;
  std::optional<Clock::duration> interval_;
};

}  // namespace streamgate::rtmp
