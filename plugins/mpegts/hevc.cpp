#include "hevc.hpp"

#include <array>
#include <string>

namespace streamgate::mpegts {
namespace {

// ISO/IEC 23008-2 Table 7-1.
constexpr std::uint8_t kFirstIrap = 16;  // BLA_W_LP
constexpr std::uint8_t kLastIrap = 23;   // RSV_IRAP_VCL23
constexpr std::uint8_t kVps = 32;
constexpr std::uint8_t kSps = 33;
constexpr std::uint8_t kPps = 34;
// Parameter sets are kept in an array indexed by type - kVps.
static_assert(kSps == kVps + 1 && kPps == kVps + 2);
constexpr std::uint8_t kAud = 35;

// nal_unit_header: forbidden_zero_bit 0, nal_unit_type 35, nuh_layer_id 0,
// nuh_temporal_id_plus1 1; then pic_type '010', rbsp_stop_one_bit, alignment.
constexpr std::array<std::byte, 3> kAccessUnitDelimiter{std::byte{0x46}, std::byte{0x01},
                                                        std::byte{0x50}};

// Bytes before the arrays: version, profile/tier/level fields, ...,
// lengthSizeMinusOne (byte 21), numOfArrays (byte 22).
constexpr std::size_t kFixedPart = 23;

}  // namespace

Parsed<VideoConfig> parse_hevc_config(std::span<const std::byte> record) {
  using Result = Parsed<VideoConfig>;
  if (record.size() < kFixedPart)
    return Result::fail("HEVCDecoderConfigurationRecord shorter than 23 bytes");
  VideoConfig config;
  config.length_size = (std::to_integer<std::size_t>(record[21]) & 0x3) + 1;
  if (config.length_size == 3)
    return Result::fail("HEVC NAL length size of 3 bytes is not allowed");
  const std::size_t arrays = std::to_integer<std::size_t>(record[22]);
  std::vector<ByteSpan> by_type[3];  // VPS, SPS, PPS
  std::size_t at = kFixedPart;
  for (std::size_t i = 0; i < arrays; ++i) {
    // array_completeness (1), reserved (1), NAL_unit_type (6), numNalus (16)
    if (record.size() - at < 3)
      return Result::fail("HEVCDecoderConfigurationRecord array header cut short");
    const std::uint8_t type = std::to_integer<std::uint8_t>(record[at]) & 0x3F;
    const std::size_t count = read_be(record.subspan(at + 1), 2);
    at += 3;
    for (std::size_t n = 0; n < count; ++n) {
      if (record.size() - at < 2)
        return Result::fail("HEVCDecoderConfigurationRecord NAL length cut short");
      const std::size_t length = read_be(record.subspan(at), 2);
      at += 2;
      if (length > record.size() - at)
        return Result::fail("HEVCDecoderConfigurationRecord NAL unit overruns the record");
      if (length > 0 && type >= kVps && type <= kPps) {
        auto& list = by_type[type - kVps];
        if (list.size() == kMaxParameterSets) return Result::fail("too many parameter sets");
        list.push_back(record.subspan(at, length));
      }
      at += length;
    }
  }
  static constexpr const char* kNames[3] = {"VPS", "SPS", "PPS"};
  for (std::size_t i = 0; i < 3; ++i) {
    if (by_type[i].empty())
      return Result::fail(std::string("HEVCDecoderConfigurationRecord without ") + kNames[i]);
    config.parameter_sets.insert(config.parameter_sets.end(), by_type[i].begin(), by_type[i].end());
  }
  return Result::done(at, std::move(config));
}

const NalSyntax& hevc_syntax() noexcept {
  static const NalSyntax syntax{
      kAccessUnitDelimiter,
      [](std::byte first) noexcept {
        return static_cast<std::uint8_t>((std::to_integer<unsigned>(first) >> 1) & 0x3F);
      },
      [](std::uint8_t type) noexcept { return type == kAud; },
      [](std::uint8_t type) noexcept { return type >= kVps && type <= kPps; },
      [](std::uint8_t type) noexcept { return type >= kFirstIrap && type <= kLastIrap; },
  };
  return syntax;
}

}  // namespace streamgate::mpegts
