#pragma once
// When to send a PCR. The mux clock follows the DTS of the units written
// (never backwards: audio and video interleave a little out of order); a PCR
// is due when none was sent yet or `interval` of mux time has passed. A jump
// in the source timestamps (far backwards, or far forwards) restarts the clock
// and the next PCR carries discontinuity_indicator (ISO/IEC 13818-1 §2.4.3.5:
// a system time-base discontinuity).

#include <chrono>
#include <optional>

#include "ts_packet.hpp"

namespace streamgate::mpegts {

class PcrClock {
 public:
  static constexpr MediaTime kBackwardJump{std::chrono::seconds(1)};
  static constexpr MediaTime kForwardJump{std::chrono::seconds(5)};

  explicit PcrClock(MediaTime interval) noexcept : interval_(interval) {}

  // Moves the clock to a unit's DTS. Returns true when that is a jump.
  bool advance(MediaTime dts) noexcept;

  // Mux time now; nullopt before the first advance().
  std::optional<MediaTime> now() const noexcept { return now_; }

  bool due() const noexcept { return now_ && (!last_ || *now_ - *last_ >= interval_); }

  // The next PCR carries discontinuity_indicator (a new time base, e.g. a republish).
  void mark_discontinuity() noexcept { discontinuity_ = true; }

  // The adaptation field for a PCR sent now (with the pending discontinuity,
  // if any); records it as sent. Call only after advance().
  AdaptationField take() noexcept;

 private:
  MediaTime interval_;
  std::optional<MediaTime> now_;
  std::optional<MediaTime> last_;
  bool discontinuity_ = false;
};

}  // namespace streamgate::mpegts
