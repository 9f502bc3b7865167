#pragma once
// The MPEG-2 system clocks (ISO/IEC 13818-1 §2.4.2.1, §2.4.3.5, §2.4.3.7):
// PTS/DTS count a 90 kHz clock in 33 bits; the PCR counts 27 MHz as a 33-bit
// base (27 MHz / 300 = 90 kHz) plus a 9-bit extension (0..299). The bus's
// 64-bit microsecond timestamps map onto them and wrap at 2^33 of the base,
// every 2^33 / 90000 s (about 26.5 hours).

#include <cstdint>

#include "streamgate/media.hpp"

namespace streamgate::mpegts {

inline constexpr std::uint64_t kWrap33 = std::uint64_t{1} << 33;

namespace detail {
// Floor division and non-negative modulo, so times before zero still map onto
// the clock instead of producing garbage bits.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}
constexpr std::uint64_t wrap33(std::int64_t value) noexcept {
  return static_cast<std::uint64_t>(value) & (kWrap33 - 1);  // two's complement: modulo 2^33
}
}  // namespace detail

// PTS/DTS units: floor(time * 90000 / 10^6) modulo 2^33.
constexpr std::uint64_t to_90khz(MediaTime time) noexcept {
  return detail::wrap33(detail::floor_div(time.count() * 9, 100));
}

struct Pcr {
  std::uint64_t base = 0;       // 90 kHz, 33 bits
  std::uint16_t extension = 0;  // 27 MHz remainder, 0..299
  friend bool operator==(const Pcr&, const Pcr&) = default;
};

// The PCR for `time` (27 MHz ticks = microseconds * 27).
constexpr Pcr to_pcr(MediaTime time) noexcept {
  const std::int64_t ticks = time.count() * 27;
  const std::int64_t base = detail::floor_div(ticks, 300);
  return Pcr{detail::wrap33(base), static_cast<std::uint16_t>(ticks - base * 300)};
}

}  // namespace streamgate::mpegts
