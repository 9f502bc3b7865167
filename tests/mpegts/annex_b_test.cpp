// Decoder configuration records (ISO/IEC 14496-15 §5.3.3.1, §8.3.3.1) and the
// AVCC/HVCC to Annex B conversion with AUD and parameter sets in front of
// random access points (ISO/IEC 13818-1 §2.14, §2.17).

#include <gtest/gtest.h>

#include "h264.hpp"
#include "hevc.hpp"
#include "test_bytes.hpp"

namespace streamgate::mpegts {
namespace {

using test::concat;
using test::hex;

// configurationVersion 1, profile 0x64 (High), compat 0, level 0x1F,
// 111111 + lengthSizeMinusOne 11, 111 + 1 SPS, length 4, SPS, 1 PPS, length 3, PPS
const auto kAvcRecord = hex("01 64 00 1F FF E1 | 00 04 67 64 00 1F | 01 | 00 03 68 EE 3C");
const auto kSps = hex("67 64 00 1F");
const auto kPps = hex("68 EE 3C");
const auto kStart = hex("00 00 00 01");
const auto kAud = hex("09 F0");  // nal_unit_type 9, primary_pic_type 111, stop bit

std::vector<std::byte> convert(std::span<const std::byte> frame, const VideoConfig& config,
                               bool keyframe, const NalSyntax& syntax,
                               AccessUnitInfo* info = nullptr) {
  std::vector<ByteSpan> pieces, scratch;
  auto result = to_annex_b(frame, config, keyframe, syntax, pieces, scratch);
  EXPECT_TRUE(result.ok()) << result.error;
  std::vector<std::byte> out;
  for (auto piece : pieces) out.insert(out.end(), piece.begin(), piece.end());
  EXPECT_EQ(out.size(), result.value.size);
  if (info) *info = result.value;
  return out;
}

TEST(MpegtsAvcConfig, ParsesLengthSizeAndParameterSets) {
  const auto parsed = parse_avc_config(kAvcRecord);
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  EXPECT_EQ(parsed.value.length_size, 4u);
  ASSERT_EQ(parsed.value.parameter_sets.size(), 2u);
  EXPECT_EQ(test::to_vector(parsed.value.parameter_sets[0]), kSps);
  EXPECT_EQ(test::to_vector(parsed.value.parameter_sets[1]), kPps);
}

TEST(MpegtsAvcConfig, RejectsMalformedRecords) {
  EXPECT_TRUE(parse_avc_config(hex("00 64 00 1F FF E1 00 04 67 64 00 1F 01 00 03 68 EE 3C"))
                  .invalid());  // version 0
  EXPECT_TRUE(parse_avc_config(hex("01 64 00 1F FE E1 00 04 67 64 00 1F 01 00 03 68 EE 3C"))
                  .invalid());  // 3-byte lengths
  EXPECT_TRUE(parse_avc_config(hex("01 64 00 1F FF E0 01 00 03 68 EE 3C")).invalid());     // no SPS
  EXPECT_TRUE(parse_avc_config(hex("01 64 00 1F FF E1 00 04 67 64 00 1F 00")).invalid());  // no PPS
  EXPECT_TRUE(
      parse_avc_config(hex("01 64 00 1F FF E1 00 09 67 64 00 1F 01")).invalid());  // SPS overruns
  // cut anywhere before the end of the PPS: invalid, never a crash
  for (std::size_t size = 0; size < kAvcRecord.size(); ++size)
    EXPECT_TRUE(parse_avc_config(std::span<const std::byte>(kAvcRecord).first(size)).invalid())
        << size;
}

TEST(MpegtsH264AnnexB, IdrGetsAudThenSpsPpsThenSlices) {
  const auto config = parse_avc_config(kAvcRecord).value;
  // SEI (type 6) then IDR slice (type 5), 4-byte lengths
  const auto frame = hex("00 00 00 03 06 05 01 | 00 00 00 05 65 88 84 00 10");
  AccessUnitInfo info;
  const auto out = convert(frame, config, true, h264_syntax(), &info);
  EXPECT_TRUE(info.random_access);
  EXPECT_EQ(out, concat({kStart, kAud, kStart, kSps, kStart, kPps, kStart, hex("06 05 01"), kStart,
                         hex("65 88 84 00 10")}));
}

TEST(MpegtsH264AnnexB, InterFrameGetsOnlyTheAud) {
  const auto config = parse_avc_config(kAvcRecord).value;
  AccessUnitInfo info;
  const auto out = convert(hex("00 00 00 03 41 9A 02"), config, false, h264_syntax(), &info);
  EXPECT_FALSE(info.random_access);
  EXPECT_EQ(out, concat({kStart, kAud, kStart, hex("41 9A 02")}));
}

TEST(MpegtsH264AnnexB, KeyframeFlagWithoutIdrStillGetsParameterSets) {
  const auto config =
      parse_avc_config(kAvcRecord).value;  // an open-GOP I picture, flagged by the encoder
  EXPECT_EQ(convert(hex("00 00 00 02 41 9A"), config, true, h264_syntax()),
            concat({kStart, kAud, kStart, kSps, kStart, kPps, kStart, hex("41 9A")}));
}

TEST(MpegtsH264AnnexB, InBandParameterSetsAndDelimitersAreNotDuplicated) {
  const auto config = parse_avc_config(kAvcRecord).value;
  // AUD, SPS', PPS', IDR from the encoder itself
  const auto frame =
      hex("00 00 00 02 09 10 | 00 00 00 02 67 42 | 00 00 00 02 68 CE | 00 00 00 02 65 88");
  EXPECT_EQ(
      convert(frame, config, true, h264_syntax()),
      concat({kStart, kAud, kStart, hex("67 42"), kStart, hex("68 CE"), kStart, hex("65 88")}));
}

TEST(MpegtsH264AnnexB, TwoByteLengthsAndEmptyNalUnits) {
  const auto record =
      hex("01 42 00 1E FD E1 00 04 67 64 00 1F 01 00 03 68 EE 3C");  // lengthSizeMinusOne 01
  const auto config = parse_avc_config(record).value;
  EXPECT_EQ(config.length_size, 2u);
  EXPECT_EQ(convert(hex("00 00 | 00 02 41 9A"), config, false, h264_syntax()),
            concat({kStart, kAud, kStart, hex("41 9A")}));
}

TEST(MpegtsH264AnnexB, MalformedFramesAreInvalid) {
  const auto config = parse_avc_config(kAvcRecord).value;
  std::vector<ByteSpan> pieces, scratch;
  auto overrun =
      to_annex_b(hex("00 00 00 09 41 9A 02"), config, false, h264_syntax(), pieces, scratch);
  ASSERT_TRUE(overrun.invalid());
  EXPECT_NE(overrun.error.find("overruns"), std::string::npos) << overrun.error;
  EXPECT_TRUE(
      to_annex_b(hex("00 00 00 02 41 9A 00 00"), config, false, h264_syntax(), pieces, scratch)
          .invalid());
  EXPECT_TRUE(to_annex_b({}, config, false, h264_syntax(), pieces, scratch).invalid());
  EXPECT_TRUE(
      to_annex_b(hex("00 00 00 02 09 F0"), config, false, h264_syntax(), pieces, scratch).invalid())
      << "a frame of only a delimiter holds no picture";
  EXPECT_TRUE(pieces.empty()) << "nothing is appended for an invalid frame";
}

TEST(MpegtsH264AnnexB, FrameCutAtEveryOffsetNeverOverreads) {
  const auto config = parse_avc_config(kAvcRecord).value;
  const auto frame = hex("00 00 00 03 06 05 01 | 00 00 00 05 65 88 84 00 10");
  for (std::size_t size = 0; size <= frame.size(); ++size) {
    std::vector<ByteSpan> pieces, scratch;
    auto result = to_annex_b(std::span<const std::byte>(frame).first(size), config, false,
                             h264_syntax(), pieces, scratch);
    const bool at_boundary = size == 7 || size == frame.size();
    EXPECT_EQ(result.ok(), at_boundary) << "size " << size << ": " << result.error;
  }
}

// HEVCDecoderConfigurationRecord: version 1; profile space/tier/idc 01;
// compatibility flags 60000000; constraint flags 900000000000; level 5D;
// F000 (min_spatial_segmentation 0); FC (parallelism 0); FD (chroma 1);
// F8 F8 (bit depths 8); avgFrameRate 0000; 0F = constantFrameRate 00,
// numTemporalLayers 001, temporalIdNested 1, lengthSizeMinusOne 11; 4 arrays.
const auto kHevcHead = hex("01 01 60 00 00 00 90 00 00 00 00 00 5D F0 00 FC FD F8 F8 00 00 0F 04");
const auto kVps = hex("40 01 0C");
const auto kHevcSps = hex("42 01 01");
const auto kHevcPps = hex("44 01 C1");
// arrays: completeness 1 + type (A0 VPS 32, A1 SPS 33, A2 PPS 34, A7 prefix SEI 39), count, length,
// NAL
const auto kHevcRecord =
    concat({kHevcHead, hex("A0 00 01 00 03 40 01 0C"), hex("A1 00 01 00 03 42 01 01"),
            hex("A2 00 01 00 03 44 01 C1"), hex("A7 00 01 00 02 4E 01")});
const auto kHevcAud = hex("46 01 50");  // type 35, layer 0, tid 1; pic_type 010, stop bit

TEST(MpegtsHevcConfig, CollectsVpsSpsPpsAndIgnoresSei) {
  const auto parsed = parse_hevc_config(kHevcRecord);
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  EXPECT_EQ(parsed.value.length_size, 4u);
  ASSERT_EQ(parsed.value.parameter_sets.size(), 3u);
  EXPECT_EQ(test::to_vector(parsed.value.parameter_sets[0]), kVps);
  EXPECT_EQ(test::to_vector(parsed.value.parameter_sets[1]), kHevcSps);
  EXPECT_EQ(test::to_vector(parsed.value.parameter_sets[2]), kHevcPps);
}

TEST(MpegtsHevcConfig, RejectsMalformedRecords) {
  // no PPS array
  EXPECT_TRUE(
      parse_hevc_config(
          concat({hex("01 01 60 00 00 00 90 00 00 00 00 00 5D F0 00 FC FD F8 F8 00 00 0F 02"),
                  hex("A0 00 01 00 03 40 01 0C A1 00 01 00 03 42 01 01")}))
          .invalid());
  // cut anywhere before the PPS array ends (3 arrays of 8 bytes after the head)
  for (std::size_t size = 0; size < kHevcHead.size() + 24; ++size)
    EXPECT_TRUE(parse_hevc_config(std::span<const std::byte>(kHevcRecord).first(size)).invalid())
        << size;
}

TEST(MpegtsHevcAnnexB, IrapGetsAudAndVpsSpsPps) {
  const auto config = parse_hevc_config(kHevcRecord).value;
  // IDR_W_RADL (19): header 0x26 0x01
  AccessUnitInfo info;
  const auto out = convert(hex("00 00 00 04 26 01 AF 09"), config, false, hevc_syntax(), &info);
  EXPECT_TRUE(info.random_access);
  EXPECT_EQ(out, concat({kStart, kHevcAud, kStart, kVps, kStart, kHevcSps, kStart, kHevcPps, kStart,
                         hex("26 01 AF 09")}));
  // CRA (21): 0x2A 0x01 is IRAP too
  convert(hex("00 00 00 03 2A 01 AF"), config, false, hevc_syntax(), &info);
  EXPECT_TRUE(info.random_access);
}

TEST(MpegtsHevcAnnexB, TrailingPictureGetsOnlyTheAud) {
  const auto config = parse_hevc_config(kHevcRecord).value;
  AccessUnitInfo info;
  // TRAIL_R (1): 0x02 0x01
  EXPECT_EQ(convert(hex("00 00 00 03 02 01 D0"), config, false, hevc_syntax(), &info),
            concat({kStart, kHevcAud, kStart, hex("02 01 D0")}));
  EXPECT_FALSE(info.random_access);
}

}  // namespace
}  // namespace streamgate::mpegts
