#include "source_media.hpp"

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "streamgate/format/flv.hpp"

namespace streamgate::mpegts::test {

std::vector<std::byte> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(chars.size());
  if (!chars.empty()) std::memcpy(out.data(), chars.data(), chars.size());
  return out;
}

std::vector<PacketPtr> read_flv(const std::filesystem::path& path, std::int64_t offset_ms) {
  const SharedBytes bytes = SharedBytes::copy(read_file(path));
  auto header = flv::parse_file_header(bytes.span());
  if (!header.ok()) throw std::runtime_error("not an FLV: " + header.error);
  std::vector<PacketPtr> packets;
  std::size_t at = header.consumed;
  while (at < bytes.size()) {
    auto tag = flv::read_tag(bytes.span().subspan(at));
    if (!tag.ok()) throw std::runtime_error("FLV tag at " + std::to_string(at) + ": " + tag.error);
    auto packet = flv::packet_from_tag(tag.value.type,
                                       bytes.slice(at + flv::kTagHeaderSize, tag.value.data_size),
                                       std::int64_t{tag.value.timestamp_ms} + offset_ms);
    if (!packet.ok())
      throw std::runtime_error("FLV tag at " + std::to_string(at) + ": " + packet.error);
    if (packet.value) packets.push_back(packet.value);  // null: the AVC end of sequence
    at += tag.consumed;
  }
  return packets;
}

namespace {

std::uint8_t nal_type(std::span<const std::byte> nal) {
  return (std::to_integer<std::uint8_t>(nal[0]) >> 1) & 0x3F;
}

// Splits an Annex B byte stream at its start codes.
std::vector<std::span<const std::byte>> split_annex_b(std::span<const std::byte> data) {
  std::vector<std::span<const std::byte>> nals;
  std::size_t start = SIZE_MAX;
  for (std::size_t i = 0; i + 3 <= data.size(); ++i) {
    if (data[i] == std::byte{0} && data[i + 1] == std::byte{0} && data[i + 2] == std::byte{1}) {
      if (start != SIZE_MAX) {
        std::size_t end = i;
        while (end > start && data[end - 1] == std::byte{0})
          --end;  // trailing zeros / 4-byte start code
        nals.push_back(data.subspan(start, end - start));
      }
      start = i + 3;
      i += 2;
    }
  }
  if (start != SIZE_MAX && start < data.size()) nals.push_back(data.subspan(start));
  return nals;
}

void append_length_prefixed(std::vector<std::byte>& out, std::span<const std::byte> nal) {
  const std::size_t n = nal.size();
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(std::byte(static_cast<std::uint8_t>(n >> shift)));
  out.insert(out.end(), nal.begin(), nal.end());
}

}  // namespace

std::vector<PacketPtr> read_hevc(const std::filesystem::path& path, int fps) {
  const auto data = read_file(path);
  const auto nals = split_annex_b(data);
  // HEVCDecoderConfigurationRecord: version 1, the profile/level fields left
  // zero (the muxer does not read them), lengthSizeMinusOne 3, then one array
  // per parameter set type (ISO/IEC 14496-15 §8.3.3.1.2).
  std::vector<std::byte> record(23, std::byte{0});
  record[0] = std::byte{1};
  record[21] = std::byte{0x03};
  record[22] = std::byte{3};
  for (std::uint8_t type : {32, 33, 34}) {
    for (const auto& nal : nals) {
      if (nal_type(nal) != type) continue;
      record.push_back(std::byte(static_cast<std::uint8_t>(0x80 | type)));
      record.push_back(std::byte{0});
      record.push_back(std::byte{1});
      record.push_back(std::byte(static_cast<std::uint8_t>(nal.size() >> 8)));
      record.push_back(std::byte(static_cast<std::uint8_t>(nal.size())));
      record.insert(record.end(), nal.begin(), nal.end());
      break;
    }
  }
  std::vector<PacketPtr> packets;
  auto config = std::make_shared<MediaPacket>();
  config->kind = TrackKind::Video;
  config->codec = Codec::H265;
  config->config = true;
  config->payload = SharedBytes::copy(record);
  packets.push_back(config);

  std::vector<std::byte> frame;
  bool key = false;
  bool has_picture = false;
  auto flush = [&] {
    if (!has_picture) return;
    auto packet = std::make_shared<MediaPacket>();
    packet->kind = TrackKind::Video;
    packet->codec = Codec::H265;
    const auto index = static_cast<std::int64_t>(packets.size() - 1);
    packet->dts = packet->pts = MediaTime{index * 1'000'000 / fps};
    packet->keyframe = key;
    packet->payload = SharedBytes::copy(frame);
    packets.push_back(packet);
    frame.clear();
    key = false;
    has_picture = false;
  };
  for (const auto& nal : nals) {
    const std::uint8_t type = nal_type(nal);
    const bool vcl = type < 32;
    // A picture's first slice (first_slice_segment_in_pic_flag, the bit after
    // the 2-byte header) or a non-VCL unit after a picture opens the next access unit.
    const bool first_slice = vcl && nal.size() > 2 && (std::to_integer<unsigned>(nal[2]) & 0x80);
    if (has_picture && (first_slice || (!vcl && type != 38 && type != 40))) flush();
    if (type >= 32 && type <= 35)
      continue;  // parameter sets come from the config; the muxer writes its own AUD
    append_length_prefixed(frame, nal);
    if (vcl) {
      has_picture = true;
      key = key || (type >= 16 && type <= 23);
    }
  }
  flush();
  return packets;
}

}  // namespace streamgate::mpegts::test
