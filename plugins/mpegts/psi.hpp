#pragma once
// Program-specific information for a single-program transport stream: the
// program association section (ISO/IEC 13818-1 §2.4.4.3) and the program map
// section (§2.4.4.8), each sent whole in one TS packet.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "ts_packet.hpp"

namespace streamgate::mpegts {

// stream_type values (Table 2-34; 0x24 from Amendment 3, HEVC).
enum class StreamType : std::uint8_t {
  Invalid = 0x00,
  Mpeg1Audio = 0x03,  // ISO/IEC 11172-3 (MP3 at 32/44.1/48 kHz)
  Mpeg2Audio = 0x04,  // ISO/IEC 13818-3 (MP3 at lower sample rates)
  AdtsAac = 0x0F,     // ISO/IEC 13818-7 ADTS
  H264 = 0x1B,
  Hevc = 0x24,
};

struct ElementaryStreamInfo {
  StreamType stream_type = StreamType::Invalid;
  std::uint16_t pid = 0;
  friend bool operator==(const ElementaryStreamInfo&, const ElementaryStreamInfo&) = default;
};

// A section must fit one packet after its pointer_field.
inline constexpr std::size_t kMaxSectionSize = kTsPayloadCapacity - 1;

std::vector<std::byte> pat_section(std::uint16_t transport_stream_id, std::uint16_t program_number,
                                   std::uint16_t pmt_pid, std::uint8_t version);

std::vector<std::byte> pmt_section(std::uint16_t program_number, std::uint16_t pcr_pid,
                                   std::span<const ElementaryStreamInfo> streams,
                                   std::uint8_t version);

// One packet with payload_unit_start_indicator set: pointer_field 0x00, the
// section (at most kMaxSectionSize - 2 bytes), then 0xFF stuffing bytes
// (§2.4.4.1, §2.4.4.2). Payload only, unless `discontinuity`: then a 2-byte
// adaptation field with discontinuity_indicator goes first (the counter
// restarts, §2.4.3.5). Advances `continuity_counter`.
void write_section_packet(std::byte* out, std::uint16_t pid, std::uint8_t& continuity_counter,
                          std::span<const std::byte> section, bool discontinuity = false) noexcept;

}  // namespace streamgate::mpegts
