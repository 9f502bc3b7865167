#pragma once
// H.264 on the bus: AVCDecoderConfigurationRecord + length-prefixed access
// units (ISO/IEC 14496-15 §5.3); in the transport stream: Annex B with an
// access unit delimiter per access unit (ISO/IEC 13818-1 §2.14.1).

#include <span>

#include "annex_b.hpp"

namespace streamgate::mpegts {

// ISO/IEC 14496-15 §5.3.3.1.2. Invalid without SPS or PPS, with a version
// other than 1, or a length size of 3 bytes (not allowed).
Parsed<VideoConfig> parse_avc_config(std::span<const std::byte> record);

// nal_unit_type values and the AUD this muxer writes (primary_pic_type 7:
// any slice type).
const NalSyntax& h264_syntax() noexcept;

}  // namespace streamgate::mpegts
