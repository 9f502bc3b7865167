#pragma once
// Per-player timestamps. Bus packets carry the publisher's 64-bit media time;
// each player sees its own timeline that starts near 0 at the first frame it
// receives and never goes backwards on a track, across republishes too (the
// new publisher's clock is rebased to continue where the player was).

#include <array>
#include <cstdint>

#include "streamgate/media.hpp"
#include "track_index.hpp"

namespace streamgate::rtmp {

class PlayerClock {
 public:
  /// The player timestamp (ms) for a packet. `frame` is false for codec
  /// configs and metadata: those sent before the first frame map to the
  /// start, so a late joiner's cached headers do not pull the base back.
  std::int64_t map(MediaTime dts, TrackKind kind, bool frame) noexcept;

  /// The stream restarts (republish): the next frame continues from the
  /// latest time this player was sent.
  void rebase() noexcept { based_ = false; }

  std::int64_t latest_ms() const noexcept { return latest_ms_; }

 private:

  bool based_ = false;
  MediaTime base_{0};
  std::int64_t offset_ms_ = 0;
  std::int64_t latest_ms_ = 0;
  std::array<std::int64_t, kTrackSlots> last_ms_{};  // video, audio, data
};

}  // namespace streamgate::rtmp
