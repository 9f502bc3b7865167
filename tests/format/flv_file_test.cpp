// FLV file level: header (Annex E.2), tags and PreviousTagSize (E.3, E.4.1).

#include <gtest/gtest.h>

#include "format/test_bytes.hpp"
#include "streamgate/format/flv.hpp"

namespace streamgate::flv {
namespace {

using test::Bytes;
using test::cat;
using test::hex;
using test::to_bytes;

Bytes as_vector(std::span<const std::byte> s) { return to_bytes(s); }

TEST(FlvFileHeader, BytesFollowE2) {
  // "FLV", version 1, TypeFlags (0x04 audio | 0x01 video), DataOffset 9,
  // then PreviousTagSize0 = 0.
  EXPECT_EQ(as_vector(file_header(true, true)), hex("46 4C 56 01 05 00 00 00 09 00 00 00 00"));
  EXPECT_EQ(as_vector(file_header(true, false)), hex("46 4C 56 01 04 00 00 00 09 00 00 00 00"));
  EXPECT_EQ(as_vector(file_header(false, true)), hex("46 4C 56 01 01 00 00 00 09 00 00 00 00"));
  EXPECT_EQ(as_vector(file_header(false, false)), hex("46 4C 56 01 00 00 00 00 09 00 00 00 00"));
}

TEST(FlvFileHeader, ParsesWhatFileHeaderWrites) {
  for (bool audio : {false, true}) {
    for (bool video : {false, true}) {
      const auto bytes = file_header(audio, video);
      auto r = parse_file_header(bytes);
      ASSERT_TRUE(r.ok()) << r.error;
      EXPECT_EQ(r.consumed, 13u);  // header + PreviousTagSize0
      EXPECT_EQ(r.value.has_audio, audio);
      EXPECT_EQ(r.value.has_video, video);
      EXPECT_EQ(r.value.data_offset, 9u);
    }
  }
}

TEST(FlvFileHeader, NeedsMoreUntilPreviousTagSize0) {
  const auto bytes = file_header(true, true);
  for (std::size_t cut = 0; cut < bytes.size(); ++cut)
    EXPECT_TRUE(parse_file_header(std::span(bytes).first(cut)).need_more()) << "cut " << cut;
}

TEST(FlvFileHeader, LargerDataOffsetIsSkipped) {
  // DataOffset 12: three bytes of future header, then PreviousTagSize0.
  auto r = parse_file_header(hex("46 4C 56 01 05 00 00 00 0C  AA BB CC  00 00 00 00  09"));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.consumed, 16u);
  EXPECT_EQ(r.value.data_offset, 12u);
}

TEST(FlvFileHeader, MalformedHeadersAreInvalid) {
  EXPECT_TRUE(parse_file_header(hex("46 4C 58 01 05 00 00 00 09 00 00 00 00")).invalid());  // FLX
  EXPECT_TRUE(parse_file_header(hex("46 4C 56 02 05 00 00 00 09 00 00 00 00")).invalid());  // v2
  EXPECT_TRUE(parse_file_header(hex("46 4C 56 01 05 00 00 00 08 00 00 00 00")).invalid());  // < 9
  EXPECT_TRUE(parse_file_header(hex("46 4C 56 01 05 7F FF FF FF 00 00 00 00")).invalid());  // huge
  auto pts = parse_file_header(hex("46 4C 56 01 05 00 00 00 09 00 00 00 0B"));
  EXPECT_TRUE(pts.invalid());
  EXPECT_NE(pts.error.find("PreviousTagSize0"), std::string::npos) << pts.error;
}

TEST(FlvTagHeader, BytesFollowE41) {
  // TagType 9, DataSize 0x000123, Timestamp low 24 bits 0x345678 then the
  // extension byte 0x12, StreamID 0.
  EXPECT_EQ(as_vector(tag_header(TagType::Video, 0x123, 0x12345678)),
            hex("09  00 01 23  34 56 78  12  00 00 00"));
  EXPECT_EQ(as_vector(tag_header(TagType::Audio, 7, 0)), hex("08 00 00 07 00 00 00 00 00 00 00"));
  EXPECT_EQ(as_vector(tag_header(TagType::Script, 0xFFFFFF, 0x00FFFFFF)),
            hex("12 FF FF FF FF FF FF 00 00 00 00"));
}

// A whole tag: header, body, PreviousTagSize = 11 + DataSize.
Bytes tag(TagType type, std::uint32_t ts, const Bytes& body) {
  const std::uint32_t size = std::uint32_t(body.size());
  const std::uint32_t previous = size + 11;
  Bytes out = as_vector(tag_header(type, size, ts));
  out.insert(out.end(), body.begin(), body.end());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(std::byte(previous >> shift));
  return out;
}

TEST(FlvReadTag, ReadsOneTagAndItsPreviousTagSize) {
  const Bytes bytes = cat({hex("09 00 00 03  00 00 28  00  00 00 00"), hex("27 01 02"),
                           hex("00 00 00 0E"),  // 11 + 3
                           hex("08")});         // the next tag's first byte
  auto r = read_tag(bytes);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.consumed, 18u);
  EXPECT_EQ(r.value.type, TagType::Video);
  EXPECT_EQ(r.value.data_size, 3u);
  EXPECT_EQ(r.value.timestamp_ms, 40u);
  EXPECT_EQ(to_bytes(r.value.body), hex("27 01 02"));
  EXPECT_EQ(r.value.body.data(), bytes.data() + 11);  // a view into the input
}

TEST(FlvReadTag, ExtendedTimestampIsTheHighByte) {
  auto r = read_tag(tag(TagType::Audio, 0xFF000001u, hex("AF 01")));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.timestamp_ms, 0xFF000001u);
}

TEST(FlvReadTag, EveryTruncationNeedsMore) {
  const Bytes whole = tag(TagType::Video, 1234, hex("17 01 00 00 00 00 00 00 01 65"));
  for (std::size_t cut = 0; cut < whole.size(); ++cut)
    EXPECT_TRUE(read_tag(std::span(whole).first(cut)).need_more()) << "cut " << cut;
  EXPECT_TRUE(read_tag(whole).ok());
}

TEST(FlvReadTag, InconsistentTagsAreInvalid) {
  Bytes wrong_pts = tag(TagType::Video, 0, hex("17 01"));
  wrong_pts.back() = std::byte{0x0E};
  auto r = read_tag(wrong_pts);
  EXPECT_TRUE(r.invalid());
  EXPECT_NE(r.error.find("PreviousTagSize"), std::string::npos) << r.error;

  Bytes reserved = tag(TagType::Video, 0, hex("17"));
  reserved[0] = std::byte{0x49};  // reserved bit 6 set
  EXPECT_TRUE(read_tag(reserved).invalid());
  Bytes filtered = tag(TagType::Audio, 0, hex("AF"));
  filtered[0] = std::byte{0x28};  // Filter bit: encrypted
  EXPECT_TRUE(read_tag(filtered).invalid());
  Bytes unknown = tag(TagType::Audio, 0, hex("AF"));
  unknown[0] = std::byte{0x0A};  // tag type 10
  EXPECT_TRUE(read_tag(unknown).invalid());
  Bytes stream_id = tag(TagType::Audio, 0, hex("AF"));
  stream_id[10] = std::byte{1};  // StreamID must be 0
  EXPECT_TRUE(read_tag(stream_id).invalid());
}

TEST(FlvReadTag, OversizedTagIsInvalidBeforeItsBodyArrives) {
  // A header claiming 16 MiB - 1 with nothing after it: refused at once when
  // the bound is lower, instead of waiting for (or allocating) the body.
  const Bytes header = hex("09 FF FF FF 00 00 00 00 00 00 00");
  EXPECT_TRUE(read_tag(header, 1 << 20).invalid());
  EXPECT_TRUE(read_tag(header).need_more());  // the default bound allows it
}

TEST(FlvFile, WholeFileReadsBackTagByTag) {
  const Bytes file = cat({as_vector(file_header(true, true)),
                          tag(TagType::Script, 0, hex("02 00 0A 6F 6E 4D 65 74 61 44 61 74 61 05")),
                          tag(TagType::Video, 0, hex("17 00 00 00 00 01")),
                          tag(TagType::Audio, 0, hex("AF 00 12 10")),
                          tag(TagType::Video, 0, hex("17 01 00 00 00 AA")),
                          tag(TagType::Audio, 23, hex("AF 01 BB")), tag(TagType::Video, 33, {})});
  auto header = parse_file_header(file);
  ASSERT_TRUE(header.ok());
  std::size_t pos = header.consumed;
  std::vector<TagType> types;
  std::vector<std::uint32_t> times;
  while (pos < file.size()) {
    auto t = read_tag(std::span(file).subspan(pos));
    ASSERT_TRUE(t.ok()) << "at " << pos << ": " << t.error;
    types.push_back(t.value.type);
    times.push_back(t.value.timestamp_ms);
    pos += t.consumed;
  }
  EXPECT_EQ(pos, file.size());
  EXPECT_EQ(types, (std::vector<TagType>{TagType::Script, TagType::Video, TagType::Audio,
                                         TagType::Video, TagType::Audio, TagType::Video}));
  EXPECT_EQ(times, (std::vector<std::uint32_t>{0, 0, 0, 0, 23, 33}));
}

}  // namespace
}  // namespace streamgate::flv
