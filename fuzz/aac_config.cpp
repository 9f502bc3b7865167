// Both AudioSpecificConfig readers (ISO/IEC 14496-3 §1.6.2.1): the core's
// (core/src/format/aac_config, which gives the bus its sample rate and
// channels) and the MPEG-TS plugin's (which picks the ADTS header fields),
// then the ADTS header built from the latter.
//
// Invariants: what the ADTS reader accepts, the core reader reads the same
// way (object type, sampling frequency, channels); the 7-byte ADTS header
// has the fields §1.A.2.2 prescribes for that config and frame size.

#include "adts.hpp"
#include "format/aac_config.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace streamgate;

// ISO/IEC 14496-3 Table 1.16, samplingFrequencyIndex 0..12.
constexpr std::uint32_t kSamplingFrequency[13] = {96000, 88200, 64000, 48000, 44100, 32000, 24000,
                                                  22050, 16000, 12000, 11025, 8000,  7350};

std::uint32_t bits(const std::array<std::byte, mpegts::kAdtsHeaderSize>& h, unsigned first, unsigned count) {
  std::uint32_t value = 0;
  for (unsigned i = first; i < first + count; ++i)
    value = value << 1 | ((std::to_integer<unsigned>(h[i / 8]) >> (7 - i % 8)) & 1u);
  return value;
}

void check_adts(const mpegts::AdtsParams& params, std::size_t payload_size) {
  const auto h = mpegts::adts_header(params, payload_size);
  // §1.A.2.2.1 adts_fixed_header, §1.A.2.2.2 adts_variable_header, bit offsets from the start.
  FUZZ_CHECK(bits(h, 0, 12) == 0xFFF, "syncword");
  FUZZ_CHECK(bits(h, 12, 1) == 0, "ID 0: MPEG-4");
  FUZZ_CHECK(bits(h, 13, 2) == 0, "layer 00");
  FUZZ_CHECK(bits(h, 15, 1) == 1, "protection_absent: no CRC");
  FUZZ_CHECK(bits(h, 16, 2) == params.object_type - 1u, "profile_ObjectType = object type - 1");
  FUZZ_CHECK(bits(h, 18, 4) == params.sampling_index, "sampling_frequency_index");
  FUZZ_CHECK(bits(h, 23, 3) == params.channel_configuration, "channel_configuration");
  FUZZ_CHECK(bits(h, 30, 13) == payload_size + mpegts::kAdtsHeaderSize, "aac_frame_length includes the header");
  FUZZ_CHECK(bits(h, 54, 2) == 0, "one raw data block");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = fuzz::as_bytes(data, size);
  const auto core = format::parse_aac_config(input);
  const auto adts = mpegts::parse_audio_specific_config(input);
  if (adts.invalid()) {
    FUZZ_CHECK(!adts.error.empty(), "an unusable config says why");
    return 0;
  }
  const auto& p = adts.value;
  FUZZ_CHECK(p.object_type >= 1 && p.object_type <= 4, "an ADTS object type");
  FUZZ_CHECK(p.sampling_index <= 12, "an ADTS sampling frequency index");
  FUZZ_CHECK(p.channel_configuration >= 1 && p.channel_configuration <= 7, "an ADTS channel configuration");
  FUZZ_CHECK(core.has_value(), "the core reads what the ADTS reader accepts");
  FUZZ_CHECK(core->channels == (p.channel_configuration == 7 ? 8 : p.channel_configuration),
             "both readers see the same channels");
  const bool sbr = core->object_type == 5 || core->object_type == 29;
  if (!sbr) {
    FUZZ_CHECK(core->object_type == p.object_type, "both readers see the same object type");
    FUZZ_CHECK(core->sample_rate == kSamplingFrequency[p.sampling_index], "both readers see the same rate");
  }
  for (std::size_t payload : {std::size_t(0), std::min(size, mpegts::kMaxAdtsPayload), mpegts::kMaxAdtsPayload})
    check_adts(p, payload);
  return 0;
}
