// FLV audio/video tag headers: legacy (Adobe FLV 10.1, Annex E.4.2.1 and
// E.4.3.1) and Enhanced RTMP v1 (veovera, "ExVideoTagHeader").

#include <gtest/gtest.h>

#include "format/test_bytes.hpp"
#include "streamgate/format/flv.hpp"

namespace streamgate::flv {
namespace {

using test::Bytes;
using test::cat;
using test::hex;
using test::text;

// ---- legacy video, E.4.3.1: FrameType UB[4] | CodecID UB[4], then for AVC
// AVCPacketType UI8 + CompositionTime SI24 ----

TEST(FlvVideoHeader, AvcSequenceHeader) {
  // 0x17 = key frame (1) | AVC (7); AVCPacketType 0; CTS 0.
  auto r = parse_video_tag_header(hex("17 00 00 00 00  01 64 00 1F"));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.consumed, 5u);
  EXPECT_EQ(r.value.frame_type, 1);
  EXPECT_FALSE(r.value.enhanced);
  EXPECT_EQ(r.value.codec_id, 7);
  EXPECT_EQ(r.value.codec, Codec::H264);
  EXPECT_TRUE(r.value.sequence_header);
  EXPECT_FALSE(r.value.sequence_end);
  EXPECT_EQ(r.value.header_size, 5u);
}

TEST(FlvVideoHeader, AvcNaluCarriesSignedCompositionTime) {
  // Key frame NALUs, CTS 0x000050 = 80 ms.
  auto key = parse_video_tag_header(hex("17 01 00 00 50  00 00 00 01 65"));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key.value.composition_time_ms, 80);
  EXPECT_FALSE(key.value.sequence_header);
  // 0x27 = inter frame (2) | AVC; CTS 0xFFFFFE = -2 in SI24.
  auto inter = parse_video_tag_header(hex("27 01 FF FF FE"));
  ASSERT_TRUE(inter.ok());
  EXPECT_EQ(inter.value.frame_type, 2);
  EXPECT_EQ(inter.value.composition_time_ms, -2);
  // Largest positive SI24: 0x7FFFFF.
  auto big = parse_video_tag_header(hex("27 01 7F FF FF"));
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big.value.composition_time_ms, 0x7FFFFF);
}

TEST(FlvVideoHeader, AvcEndOfSequence) {
  auto r = parse_video_tag_header(hex("17 02 00 00 00"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value.sequence_end);
  EXPECT_FALSE(r.value.sequence_header);
}

TEST(FlvVideoHeader, LegacyHevcCodecId12UsesTheAvcLayout) {
  // 0x1C = key frame | codec 12; HEVCPacketType 1; CTS 0x000021 = 33.
  auto r = parse_video_tag_header(hex("1C 01 00 00 21"));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.codec, Codec::H265);
  EXPECT_EQ(r.value.codec_id, 12);
  EXPECT_EQ(r.value.composition_time_ms, 33);
  EXPECT_EQ(r.value.header_size, 5u);
  auto config = parse_video_tag_header(hex("1C 00 00 00 00"));
  ASSERT_TRUE(config.ok());
  EXPECT_TRUE(config.value.sequence_header);
}

TEST(FlvVideoHeader, OtherLegacyCodecsHaveAOneByteHeader) {
  // 0x22 = inter frame | Sorenson H.263 (2); 0x14 = key | VP6 (4).
  for (const char* fixture : {"22 AA", "14 00 AA", "13 AA", "16 AA", "15 AA", "11 AA"}) {
    auto r = parse_video_tag_header(hex(fixture));
    ASSERT_TRUE(r.ok()) << fixture << ": " << r.error;
    EXPECT_EQ(r.value.codec, Codec::OtherVideo) << fixture;
    EXPECT_EQ(r.value.header_size, 1u) << fixture;
  }
}

TEST(FlvVideoHeader, InfoCommandFrameIsMetadata) {
  // FrameType 5: the body is one UI8 (0 = start of client-side seeking).
  auto r = parse_video_tag_header(hex("57 00"));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_TRUE(r.value.is_metadata);
  EXPECT_EQ(r.value.frame_type, 5);
}

TEST(FlvVideoHeader, MalformedLegacyHeadersAreInvalid) {
  EXPECT_TRUE(parse_video_tag_header({}).invalid());
  EXPECT_TRUE(parse_video_tag_header(hex("07 01 00 00 00")).invalid());  // frame type 0
  EXPECT_TRUE(parse_video_tag_header(hex("67 01 00 00 00")).invalid());  // frame type 6
  EXPECT_TRUE(parse_video_tag_header(hex("78 01 00 00 00")).invalid());  // frame type 7
  EXPECT_TRUE(parse_video_tag_header(hex("18 00")).invalid());           // codec 8: reserved
  EXPECT_TRUE(parse_video_tag_header(hex("10 00")).invalid());           // codec 0: reserved
  EXPECT_TRUE(parse_video_tag_header(hex("17 03 00 00 00")).invalid());  // AVCPacketType 3
  const Bytes full = hex("17 01 00 00 50");
  for (std::size_t cut = 1; cut < full.size(); ++cut) {
    auto r = parse_video_tag_header(std::span(full).first(cut));
    EXPECT_TRUE(r.invalid()) << "cut at " << cut;
    EXPECT_FALSE(r.error.empty());
  }
}

// ---- Enhanced RTMP v1: IsExHeader UB[1] | FrameType UB[3] | PacketType UB[4],
// then FourCC UI32; hvc1 CodedFrames adds CompositionTime SI24 ----

struct EnhancedCase {
  const char* fourcc;
  Codec codec;
  bool has_cts;
};

void PrintTo(const EnhancedCase& c, std::ostream* os) { *os << c.fourcc; }

class FlvEnhancedHeader : public ::testing::TestWithParam<EnhancedCase> {};

TEST_P(FlvEnhancedHeader, EveryPacketType) {
  const auto& c = GetParam();
  const Bytes code = text(c.fourcc);
  // 0x90 = ExHeader (0x80) | key frame (1 << 4) | SequenceStart (0).
  auto start = parse_video_tag_header(cat({hex("90"), code, hex("01 02")}));
  ASSERT_TRUE(start.ok()) << start.error;
  EXPECT_TRUE(start.value.enhanced);
  EXPECT_EQ(start.value.codec_id, 0);
  EXPECT_EQ(start.value.fourcc, fourcc(c.fourcc[0], c.fourcc[1], c.fourcc[2], c.fourcc[3]));
  EXPECT_EQ(start.value.codec, c.codec);
  EXPECT_EQ(start.value.frame_type, 1);
  EXPECT_TRUE(start.value.sequence_header);
  EXPECT_EQ(start.value.header_size, 5u);

  // 0xA1 = ExHeader | inter frame (2 << 4) | CodedFrames (1); then 00 00 21.
  auto coded = parse_video_tag_header(cat({hex("A1"), code, hex("00 00 21 AA")}));
  ASSERT_TRUE(coded.ok()) << coded.error;
  EXPECT_EQ(coded.value.frame_type, 2);
  EXPECT_FALSE(coded.value.sequence_header);
  if (c.has_cts) {
    EXPECT_EQ(coded.value.composition_time_ms, 33);
    EXPECT_EQ(coded.value.header_size, 8u);
  } else {  // AV1 and VP9 CodedFrames carry no CTS: those bytes are payload
    EXPECT_EQ(coded.value.composition_time_ms, 0);
    EXPECT_EQ(coded.value.header_size, 5u);
  }

  // 0x93 = ExHeader | key | CodedFramesX (3): CTS implied 0, none on the wire.
  auto coded_x = parse_video_tag_header(cat({hex("93"), code, hex("AA")}));
  ASSERT_TRUE(coded_x.ok()) << coded_x.error;
  EXPECT_EQ(coded_x.value.composition_time_ms, 0);
  EXPECT_EQ(coded_x.value.header_size, 5u);
  EXPECT_FALSE(coded_x.value.sequence_header);

  // 0x92 = SequenceEnd.
  auto end = parse_video_tag_header(cat({hex("92"), code}));
  ASSERT_TRUE(end.ok()) << end.error;
  EXPECT_TRUE(end.value.sequence_end);

  // 0x84 = Metadata (4) with FrameType 0: FrameType is ignored for metadata.
  auto meta = parse_video_tag_header(cat({hex("84"), code, hex("02 00 09"), text("colorInfo")}));
  ASSERT_TRUE(meta.ok()) << meta.error;
  EXPECT_TRUE(meta.value.is_metadata);

  // 0x95 = MPEG2TSSequenceStart: a descriptor, not a config record.
  auto ts_start = parse_video_tag_header(cat({hex("95"), code}));
  ASSERT_TRUE(ts_start.ok()) << ts_start.error;
  EXPECT_FALSE(ts_start.value.sequence_header);
  EXPECT_TRUE(ts_start.value.is_metadata);

  // 0x96: packet type 6 (multitrack in v2) is not understood: fail gracefully.
  EXPECT_TRUE(parse_video_tag_header(cat({hex("96"), code})).invalid());
  // 0x81: reserved FrameType 0 on a coded frame.
  EXPECT_TRUE(parse_video_tag_header(cat({hex("81"), code})).invalid());
  // 0xD1: FrameType 5 = command frame: one UI8 follows, not video.
  auto command = parse_video_tag_header(cat({hex("D1"), code, hex("00")}));
  ASSERT_TRUE(command.ok());
  EXPECT_TRUE(command.value.is_metadata);
}

TEST_P(FlvEnhancedHeader, TruncationsAreInvalid) {
  const auto& c = GetParam();
  const Bytes full = cat({hex("91"), text(c.fourcc), c.has_cts ? hex("00 00 21") : Bytes{}});
  ASSERT_TRUE(parse_video_tag_header(full).ok());
  for (std::size_t cut = 0; cut < full.size(); ++cut)
    EXPECT_TRUE(parse_video_tag_header(std::span(full).first(cut)).invalid()) << "cut " << cut;
}

INSTANTIATE_TEST_SUITE_P(FourCC, FlvEnhancedHeader,
                         ::testing::Values(EnhancedCase{"hvc1", Codec::H265, true},
                                           EnhancedCase{"av01", Codec::AV1, false},
                                           EnhancedCase{"vp09", Codec::VP9, false},
                                           // Enhanced RTMP v2's AVC form, CTS like hvc1
                                           EnhancedCase{"avc1", Codec::H264, true}),
                         [](const auto& info) { return std::string(info.param.fourcc); });

TEST(FlvEnhancedHeaderFourCC, UnknownFourCCIsInvalidWithItsName) {
  auto r = parse_video_tag_header(cat({hex("91"), text("xyz1"), hex("00 00 00")}));
  ASSERT_TRUE(r.invalid());
  EXPECT_NE(r.error.find("xyz1"), std::string::npos) << r.error;
}

// ---- audio, E.4.2.1: SoundFormat UB[4] | SoundRate UB[2] | SoundSize UB[1] |
// SoundType UB[1]; AAC adds AACPacketType UI8 ----

TEST(FlvAudioHeader, AacSequenceHeaderAndFrame) {
  // 0xAF = AAC (10) | 44 kHz (3) | 16-bit (1) | stereo (1).
  auto config = parse_audio_tag_header(hex("AF 00 12 10"));
  ASSERT_TRUE(config.ok()) << config.error;
  EXPECT_EQ(config.value.format, SoundFormat::Aac);
  EXPECT_EQ(config.value.codec, Codec::AAC);
  EXPECT_TRUE(config.value.sequence_header);
  EXPECT_EQ(config.value.header_size, 2u);
  EXPECT_EQ(config.value.params.sample_rate, 44100u);
  EXPECT_EQ(config.value.params.channels, 2);
  EXPECT_EQ(config.value.params.bits, 16);
  auto frame = parse_audio_tag_header(hex("AF 01 21 10"));
  ASSERT_TRUE(frame.ok());
  EXPECT_FALSE(frame.value.sequence_header);
}

TEST(FlvAudioHeader, CodecsAndTheirHeaderBits) {
  struct Case {
    const char* fixture;
    Codec codec;
    std::uint32_t rate;
    std::uint8_t channels;
    std::uint8_t bits;
  };
  const Case cases[] = {
      {"2F", Codec::MP3, 44100, 2, 16},         // MP3 | 44 kHz | 16-bit | stereo
      {"2A", Codec::MP3, 22050, 1, 16},         // MP3 | 22 kHz | 16-bit | mono
      {"E2", Codec::MP3, 8000, 1, 16},          // MP3 8 kHz (14)
      {"B2", Codec::Speex, 16000, 1, 16},       // Speex (11): always 16 kHz mono
      {"72", Codec::G711A, 8000, 1, 16},        // G.711 A-law (7): 8 kHz
      {"82", Codec::G711U, 8000, 1, 16},        // G.711 mu-law (8)
      {"3D", Codec::OtherAudio, 44100, 2, 8},   // PCM LE (3) | 44 kHz | 8-bit | stereo
      {"01", Codec::OtherAudio, 5512, 2, 8},    // PCM (0) | 5.5 kHz | 8-bit | stereo
      {"52", Codec::OtherAudio, 8000, 1, 16},   // Nellymoser 8 kHz (5)
      {"42", Codec::OtherAudio, 16000, 1, 16},  // Nellymoser 16 kHz (4)
      {"66", Codec::OtherAudio, 11025, 1, 16},  // Nellymoser (6) | 11 kHz
  };
  for (const auto& c : cases) {
    auto r = parse_audio_tag_header(hex(c.fixture));
    ASSERT_TRUE(r.ok()) << c.fixture << ": " << r.error;
    EXPECT_EQ(r.value.codec, c.codec) << c.fixture;
    EXPECT_EQ(r.value.params.sample_rate, c.rate) << c.fixture;
    EXPECT_EQ(r.value.params.channels, c.channels) << c.fixture;
    EXPECT_EQ(r.value.params.bits, c.bits) << c.fixture;
    EXPECT_EQ(r.value.header_size, 1u) << c.fixture;
    EXPECT_FALSE(r.value.sequence_header) << c.fixture;
  }
}

TEST(FlvAudioHeader, MalformedAudioIsInvalid) {
  EXPECT_TRUE(parse_audio_tag_header({}).invalid());
  EXPECT_TRUE(parse_audio_tag_header(hex("AF")).invalid());     // AAC without packet type
  EXPECT_TRUE(parse_audio_tag_header(hex("AF 02")).invalid());  // AACPacketType 2
}

}  // namespace
}  // namespace streamgate::flv
