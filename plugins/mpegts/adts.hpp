#pragma once
// AAC in a transport stream travels as ADTS frames (ISO/IEC 13818-1 stream
// type 0x0F). The bus carries raw AAC frames plus the AudioSpecificConfig
// (ISO/IEC 14496-3 §1.6.2.1); this builds the 7-byte ADTS header
// (ISO/IEC 14496-3 §1.A.2.2) in front of each frame.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "streamgate/format/parse.hpp"

namespace streamgate::mpegts {

// What ADTS can express of an AudioSpecificConfig.
struct AdtsParams {
  std::uint8_t object_type = 0;            // MPEG-4 audio object type, 1..4 (2 = AAC-LC)
  std::uint8_t sampling_index = 0;         // samplingFrequencyIndex, 0..12
  std::uint8_t channel_configuration = 0;  // 1..7
  friend bool operator==(const AdtsParams&, const AdtsParams&) = default;
};

inline constexpr std::size_t kAdtsHeaderSize = 7;
// aac_frame_length is 13 bits and includes the header.
inline constexpr std::size_t kMaxAdtsPayload = 0x1FFF - kAdtsHeaderSize;

// Reads an AudioSpecificConfig. For HE-AAC (object type 5 or 29, explicit
// SBR/PS signalling) the ADTS header describes the AAC core (implicit
// signalling, as ffmpeg's ADTS muxer does). Invalid, with the reason, when
// the bytes are short or ADTS cannot carry the stream (object type beyond
// 4, an explicit sampling frequency, channel configuration 0 or above 7).
Parsed<AdtsParams> parse_audio_specific_config(std::span<const std::byte> config);

// adts_fixed_header + adts_variable_header for a raw frame of `payload_size`
// bytes (at most kMaxAdtsPayload): MPEG-4 ID, no CRC, buffer fullness 0x7FF
// (variable rate), one raw data block.
std::array<std::byte, kAdtsHeaderSize> adts_header(const AdtsParams& params,
                                                   std::size_t payload_size) noexcept;

}  // namespace streamgate::mpegts
