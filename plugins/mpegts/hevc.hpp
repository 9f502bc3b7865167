#pragma once
// HEVC on the bus: HEVCDecoderConfigurationRecord + length-prefixed access
// units (ISO/IEC 14496-15 §8.3); in the transport stream: stream type 0x24,
// Annex B with an access unit delimiter per access unit and VPS/SPS/PPS in
// front of every IRAP picture (ISO/IEC 13818-1 §2.17).

#include <span>

#include "annex_b.hpp"

namespace streamgate::mpegts {

// ISO/IEC 14496-15 §8.3.3.1.2. Invalid unless it holds at least one VPS,
// SPS and PPS, or with a length size of 3 bytes. Other arrays (SEI) are
// not repeated in the stream.
Parsed<VideoConfig> parse_hevc_config(std::span<const std::byte> record);

// nal_unit_type values (ISO/IEC 23008-2 Table 7-1) and the AUD this muxer
// writes (pic_type 2: I, P or B slices).
const NalSyntax& hevc_syntax() noexcept;

}  // namespace streamgate::mpegts
