#pragma once
// PES packet headers (ISO/IEC 13818-1 §2.4.3.6, §2.4.3.7) with PTS and DTS.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace streamgate::mpegts {

// stream_id values (Table 2-22): first video / first audio stream.
inline constexpr std::uint8_t kVideoStreamId = 0xE0;
inline constexpr std::uint8_t kAudioStreamId = 0xC0;

// Fixed part (9 bytes) + PTS (5) + DTS (5).
inline constexpr std::size_t kMaxPesHeaderSize = 19;
// PES_packet_length counts the bytes after it: 3 + header data (10 at most) + payload.
inline constexpr std::size_t kMaxBoundedPesPayload = 0xFFFF - 3 - 10;

// A 33-bit timestamp with its 4-bit prefix and marker bits (§2.4.3.7):
// prefix (4), TS[32..30], marker; TS[29..15], marker; TS[14..0], marker.
std::array<std::byte, 5> encode_timestamp(std::uint8_t prefix, std::uint64_t timestamp) noexcept;

struct PesHeader {
  std::array<std::byte, kMaxPesHeaderSize> bytes{};
  std::size_t size = 0;
  std::span<const std::byte> span() const noexcept { return {bytes.data(), size}; }
};

// The header of a PES packet carrying `payload_size` bytes. `dts` is written
// only when it differs from `pts` (both in 90 kHz units, 33 bits).
// PES_packet_length is 0 ("unbounded", allowed only for video in a transport
// stream) when `unbounded` is set or the payload does not fit 16 bits.
// data_alignment_indicator is set: every PES starts at an access unit.
PesHeader make_pes_header(std::uint8_t stream_id, std::uint64_t pts,
                          std::optional<std::uint64_t> dts, std::size_t payload_size,
                          bool unbounded) noexcept;

}  // namespace streamgate::mpegts
