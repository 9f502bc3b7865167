#include "ts_packet.hpp"

#include <algorithm>
#include <cstring>

namespace streamgate::mpegts {
namespace {

// §2.4.3.4 Table 2-6: adaptation_field_length(8); discontinuity_indicator,
// random_access_indicator, elementary_stream_priority_indicator, PCR_flag,
// OPCR_flag, splicing_point_flag, transport_private_data_flag,
// adaptation_field_extension_flag; PCR; stuffing bytes 0xFF. `total` counts
// the length byte too; a total of 1 is a zero-length field (one byte of stuffing).
void put_adaptation_field(std::byte* out, const AdaptationField& field,
                          std::size_t total) noexcept {
  out[0] = std::byte(static_cast<std::uint8_t>(total - 1));
  if (total == 1) return;
  std::uint8_t flags = 0;
  if (field.discontinuity) flags |= 0x80;
  if (field.random_access) flags |= 0x40;
  if (field.pcr) flags |= 0x10;
  out[1] = std::byte{flags};
  std::size_t at = 2;
  if (field.pcr) {
    const auto pcr = encode_pcr(*field.pcr);
    std::memcpy(out + at, pcr.data(), pcr.size());
    at += pcr.size();
  }
  std::memset(out + at, 0xFF, total - at);
}

}  // namespace

void write_header(std::byte* out, std::uint16_t pid, bool unit_start,
                  AdaptationFieldControl control, std::uint8_t continuity_counter) noexcept {
  out[0] = std::byte{kSyncByte};
  out[1] = std::byte(static_cast<std::uint8_t>((unit_start ? 0x40 : 0x00) | ((pid >> 8) & 0x1F)));
  out[2] = std::byte(static_cast<std::uint8_t>(pid & 0xFF));
  out[3] = std::byte(static_cast<std::uint8_t>((static_cast<std::uint8_t>(control) << 4) |
                                               (continuity_counter & 0x0F)));
}

std::array<std::byte, 6> encode_pcr(Pcr pcr) noexcept {
  const std::uint64_t base = pcr.base & (kWrap33 - 1);
  const std::uint16_t ext = pcr.extension & 0x1FF;
  return {std::byte(static_cast<std::uint8_t>(base >> 25)),
          std::byte(static_cast<std::uint8_t>(base >> 17)),
          std::byte(static_cast<std::uint8_t>(base >> 9)),
          std::byte(static_cast<std::uint8_t>(base >> 1)),
          std::byte(static_cast<std::uint8_t>(((base & 1) << 7) | 0x7E | (ext >> 8))),
          std::byte(static_cast<std::uint8_t>(ext & 0xFF))};
}

std::size_t packets_needed(std::size_t payload_size, const AdaptationField& first) noexcept {
  const std::size_t first_capacity = kTsPayloadCapacity - first.size();
  if (payload_size <= first_capacity) return 1;
  return 1 + (payload_size - first_capacity + kTsPayloadCapacity - 1) / kTsPayloadCapacity;
}

std::size_t write_payload_packets(std::byte* out, std::uint16_t pid,
                                  std::uint8_t& continuity_counter, const AdaptationField& first,
                                  GatherReader& payload) noexcept {
  static constexpr AdaptationField kNone{};
  std::size_t written = 0;
  for (bool is_first = true; payload.remaining() > 0; is_first = false) {
    const AdaptationField& field = is_first ? first : kNone;
    std::size_t field_size = field.size();
    const std::size_t space = kTsPayloadCapacity - field_size;
    const std::size_t take = std::min(space, payload.remaining());
    if (take < space) field_size = kTsPayloadCapacity - take;  // stuff the last packet to 188 bytes
    std::byte* packet = out + written;
    write_header(packet, pid, is_first,
                 field_size ? AdaptationFieldControl::Both : AdaptationFieldControl::PayloadOnly,
                 continuity_counter);
    continuity_counter = (continuity_counter + 1) & 0x0F;
    if (field_size) put_adaptation_field(packet + kTsHeaderSize, field, field_size);
    payload.read(packet + kTsHeaderSize + field_size, take);
    written += kTsPacketSize;
  }
  return written;
}

void write_adaptation_only_packet(std::byte* out, std::uint16_t pid,
                                  std::uint8_t next_continuity_counter,
                                  const AdaptationField& field) noexcept {
  write_header(out, pid, false, AdaptationFieldControl::AdaptationOnly,
               (next_continuity_counter - 1) & 0x0F);
  put_adaptation_field(out + kTsHeaderSize, field, kTsPayloadCapacity);
}

}  // namespace streamgate::mpegts
