// FLV file level (Adobe FLV 10.1, Annex E.2 header, E.3 body, E.4.1 tags):
// what the recorder writes and what repair and tests read back.

#include <algorithm>
#include <string>

#include "format/byte_reader.hpp"
#include "format/byte_writer.hpp"
#include "streamgate/format/flv.hpp"

namespace streamgate::flv {

// E.2 FLV header: "FLV", Version UI8 = 1, TypeFlags UI8 (bit 2 audio, bit 0
// video), DataOffset UI32 = 9; E.3 then PreviousTagSize0 UI32 = 0.
std::array<std::byte, kFileHeaderSize + 4> file_header(bool has_audio, bool has_video) {
  std::vector<std::byte> out;
  format::ByteWriter w(out);
  w.text("FLV");
  w.u8(1);
  w.u8(std::uint8_t((has_audio ? 0x04 : 0) | (has_video ? 0x01 : 0)));
  w.u32(kFileHeaderSize);
  w.u32(0);
  std::array<std::byte, kFileHeaderSize + 4> header{};
  std::copy(out.begin(), out.end(), header.begin());
  return header;
}

// E.4.1 FLVTAG: Reserved UB[2] | Filter UB[1] | TagType UB[5], DataSize UI24,
// Timestamp UI24 (low bits), TimestampExtended UI8 (high bits), StreamID UI24 = 0.
std::array<std::byte, kTagHeaderSize> tag_header(TagType type, std::uint32_t data_size,
                                                 std::uint32_t timestamp_ms) {
  std::vector<std::byte> out;
  format::ByteWriter w(out);
  w.u8(std::uint8_t(type));
  w.u24(data_size & 0xFFFFFF);  // callers keep bodies under 16 MiB
  w.u24(timestamp_ms & 0xFFFFFF);
  w.u8(std::uint8_t(timestamp_ms >> 24));
  w.u24(0);
  std::array<std::byte, kTagHeaderSize> header{};
  std::copy(out.begin(), out.end(), header.begin());
  return header;
}

// Consumes the header and PreviousTagSize0 (DataOffset + 4 bytes), so the
// caller continues with read_tag.
Parsed<FileHeader> parse_file_header(std::span<const std::byte> bytes) {
  format::ByteReader in(bytes);
  std::span<const std::byte> signature;
  std::uint8_t version = 0;
  std::uint8_t flags = 0;
  std::uint32_t data_offset = 0;
  if (!in.take(3, signature) || !in.u8(version) || !in.u8(flags) || !in.u32(data_offset))
    return Parsed<FileHeader>::more();
  if (signature[0] != std::byte{'F'} || signature[1] != std::byte{'L'} ||
      signature[2] != std::byte{'V'})
    return Parsed<FileHeader>::fail("flv: file does not start with \"FLV\"");
  if (version != 1)
    return Parsed<FileHeader>::fail("flv: unsupported file version " + std::to_string(version));
  // Room for a future larger header, but not a peer-chosen skip of gigabytes.
  constexpr std::uint32_t kMaxDataOffset = 1024;
  if (data_offset < kFileHeaderSize || data_offset > kMaxDataOffset)
    return Parsed<FileHeader>::fail("flv: header DataOffset " + std::to_string(data_offset) +
                                    " out of range");
  std::uint32_t previous_tag_size0 = 0;
  if (!in.skip(data_offset - kFileHeaderSize) || !in.u32(previous_tag_size0))
    return Parsed<FileHeader>::more();
  if (previous_tag_size0 != 0)
    return Parsed<FileHeader>::fail("flv: PreviousTagSize0 is " +
                                    std::to_string(previous_tag_size0) + ", expected 0");
  FileHeader header;
  header.has_audio = (flags & 0x04) != 0;
  header.has_video = (flags & 0x01) != 0;
  header.data_offset = data_offset;
  return Parsed<FileHeader>::done(in.position(), header);
}

Parsed<Tag> read_tag(std::span<const std::byte> bytes, std::uint32_t max_data_size) {
  format::ByteReader in(bytes);
  std::uint8_t type_byte = 0;
  std::uint32_t data_size = 0;
  std::uint32_t ts_low = 0;
  std::uint8_t ts_high = 0;
  std::uint32_t stream_id = 0;
  if (!in.u8(type_byte) || !in.u24(data_size) || !in.u24(ts_low) || !in.u8(ts_high) ||
      !in.u24(stream_id))
    return Parsed<Tag>::more();
  if (type_byte & 0xC0) return Parsed<Tag>::fail("flv: tag reserved bits set");
  if (type_byte & 0x20) return Parsed<Tag>::fail("flv: encrypted (Filter) tags not supported");
  const auto type = TagType(type_byte & 0x1F);
  if (type != TagType::Audio && type != TagType::Video && type != TagType::Script)
    return Parsed<Tag>::fail("flv: unknown tag type " + std::to_string(type_byte & 0x1F));
  if (stream_id != 0)
    return Parsed<Tag>::fail("flv: tag StreamID is " + std::to_string(stream_id) + ", expected 0");
  if (data_size > max_data_size)
    return Parsed<Tag>::fail("flv: tag DataSize " + std::to_string(data_size) + " exceeds " +
                             std::to_string(max_data_size));
  Tag tag;
  tag.type = type;
  tag.data_size = data_size;
  tag.timestamp_ms = ts_low | (std::uint32_t(ts_high) << 24);
  std::uint32_t previous_tag_size = 0;
  if (!in.take(data_size, tag.body) || !in.u32(previous_tag_size)) return Parsed<Tag>::more();
  // E.3: PreviousTagSize = 11 + DataSize of the tag just read.
  if (previous_tag_size != kTagHeaderSize + data_size)
    return Parsed<Tag>::fail("flv: PreviousTagSize " + std::to_string(previous_tag_size) +
                             " does not match tag size " +
                             std::to_string(kTagHeaderSize + data_size));
  return Parsed<Tag>::done(in.position(), tag);
}

}  // namespace streamgate::flv
