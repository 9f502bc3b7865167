// A publisher's messages into bus packets: small backward DTS steps clamped
// per track (the OBS NVENC quirk of INTEROP.md), big jumps and configs left
// alone, unknown tags dropped, and each oddity reported once per stream.

#include <gtest/gtest.h>

#include "format/test_bytes.hpp"
#include "ingest.hpp"
#include "streamgate/format/amf0.hpp"

namespace streamgate::rtmp {
namespace {

using namespace std::chrono_literals;
using streamgate::test::hex;

Message message(MessageType type, std::int64_t timestamp_ms, const streamgate::test::Bytes& body) {
  Message m;
  m.type = type;
  m.stream_id = 1;
  m.timestamp_ms = timestamp_ms;
  m.body = SharedBytes::copy(body);
  return m;
}

// FLV 10.1 E.4.3.1: FrameType 2 (inter) | CodecID 7 (AVC), AVCPacketType 1
// (NALU), CompositionTime 40 ms, then one length-prefixed NAL unit.
Message avc_frame(std::int64_t timestamp_ms) {
  return message(MessageType::Video, timestamp_ms, hex("27 01 00 00 28  00 00 00 01 41"));
}
// E.4.2.1: SoundFormat 10 (AAC) 44 kHz 16-bit stereo = 0xAF, AACPacketType 1 (raw).
Message aac_frame(std::int64_t timestamp_ms) {
  return message(MessageType::Audio, timestamp_ms, hex("AF 01  21 10"));
}

TEST(RtmpIngest, FramesInOrderPassUnchanged) {
  Ingest ingest;
  for (std::int64_t t : {0, 33, 66}) {
    auto result = ingest.convert(avc_frame(t));
    ASSERT_TRUE(result.packet);
    EXPECT_EQ(result.packet->dts, std::chrono::milliseconds(t));
    EXPECT_EQ(result.packet->pts, std::chrono::milliseconds(t + 40));
    EXPECT_TRUE(result.note.empty());
  }
  EXPECT_EQ(ingest.clamped(), 0u);
}

TEST(RtmpIngest, SmallBackwardStepIsClampedAndReportedOnce) {
  Ingest ingest;
  ASSERT_TRUE(ingest.convert(avc_frame(100)).packet);
  auto first = ingest.convert(avc_frame(99));  // NVENC rounding: 1 ms back
  ASSERT_TRUE(first.packet);
  EXPECT_EQ(first.packet->dts, 100ms);
  EXPECT_EQ(first.packet->pts, 140ms) << "PTS moves with DTS: composition offset kept";
  EXPECT_NE(first.note.find("clamped"), std::string::npos) << first.note;

  auto second = ingest.convert(avc_frame(98));
  ASSERT_TRUE(second.packet);
  EXPECT_EQ(second.packet->dts, 100ms);
  EXPECT_TRUE(second.note.empty()) << "reported once per stream";
  EXPECT_EQ(ingest.clamped(), 2u);

  auto later = ingest.convert(avc_frame(133));
  EXPECT_EQ(later.packet->dts, 133ms) << "time moves on normally after a clamp";
}

TEST(RtmpIngest, TracksAreClampedIndependently) {
  Ingest ingest;
  ASSERT_TRUE(ingest.convert(avc_frame(100)).packet);
  auto audio = ingest.convert(aac_frame(90));  // behind video, but first on its own track
  ASSERT_TRUE(audio.packet);
  EXPECT_EQ(audio.packet->dts, 90ms);
  EXPECT_EQ(ingest.clamped(), 0u);
  auto audio_back = ingest.convert(aac_frame(89));
  EXPECT_EQ(audio_back.packet->dts, 90ms);
  EXPECT_EQ(ingest.clamped(), 1u);
}

TEST(RtmpIngest, LargeJumpBackIsANewTimelineNotAClamp) {
  Ingest ingest;
  ASSERT_TRUE(ingest.convert(avc_frame(60'000)).packet);
  auto jump = ingest.convert(avc_frame(1'000));
  ASSERT_TRUE(jump.packet);
  EXPECT_EQ(jump.packet->dts, 1000ms);
  EXPECT_NE(jump.note.find("jumped back 59000 ms"), std::string::npos) << jump.note;
  // The new timeline is the reference from now on.
  EXPECT_EQ(ingest.convert(avc_frame(999)).packet->dts, 1000ms);
  EXPECT_EQ(ingest.clamped(), 1u);
}

TEST(RtmpIngest, ConfigRecordsKeepTheirOwnTime) {
  Ingest ingest;
  ASSERT_TRUE(ingest.convert(avc_frame(5000)).packet);
  // AVC sequence header (AVCPacketType 0) re-sent with an older timestamp.
  auto config = ingest.convert(message(MessageType::Video, 0, hex("17 00 00 00 00  01 64 00 1F FF")));
  ASSERT_TRUE(config.packet);
  EXPECT_TRUE(config.packet->config);
  EXPECT_EQ(config.packet->dts, 0ms);
  EXPECT_EQ(ingest.clamped(), 0u);
}

TEST(RtmpIngest, UnknownCodecIsDroppedAndReportedOnce) {
  Ingest ingest;
  // Enhanced RTMP header (E-RTMP v1): ExHeader | key | CodedFrames, FourCC "zzzz".
  const auto unknown = message(MessageType::Video, 0, hex("91 7A 7A 7A 7A  00 00 00  AA"));
  auto first = ingest.convert(unknown);
  EXPECT_FALSE(first.packet);
  EXPECT_NE(first.note.find("dropped"), std::string::npos);
  auto second = ingest.convert(unknown);
  EXPECT_FALSE(second.packet);
  EXPECT_TRUE(second.note.empty());
  EXPECT_EQ(ingest.dropped(), 2u);
  // The stream goes on.
  EXPECT_TRUE(ingest.convert(avc_frame(33)).packet);
}

TEST(RtmpIngest, MetadataWithOrWithoutSetDataFrame) {
  const auto metadata = amf0::Value::ecma_array({{"width", amf0::Value::number(640)}});
  const std::vector<amf0::Value> wrapped{amf0::Value::string("@setDataFrame"),
                                         amf0::Value::string("onMetaData"), metadata};
  const std::vector<amf0::Value> bare{amf0::Value::string("onMetaData"), metadata};
  for (const auto* values : {&wrapped, &bare}) {
    Ingest ingest;
    auto result = ingest.convert(message(MessageType::DataAmf0, 0, amf0::encode_all(*values)));
    ASSERT_TRUE(result.packet) << result.note;
    EXPECT_EQ(result.packet->kind, TrackKind::Data);
    EXPECT_EQ(result.packet->codec, Codec::ScriptData);
  }
  // Other script data (a cue point) carries nothing for the bus: dropped, not fatal.
  Ingest ingest;
  const std::vector<amf0::Value> cue{amf0::Value::string("onCuePoint"), metadata};
  auto result = ingest.convert(message(MessageType::DataAmf0, 0, amf0::encode_all(cue)));
  EXPECT_FALSE(result.packet);
  EXPECT_EQ(ingest.dropped(), 1u);
}

TEST(RtmpIngest, TagsWithNothingForTheBusAreNeitherPacketsNorDrops) {
  Ingest ingest;
  // AVC end of sequence (AVCPacketType 2).
  auto result = ingest.convert(message(MessageType::Video, 0, hex("17 02 00 00 00")));
  EXPECT_FALSE(result.packet);
  EXPECT_TRUE(result.note.empty());
  EXPECT_EQ(ingest.dropped(), 0u);
}

}  // namespace
}  // namespace streamgate::rtmp
