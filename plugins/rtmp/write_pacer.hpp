#pragma once
// When a player's pending media goes out. On loopback and on a real network
// alike, a send costs far more than the bytes it carries (the kernel's work
// and the receiver's wake-up), so a player should cost about one send per
// video frame, not one per message. With hold-for-video, audio and metadata
// wait for the video frame that follows them (at 30 fps at most 33 ms): the
// player gets each video frame with the audio around it in one write. They
// never wait longer than kMaxHold, and never when no video frame came
// lately (an audio-only stream, or receiveVideo false). Video frames and
// everything that is not media (status, user control, replies) go at once.
//
// No I/O and no clock of its own: the session passes the time, writes when
// due() says so, and calls wrote() when it takes the output for a write.

#include <chrono>
#include <optional>

namespace streamgate::rtmp {

class WritePacer {
 public:
  using Clock = std::chrono::steady_clock;
  /// The longest media waits for a video frame.
  static constexpr std::chrono::milliseconds kMaxHold{100};

  explicit WritePacer(bool hold_for_video = true) : hold_for_video_(hold_for_video) {}

  /// Media was queued: `video_frames` coded video frames (not sequence
  /// headers) and `other` audio, data or config messages.
  void queued_media(std::size_t video_frames, std::size_t other, Clock::time_point now);
  /// Something that must not wait was queued (a status, a user control event).
  void queued_urgent() noexcept;
  /// Whether what is pending should be written now.
  bool due(Clock::time_point now) const noexcept;
  /// Since when media has been held back, if it is.
  std::optional<Clock::time_point> holding_since() const noexcept;
  /// The pending output was taken for a write.
  void wrote() noexcept;

 private:
  bool hold_for_video_;
  bool pending_ = false;  // media queued since the last write
  bool urgent_ = false;   // ... and among it something that must not wait
  Clock::time_point pending_since_{};
  std::optional<Clock::time_point> last_video_;
};

}  // namespace streamgate::rtmp
