#include "h264.hpp"

#include <array>
#include <string>

namespace streamgate::mpegts {
namespace {

// ISO/IEC 14496-10 Table 7-1.
constexpr std::uint8_t kIdrSlice = 5;
constexpr std::uint8_t kSps = 7;
constexpr std::uint8_t kPps = 8;
constexpr std::uint8_t kAud = 9;

// nal_unit_type 9; primary_pic_type '111', rbsp_stop_one_bit, alignment zeros.
constexpr std::array<std::byte, 2> kAccessUnitDelimiter{std::byte{0x09}, std::byte{0xF0}};

// Reads `count` NAL units each behind a 16-bit length into `out`.
bool read_parameter_sets(std::span<const std::byte> record, std::size_t& at, std::size_t count,
                         std::vector<ByteSpan>& out) {
  for (std::size_t i = 0; i < count; ++i) {
    if (record.size() - at < 2) return false;
    const std::size_t length = read_be(record.subspan(at), 2);
    at += 2;
    if (length == 0 || length > record.size() - at) return false;
    out.push_back(record.subspan(at, length));
    at += length;
  }
  return true;
}

}  // namespace

Parsed<VideoConfig> parse_avc_config(std::span<const std::byte> record) {
  using Result = Parsed<VideoConfig>;
  // configurationVersion, AVCProfileIndication, profile_compatibility,
  // AVCLevelIndication, '111111' + lengthSizeMinusOne (2),
  // '111' + numOfSequenceParameterSets (5)
  if (record.size() < 7) return Result::fail("AVCDecoderConfigurationRecord shorter than 7 bytes");
  if (record[0] != std::byte{1})
    return Result::fail("AVCDecoderConfigurationRecord version " +
                        std::to_string(std::to_integer<int>(record[0])));
  VideoConfig config;
  config.length_size = (std::to_integer<std::size_t>(record[4]) & 0x3) + 1;
  if (config.length_size == 3) return Result::fail("AVC NAL length size of 3 bytes is not allowed");
  const std::size_t sps_count = std::to_integer<std::size_t>(record[5]) & 0x1F;
  std::size_t at = 6;
  if (sps_count == 0) return Result::fail("AVCDecoderConfigurationRecord without SPS");
  if (!read_parameter_sets(record, at, sps_count, config.parameter_sets))
    return Result::fail("AVCDecoderConfigurationRecord SPS overruns the record");
  // numOfPictureParameterSets (8), then the PPS; what follows (High profile
  // chroma/bit depth fields) is not needed.
  if (at >= record.size()) return Result::fail("AVCDecoderConfigurationRecord without PPS");
  const std::size_t pps_count = std::to_integer<std::size_t>(record[at++]);
  if (pps_count == 0) return Result::fail("AVCDecoderConfigurationRecord without PPS");
  if (!read_parameter_sets(record, at, pps_count, config.parameter_sets))
    return Result::fail("AVCDecoderConfigurationRecord PPS overruns the record");
  return Result::done(at, std::move(config));
}

const NalSyntax& h264_syntax() noexcept {
  static const NalSyntax syntax{
      kAccessUnitDelimiter,
      [](std::byte first) noexcept {
        return static_cast<std::uint8_t>(std::to_integer<unsigned>(first) & 0x1F);
      },
      [](std::uint8_t type) noexcept { return type == kAud; },
      [](std::uint8_t type) noexcept { return type == kSps || type == kPps; },
      [](std::uint8_t type) noexcept { return type == kIdrSlice; },
  };
  return syntax;
}

}  // namespace streamgate::mpegts
