#include "mpeg_audio.hpp"

namespace streamgate::mpegts {

Parsed<MpegAudioHeader> parse_mpeg_audio_header(std::span<const std::byte> frame) {
  using Result = Parsed<MpegAudioHeader>;
  if (frame.size() < 4) return Result::fail("MPEG audio frame shorter than its 4-byte header");
  const auto b0 = static_cast<std::uint8_t>(frame[0]);
  const auto b1 = static_cast<std::uint8_t>(frame[1]);
  const auto b2 = static_cast<std::uint8_t>(frame[2]);
  // syncword: 11 bits set (MPEG-2.5 uses the 12th bit as a version bit)
  if (b0 != 0xFF || (b1 & 0xE0) != 0xE0) return Result::fail("MPEG audio frame without sync word");
  MpegAudioHeader header;
  // version: '00' MPEG-2.5, '01' reserved, '10' MPEG-2, '11' MPEG-1
  switch ((b1 >> 3) & 0x3) {
    case 0:
      header.version = MpegAudioVersion::Mpeg25;
      break;
    case 2:
      header.version = MpegAudioVersion::Mpeg2;
      break;
    case 3:
      header.version = MpegAudioVersion::Mpeg1;
      break;
    default:
      return Result::fail("MPEG audio frame with reserved version");
  }
  // layer: '01' III, '10' II, '11' I, '00' reserved
  const unsigned layer_bits = (b1 >> 1) & 0x3;
  if (layer_bits == 0) return Result::fail("MPEG audio frame with reserved layer");
  header.layer = static_cast<std::uint8_t>(4 - layer_bits);
  if ((b2 >> 4) == 0xF) return Result::fail("MPEG audio frame with invalid bitrate index");
  const unsigned rate_index = (b2 >> 2) & 0x3;
  if (rate_index == 3) return Result::fail("MPEG audio frame with reserved sample rate");
  static constexpr std::uint32_t kMpeg1Rates[3] = {44100, 48000, 32000};
  const unsigned divisor = header.version == MpegAudioVersion::Mpeg1   ? 1
                           : header.version == MpegAudioVersion::Mpeg2 ? 2
                                                                       : 4;
  header.sample_rate = kMpeg1Rates[rate_index] / divisor;
  return Result::done(4, header);
}

}  // namespace streamgate::mpegts
