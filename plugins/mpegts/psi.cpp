#include "psi.hpp"

#include <algorithm>
#include <cstring>

#include "crc32.hpp"

namespace streamgate::mpegts {
namespace {

void put16(std::vector<std::byte>& out, unsigned value) {
  out.push_back(std::byte(static_cast<std::uint8_t>(value >> 8)));
  out.push_back(std::byte(static_cast<std::uint8_t>(value)));
}

// Common long-form section head (§2.4.4.3 / §2.4.4.8): table_id;
// section_syntax_indicator '1', '0', reserved '11', section_length (12 bits,
// patched by finish()); a 16-bit id; reserved '11', version_number (5),
// current_next_indicator '1'; section_number 0; last_section_number 0.
std::vector<std::byte> start_section(std::uint8_t table_id, std::uint16_t id,
                                     std::uint8_t version) {
  std::vector<std::byte> out;
  out.reserve(64);
  out.push_back(std::byte{table_id});
  put16(out, 0xB000);
  put16(out, id);
  out.push_back(std::byte(static_cast<std::uint8_t>(0xC1 | ((version & 0x1F) << 1))));
  out.push_back(std::byte{0x00});
  out.push_back(std::byte{0x00});
  return out;
}

// section_length counts the bytes after it up to and including the CRC_32.
std::vector<std::byte> finish(std::vector<std::byte> section) {
  const std::size_t length = section.size() - 3 + 4;
  section[1] = std::byte(static_cast<std::uint8_t>(0xB0 | ((length >> 8) & 0x0F)));
  section[2] = std::byte(static_cast<std::uint8_t>(length & 0xFF));
  const std::uint32_t crc = crc32_mpeg2(section);
  put16(section, crc >> 16);
  put16(section, crc & 0xFFFF);
  return section;
}

}  // namespace

std::vector<std::byte> pat_section(std::uint16_t transport_stream_id, std::uint16_t program_number,
                                   std::uint16_t pmt_pid, std::uint8_t version) {
  auto out = start_section(0x00, transport_stream_id, version);
  // program_number (16), reserved '111', program_map_PID (13)
  put16(out, program_number);
  put16(out, 0xE000u | (pmt_pid & 0x1FFF));
  return finish(std::move(out));
}

std::vector<std::byte> pmt_section(std::uint16_t program_number, std::uint16_t pcr_pid,
                                   std::span<const ElementaryStreamInfo> streams,
                                   std::uint8_t version) {
  auto out = start_section(0x02, program_number, version);
  // reserved '111', PCR_PID (13); reserved '1111', program_info_length (12) = 0
  put16(out, 0xE000u | (pcr_pid & 0x1FFF));
  put16(out, 0xF000);
  for (const auto& stream : streams) {
    // stream_type (8), reserved '111', elementary_PID (13), reserved '1111', ES_info_length (12) =
    // 0
    out.push_back(std::byte{static_cast<std::uint8_t>(stream.stream_type)});
    put16(out, 0xE000u | (stream.pid & 0x1FFF));
    put16(out, 0xF000);
  }
  return finish(std::move(out));
}

void write_section_packet(std::byte* out, std::uint16_t pid, std::uint8_t& continuity_counter,
                          std::span<const std::byte> section, bool discontinuity) noexcept {
  std::byte* payload = out + kTsHeaderSize;
  if (discontinuity) {
    write_header(out, pid, true, AdaptationFieldControl::Both, continuity_counter);
    payload[0] = std::byte{0x01};  // adaptation_field_length 1
    payload[1] = std::byte{0x80};  // discontinuity_indicator
    payload += 2;
  } else {
    write_header(out, pid, true, AdaptationFieldControl::PayloadOnly, continuity_counter);
  }
  continuity_counter = (continuity_counter + 1) & 0x0F;
  const std::size_t room = static_cast<std::size_t>(out + kTsPacketSize - payload);
  payload[0] = std::byte{0x00};  // pointer_field
  const std::size_t size = std::min(section.size(), room - 1);
  std::memcpy(payload + 1, section.data(), size);
  std::memset(payload + 1 + size, 0xFF, room - 1 - size);
}

}  // namespace streamgate::mpegts
