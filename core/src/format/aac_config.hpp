#pragma once
// The few AudioSpecificConfig fields the gateway needs (ISO/IEC 14496-3
// §1.6.2.1): the FLV audio header always claims 44 kHz stereo for AAC, so the
// real rate and channel count come from here.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace streamgate::format {

struct AacConfig {
  std::uint8_t object_type = 0;   ///< 2 = AAC-LC, 5 = SBR (HE-AAC), 29 = PS
  std::uint32_t sample_rate = 0;  ///< output rate (the SBR extension rate for HE-AAC)
  std::uint8_t channels = 0;      ///< 0 when the config defers to a PCE
};

/// nullopt when the bytes are too short or use a reserved frequency index.
std::optional<AacConfig> parse_aac_config(std::span<const std::byte> asc);

}  // namespace streamgate::format
