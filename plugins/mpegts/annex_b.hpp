#pragma once
// Length-prefixed NAL units (the AVCC/HVCC form on the bus, ISO/IEC 14496-15
// §5.3.2 / §8.3.2) to the byte-stream form a transport stream carries
// (ISO/IEC 14496-10 / 23008-2 Annex B), shared by H.264 and HEVC: each NAL
// unit behind a start code, an access unit delimiter first, and the
// parameter sets of the decoder configuration record in front of every
// random access point (ISO/IEC 13818-1 §2.14 / §2.17 require both).
//
// The output is a list of spans into the frame, the record and constants, so
// the TS writer copies every byte once.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "gather.hpp"
#include "streamgate/format/parse.hpp"

namespace streamgate::mpegts {

// A parsed AVCDecoderConfigurationRecord or HEVCDecoderConfigurationRecord:
// spans into the record's bytes.
struct VideoConfig {
  std::size_t length_size = 0;           // bytes of each NAL unit length (1, 2 or 4)
  std::vector<ByteSpan> parameter_sets;  // in decoding order (VPS,) SPS, PPS
};

// The per-codec parts of the conversion.
struct NalSyntax {
  ByteSpan access_unit_delimiter;  // a complete AUD NAL unit
  std::uint8_t (*type)(std::byte first_header_byte) noexcept;
  bool (*is_delimiter)(std::uint8_t type) noexcept;
  bool (*is_parameter_set)(std::uint8_t type) noexcept;
  bool (*is_random_access)(std::uint8_t type) noexcept;
};

struct AccessUnitInfo {
  bool random_access = false;  // contains an IDR / IRAP picture
  std::size_t size = 0;        // bytes of the Annex B access unit
};

// Bounds what a peer can make us index.
inline constexpr std::size_t kMaxNalUnitsPerAccessUnit = 4096;
inline constexpr std::size_t kMaxParameterSets = 64;

// Splits `frame` into NAL units (zero-length ones are skipped). Invalid when a
// length field is cut short, a length overruns the frame, or there are more
// than kMaxNalUnitsPerAccessUnit units.
Parsed<std::size_t> split_length_prefixed(std::span<const std::byte> frame, std::size_t length_size,
                                          std::vector<ByteSpan>& nal_units);

// Appends the Annex B form of access unit `frame` to `pieces`: start code +
// AUD, then (when the unit is a random access point or `keyframe` is set, and
// it carries no parameter sets of its own) the config's parameter sets, then
// the frame's NAL units except delimiters. `scratch` is reused storage.
// Invalid (pieces untouched) when the frame is malformed or holds no NAL unit.
Parsed<AccessUnitInfo> to_annex_b(std::span<const std::byte> frame, const VideoConfig& config,
                                  bool keyframe, const NalSyntax& syntax,
                                  std::vector<ByteSpan>& pieces, std::vector<ByteSpan>& scratch);

// A big-endian unsigned field of 1..4 bytes at the front of `bytes` (size checked by the caller).
std::uint32_t read_be(std::span<const std::byte> bytes, std::size_t size) noexcept;

}  // namespace streamgate::mpegts
