#pragma once
// Synthetic units as the mpegts plugin publishes them: whole 188-byte TS
// packets; a keyframe unit opens with a PAT packet (PID 0) and a PMT packet.
// Every packet's payload bytes carry a tag so a test can tell units apart.

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "streamgate/bytes.hpp"
#include "streamgate/media.hpp"

namespace streamgate::hls::test {

constexpr std::uint16_t kPmtPid = 0x1000;
constexpr std::uint16_t kVideoPid = 0x0100;

/// One TS packet (ISO/IEC 13818-1 §2.4.3.2): 0x47, PUSI=0, PID, payload only, CC 0.
inline void put_ts_packet(std::byte* out, std::uint16_t pid, std::uint8_t tag) {
  out[0] = std::byte{0x47};
  out[1] = std::byte(static_cast<std::uint8_t>((pid >> 8) & 0x1f));
  out[2] = std::byte(static_cast<std::uint8_t>(pid & 0xff));
  out[3] = std::byte{0x10};
  for (std::size_t i = 4; i < 188; ++i) out[i] = std::byte{tag};
}

/// A unit: for a keyframe PAT + PMT + `media_packets` PES packets, else `media_packets` packets.
inline SharedBytes ts_unit(bool keyframe, std::uint8_t tag = 0, std::size_t media_packets = 1) {
  const std::size_t packets = media_packets + (keyframe ? 2 : 0);
  ByteBuffer buffer(packets * 188);
  std::size_t at = 0;
  if (keyframe) {
    put_ts_packet(buffer.data(), 0, tag);
    put_ts_packet(buffer.data() + 188, kPmtPid, tag);
    at = 2;
  }
  for (; at < packets; ++at) put_ts_packet(buffer.data() + at * 188, kVideoPid, tag);
  return std::move(buffer).freeze();
}

inline MediaTime ms(std::int64_t value) { return std::chrono::milliseconds(value); }

}  // namespace streamgate::hls::test
