#include "format/aac_config.hpp"

namespace streamgate::format {

namespace {

// MSB-first bit reader; every read checks the remaining bits.
class BitReader {
 public:
  explicit BitReader(std::span<const std::byte> bytes) : bytes_(bytes) {}

  bool read(unsigned count, std::uint32_t& out) {
    if (count > 32 || bit_ + count > bytes_.size() * 8) return false;
    std::uint32_t value = 0;
    for (unsigned i = 0; i < count; ++i, ++bit_) {
      const auto byte = std::to_integer<std::uint8_t>(bytes_[bit_ / 8]);
      value = (value << 1) | ((byte >> (7 - bit_ % 8)) & 1u);
    }
    out = value;
    return true;
  }

 private:
  std::span<const std::byte> bytes_;
  std::size_t bit_ = 0;
};

// §1.6.3.3 samplingFrequencyIndex; 13 and 14 are reserved, 15 = explicit.
constexpr std::uint32_t kRates[13] = {96000, 88200, 64000, 48000, 44100, 32000, 24000,
                                      22050, 16000, 12000, 11025, 8000,  7350};

bool object_type(BitReader& bits, std::uint32_t& out) {
  if (!bits.read(5, out)) return false;
  if (out != 31) return true;
  std::uint32_t ext = 0;  // audioObjectTypeExt
  if (!bits.read(6, ext)) return false;
  out = 32 + ext;
  return true;
}

bool sampling_rate(BitReader& bits, std::uint32_t& out) {
  std::uint32_t index = 0;
  if (!bits.read(4, index)) return false;
  if (index == 15) return bits.read(24, out);
  if (index >= 13) return false;
  out = kRates[index];
  return true;
}

}  // namespace

std::optional<AacConfig> parse_aac_config(std::span<const std::byte> asc) {
  BitReader bits(asc);
  std::uint32_t type = 0;
  std::uint32_t rate = 0;
  std::uint32_t channel_config = 0;
  if (!object_type(bits, type) || !sampling_rate(bits, rate) || !bits.read(4, channel_config))
    return std::nullopt;
  AacConfig config;
  config.object_type = std::uint8_t(type);
  config.sample_rate = rate;
  // §1.6.3.5 channelConfiguration: 1..6 are that many channels, 7 is 7.1.
  config.channels = channel_config == 7   ? 8
                    : channel_config <= 6 ? std::uint8_t(channel_config)
                                          : 0;
  if (type == 5 || type == 29) {  // explicit SBR signalling: the extension rate is the output rate
    std::uint32_t ext_rate = 0;
    if (sampling_rate(bits, ext_rate)) config.sample_rate = ext_rate;
  }
  return config;
}

}  // namespace streamgate::format
