#include "adts.hpp"

#include <string>

#include "bit_reader.hpp"

namespace streamgate::mpegts {
namespace {

// GetAudioObjectType() (§1.6.2.1): 5 bits, 31 escapes to 32 + 6 more bits.
std::uint32_t read_object_type(BitReader& bits) noexcept {
  const std::uint32_t type = bits.read(5);
  return type == 31 ? 32 + bits.read(6) : type;
}

constexpr std::uint32_t kExplicitFrequency = 0xF;

}  // namespace

Parsed<AdtsParams> parse_audio_specific_config(std::span<const std::byte> config) {
  using Result = Parsed<AdtsParams>;
  BitReader bits(config);
  std::uint32_t object_type = read_object_type(bits);
  const std::uint32_t sampling_index = bits.read(4);
  if (sampling_index == kExplicitFrequency) bits.read(24);
  const std::uint32_t channels = bits.read(4);
  if (object_type == 5 || object_type == 29) {
    // SBR / PS: extensionSamplingFrequencyIndex, then the core object type.
    if (bits.read(4) == kExplicitFrequency) bits.read(24);
    object_type = read_object_type(bits);
  }
  if (bits.overrun()) return Result::fail("AudioSpecificConfig is truncated");
  if (object_type < 1 || object_type > 4)
    return Result::fail("AAC object type " + std::to_string(object_type) +
                        " cannot be carried in ADTS");
  if (sampling_index > 12)
    return Result::fail("sampling frequency index " + std::to_string(sampling_index) +
                        " cannot be carried in ADTS");
  if (channels < 1 || channels > 7)
    return Result::fail("channel configuration " + std::to_string(channels) +
                        " cannot be carried in ADTS");
  // Whatever follows (GASpecificConfig, extensions) is not needed for ADTS.
  return Result::done(config.size(), AdtsParams{static_cast<std::uint8_t>(object_type),
                                                static_cast<std::uint8_t>(sampling_index),
                                                static_cast<std::uint8_t>(channels)});
}

std::array<std::byte, kAdtsHeaderSize> adts_header(const AdtsParams& params,
                                                   std::size_t payload_size) noexcept {
  const std::size_t frame_length = (payload_size + kAdtsHeaderSize) & 0x1FFF;
  constexpr std::uint32_t kFullness = 0x7FF;
  const std::uint8_t profile = static_cast<std::uint8_t>((params.object_type - 1) & 0x3);
  const std::uint8_t channels = params.channel_configuration & 0x7;
  // Fixed header: syncword 0xFFF (12), ID 0 (MPEG-4), layer '00', protection_absent 1,
  // profile_ObjectType (2), sampling_frequency_index (4), private_bit 0,
  // channel_configuration (3), original_copy 0, home 0.
  // Variable header: copyright_identification_bit 0, copyright_identification_start 0,
  // aac_frame_length (13), adts_buffer_fullness (11), number_of_raw_data_blocks_in_frame (2) = 0.
  return {
      std::byte{0xFF},
      std::byte{0xF1},
      std::byte(static_cast<std::uint8_t>((profile << 6) | ((params.sampling_index & 0xF) << 2) |
                                          (channels >> 2))),
      std::byte(static_cast<std::uint8_t>(((channels & 0x3) << 6) | ((frame_length >> 11) & 0x3))),
      std::byte(static_cast<std::uint8_t>(frame_length >> 3)),
      std::byte(static_cast<std::uint8_t>(((frame_length & 0x7) << 5) | (kFullness >> 6))),
      std::byte(static_cast<std::uint8_t>((kFullness & 0x3F) << 2))};
}

}  // namespace streamgate::mpegts
