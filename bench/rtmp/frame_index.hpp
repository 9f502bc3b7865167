#pragma once
// Recognises the publisher's video frames when a player receives them.
// Servers rebase timestamps per player, so frames are matched by content: a
// fingerprint of the body's size and its first and last bytes (cheap even at
// 1000 players). Each publisher stamps its frames' send times in a SendLog;
// players on other threads read it to get publish-to-player latency.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>

#include "flv_source.hpp"

namespace streamgate::bench {

std::uint64_t frame_fingerprint(std::span<const std::byte> body) noexcept;

class FrameIndex {
 public:
  explicit FrameIndex(const FlvSource& source);

  /// The video ordinal of a received body, if it is one of the source's
  /// video frames and no other frame shares its fingerprint.
  std::optional<std::uint32_t> find(std::span<const std::byte> body) const;
  std::uint32_t video_frames() const noexcept { return video_frames_; }
  /// Source frames left out of matching because their fingerprints collide.
  std::uint32_t ambiguous() const noexcept { return ambiguous_; }

 private:
  static constexpr std::uint32_t kAmbiguous = UINT32_MAX;
  std::unordered_map<std::uint64_t, std::uint32_t> by_fingerprint_;
  std::uint32_t video_frames_ = 0;
  std::uint32_t ambiguous_ = 0;
};

/// When one publisher last sent each video frame (the file loops, so the
/// latest send is the one a player can be receiving).
class SendLog {
 public:
  explicit SendLog(std::uint32_t video_frames);

  /// Steady-clock microseconds of the latest send of video frame `ordinal`.
  void mark_sent(std::uint32_t ordinal, std::int64_t when_us) noexcept {
    sent_us_[ordinal].store(when_us, std::memory_order_relaxed);
  }
  /// 0 when the frame was not sent yet.
  std::int64_t sent_us(std::uint32_t ordinal) const noexcept {
    return sent_us_[ordinal].load(std::memory_order_relaxed);
  }

 private:
  std::unique_ptr<std::atomic<std::int64_t>[]> sent_us_;
};

}  // namespace streamgate::bench
