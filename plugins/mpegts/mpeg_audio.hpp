#pragma once
// MPEG audio (MP3) frame header, read only to pick the stream type: MPEG-1
// audio is stream type 0x03, the MPEG-2 / 2.5 low sample rate extensions
// 0x04 (ISO/IEC 13818-1 Table 2-34; header per ISO/IEC 11172-3 §2.4.1.3 and
// ISO/IEC 13818-3 §2.4.1.3).

#include <cstdint>
#include <span>

#include "streamgate/format/parse.hpp"

namespace streamgate::mpegts {

enum class MpegAudioVersion : std::uint8_t { Invalid = 0, Mpeg1, Mpeg2, Mpeg25 };

struct MpegAudioHeader {
  MpegAudioVersion version = MpegAudioVersion::Invalid;
  std::uint8_t layer = 0;  // 1, 2 or 3
  std::uint32_t sample_rate = 0;
};

// Reads the 4-byte header at the start of `frame`. Invalid without the
// 11-bit sync, or with a reserved version, layer, bitrate or sample rate.
Parsed<MpegAudioHeader> parse_mpeg_audio_header(std::span<const std::byte> frame);

}  // namespace streamgate::mpegts
