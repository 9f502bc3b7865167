#include "pcr_clock.hpp"

namespace streamgate::mpegts {

bool PcrClock::advance(MediaTime dts) noexcept {
  if (!now_) {
    now_ = dts;
    return false;
  }
  if (dts < *now_ - kBackwardJump || dts > *now_ + kForwardJump) {
    now_ = dts;
    last_.reset();  // due at once
    discontinuity_ = true;
    return true;
  }
  if (dts > *now_) now_ = dts;
  return false;
}

AdaptationField PcrClock::take() noexcept {
  AdaptationField field;
  field.pcr = to_pcr(now_.value_or(MediaTime{0}));
  field.discontinuity = discontinuity_;
  discontinuity_ = false;
  last_ = now_;
  return field;
}

}  // namespace streamgate::mpegts
