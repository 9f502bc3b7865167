#include "pes.hpp"

namespace streamgate::mpegts {

std::array<std::byte, 5> encode_timestamp(std::uint8_t prefix, std::uint64_t timestamp) noexcept {
  const std::uint64_t ts = timestamp & ((std::uint64_t{1} << 33) - 1);
  return {std::byte(static_cast<std::uint8_t>((prefix << 4) | ((ts >> 29) & 0x0E) | 0x01)),
          std::byte(static_cast<std::uint8_t>(ts >> 22)),
          std::byte(static_cast<std::uint8_t>(((ts >> 14) & 0xFE) | 0x01)),
          std::byte(static_cast<std::uint8_t>(ts >> 7)),
          std::byte(static_cast<std::uint8_t>(((ts << 1) & 0xFE) | 0x01))};
}

PesHeader make_pes_header(std::uint8_t stream_id, std::uint64_t pts,
                          std::optional<std::uint64_t> dts, std::size_t payload_size,
                          bool unbounded) noexcept {
  const bool with_dts = dts && *dts != pts;
  const std::uint8_t header_data_length = with_dts ? 10 : 5;
  PesHeader header;
  auto& b = header.bytes;
  // packet_start_code_prefix 0x000001, stream_id
  b[0] = std::byte{0x00};
  b[1] = std::byte{0x00};
  b[2] = std::byte{0x01};
  b[3] = std::byte{stream_id};
  // PES_packet_length (16)
  const std::size_t length = 3 + header_data_length + payload_size;
  const std::size_t field = (unbounded || length > 0xFFFF) ? 0 : length;
  b[4] = std::byte(static_cast<std::uint8_t>(field >> 8));
  b[5] = std::byte(static_cast<std::uint8_t>(field));
  // '10', PES_scrambling_control '00', PES_priority '0', data_alignment_indicator '1',
  // copyright '0', original_or_copy '0'
  b[6] = std::byte{0x84};
  // PTS_DTS_flags ('10' PTS only, '11' both), the six other flags '0'
  b[7] = std::byte{static_cast<std::uint8_t>(with_dts ? 0xC0 : 0x80)};
  b[8] = std::byte{header_data_length};
  const auto pts_bytes = encode_timestamp(with_dts ? 0x3 : 0x2, pts);
  std::copy(pts_bytes.begin(), pts_bytes.end(), b.begin() + 9);
  if (with_dts) {
    const auto dts_bytes = encode_timestamp(0x1, *dts);
    std::copy(dts_bytes.begin(), dts_bytes.end(), b.begin() + 14);
  }
  header.size = 9 + header_data_length;
  return header;
}

}  // namespace streamgate::mpegts
