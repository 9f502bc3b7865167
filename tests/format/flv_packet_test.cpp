// FLV tag bodies <-> bus packets: packet_from_tag, tag_body_prefix, tag_body.

#include <gtest/gtest.h>

#include "format/test_bytes.hpp"
#include "streamgate/format/amf0.hpp"
#include "streamgate/format/flv.hpp"

namespace streamgate::flv {
namespace {

using namespace std::chrono_literals;
using test::Bytes;
using test::cat;
using test::hex;
using test::text;
using test::to_bytes;

SharedBytes shared(const Bytes& b) { return SharedBytes::copy(b); }

std::shared_ptr<MediaPacket> packet_ok(TagType type, const SharedBytes& body, std::int64_t ts) {
  auto r = packet_from_tag(type, body, ts);
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.consumed, body.size());
  return r.value;
}

TEST(FlvPacketFromTag, AvcFrameBecomesAVideoPacketSharingTheBody) {
  // key frame | AVC, NALU, CTS 40 ms, then one length-prefixed NAL unit.
  const SharedBytes body = shared(hex("17 01 00 00 28  00 00 00 02 65 88"));
  auto p = packet_ok(TagType::Video, body, 1000);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, TrackKind::Video);
  EXPECT_EQ(p->codec, Codec::H264);
  EXPECT_EQ(p->dts, 1000ms);
  EXPECT_EQ(p->pts, 1040ms);
  EXPECT_TRUE(p->keyframe);
  EXPECT_FALSE(p->config);
  EXPECT_EQ(to_bytes(p->payload), hex("00 00 00 02 65 88"));
  EXPECT_TRUE(p->payload.shares_storage_with(body));  // a slice, not a copy
  EXPECT_EQ(p->payload.data(), body.data() + 5);
  EXPECT_TRUE(p->flv_tag_body.shares_storage_with(body));
  EXPECT_EQ(p->flv_tag_body.size(), body.size());
}

TEST(FlvPacketFromTag, NegativeCtsAndTimestampsBeyond32Bits) {
  // RTMP unwraps its 32-bit timestamps; the packet keeps all 64 bits.
  const std::int64_t beyond_32_bits = (std::int64_t(1) << 33) + 7;
  auto p = packet_ok(TagType::Video, shared(hex("27 01 FF FF F6  AA")), beyond_32_bits);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->dts, std::chrono::milliseconds(beyond_32_bits));
  EXPECT_EQ(p->pts, std::chrono::milliseconds(beyond_32_bits - 10));  // CTS -10
  EXPECT_FALSE(p->keyframe);
}

TEST(FlvPacketFromTag, ConfigRecordIsConfigNotKeyframe) {
  auto p = packet_ok(TagType::Video, shared(hex("17 00 00 00 00  01 64 00 1F FF")), 0);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->config);
  EXPECT_FALSE(p->keyframe);
  EXPECT_EQ(to_bytes(p->payload), hex("01 64 00 1F FF"));
}

TEST(FlvPacketFromTag, GeneratedKeyFrameIsAKeyframe) {
  // FrameType 4 = generated key frame (servers use it for seeking).
  auto p = packet_ok(TagType::Video, shared(hex("47 01 00 00 00  AA")), 0);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->keyframe);
}

TEST(FlvPacketFromTag, TagsWithoutMediaGiveOkAndNoPacket) {
  for (const char* fixture : {"17 02 00 00 00", "57 00", "92 68 76 63 31", "84 68 76 63 31 05"}) {
    auto r = packet_from_tag(TagType::Video, shared(hex(fixture)), 0);
    ASSERT_TRUE(r.ok()) << fixture << ": " << r.error;
    EXPECT_EQ(r.value, nullptr) << fixture;
  }
}

TEST(FlvPacketFromTag, EnhancedHevcFrame) {
  // 0x91 = ExHeader | key | CodedFrames, 'hvc1', CTS 0x000021 = 33.
  const SharedBytes body = shared(cat({hex("91"), text("hvc1"), hex("00 00 21  00 00 00 01 26")}));
  auto p = packet_ok(TagType::Video, body, 2000);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->codec, Codec::H265);
  EXPECT_TRUE(p->keyframe);
  EXPECT_EQ(p->pts, 2033ms);
  EXPECT_EQ(to_bytes(p->payload), hex("00 00 00 01 26"));
}

TEST(FlvPacketFromTag, AacConfigReadsTheRealRateFromTheAudioSpecificConfig) {
  // ASC 0x11 0x90: object type 2 (00010), frequency index 3 = 48 kHz (0011),
  // channel configuration 2 (0010), then 000 (ISO/IEC 14496-3 §1.6.2.1).
  auto config = packet_ok(TagType::Audio, shared(hex("AF 00 11 90")), 0);
  ASSERT_TRUE(config);
  EXPECT_EQ(config->kind, TrackKind::Audio);
  EXPECT_EQ(config->codec, Codec::AAC);
  EXPECT_TRUE(config->config);
  EXPECT_EQ(config->audio.sample_rate, 48000u);
  EXPECT_EQ(config->audio.channels, 2);
  EXPECT_EQ(to_bytes(config->payload), hex("11 90"));
  // ASC 0x15 0x88: type 2, index 11 = 8 kHz (1011), channels 1 (0001).
  auto mono = packet_ok(TagType::Audio, shared(hex("AF 00 15 88")), 0);
  EXPECT_EQ(mono->audio.sample_rate, 8000u);
  EXPECT_EQ(mono->audio.channels, 1);
  // HE-AAC with explicit SBR: type 5 (00101), core index 7 = 22.05 kHz (0111),
  // channels 2 (0010), extension index 3 = 48 kHz (0011), then type 2 (00010):
  // 00101011 10010001 100010(00) = 2B 91 88.
  auto he = packet_ok(TagType::Audio, shared(hex("AF 00 2B 91 88")), 0);
  EXPECT_EQ(he->audio.sample_rate, 48000u);
  // Frequency index 15 (1111): an explicit 24-bit rate follows, here 50 000
  // (0x00C350): 00010 1111 000000001100001101010000 0010 = 17 80 61 A8 10.
  auto explicit_rate = packet_ok(TagType::Audio, shared(hex("AF 00 17 80 61 A8 10")), 0);
  EXPECT_EQ(explicit_rate->audio.sample_rate, 50000u);
  EXPECT_EQ(explicit_rate->audio.channels, 2);

  auto frame = packet_ok(TagType::Audio, shared(hex("AF 01 21 1A")), 23);
  ASSERT_TRUE(frame);
  EXPECT_FALSE(frame->config);
  EXPECT_FALSE(frame->keyframe);
  EXPECT_EQ(frame->dts, 23ms);
  EXPECT_EQ(frame->pts, 23ms);
  EXPECT_EQ(frame->audio.sample_rate, 0u);  // the 44 kHz in the header means nothing for AAC
  EXPECT_EQ(to_bytes(frame->payload), hex("21 1A"));
}

TEST(FlvPacketFromTag, Mp3KeepsTheHeaderParams) {
  auto p = packet_ok(TagType::Audio, shared(hex("2E FF FB")), 5);  // MP3 | 44k | 16 | mono
  ASSERT_TRUE(p);
  EXPECT_EQ(p->codec, Codec::MP3);
  EXPECT_EQ(p->audio.sample_rate, 44100u);
  EXPECT_EQ(p->audio.channels, 1);
  EXPECT_EQ(to_bytes(p->payload), hex("FF FB"));
}

// E.4.4.1 SCRIPTDATA; RTMP encoders send "@setDataFrame" first.
const Bytes kOnMetaData = hex("02 00 0A 6F 6E 4D 65 74 61 44 61 74 61");  // "onMetaData"
const Bytes kSetDataFrame = hex("02 00 0D 40 73 65 74 44 61 74 61 46 72 61 6D 65");
// ECMA array {width: 30} (count hint 1).
const Bytes kMetaObject =
    hex("08 00 00 00 01  00 05 77 69 64 74 68  00 40 3E 00 00 00 00 00 00  00 00 09");

TEST(FlvPacketFromTag, ScriptWithSetDataFrameIsSlicedToOnMetaData) {
  const SharedBytes body = shared(cat({kSetDataFrame, kOnMetaData, kMetaObject}));
  auto p = packet_ok(TagType::Script, body, 0);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, TrackKind::Data);
  EXPECT_EQ(p->codec, Codec::ScriptData);
  EXPECT_EQ(to_bytes(p->payload), cat({kOnMetaData, kMetaObject}));
  EXPECT_TRUE(p->payload.shares_storage_with(body));
  EXPECT_EQ(to_bytes(p->flv_tag_body), to_bytes(p->payload));  // players get plain onMetaData
  auto values = amf0::decode_all(p->payload);
  ASSERT_TRUE(values.ok());
  ASSERT_EQ(values.value.size(), 2u);
  EXPECT_EQ(values.value[1].find("width")->as_number(), 30);
}

TEST(FlvPacketFromTag, PlainOnMetaDataIsKeptAsIs) {
  const SharedBytes body = shared(cat({kOnMetaData, kMetaObject}));
  auto p = packet_ok(TagType::Script, body, 0);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->payload.data(), body.data());
  EXPECT_EQ(p->payload.size(), body.size());
}

TEST(FlvPacketFromTag, OtherOrBrokenScriptDataIsInvalid) {
  const Bytes on_cue_point = hex("02 00 0A 6F 6E 43 75 65 50 6F 69 6E 74");  // "onCuePoint"
  EXPECT_TRUE(
      packet_from_tag(TagType::Script, shared(cat({on_cue_point, kMetaObject})), 0).invalid());
  EXPECT_TRUE(packet_from_tag(TagType::Script, shared(cat({kOnMetaData, hex("05")})), 0).invalid());
  EXPECT_TRUE(packet_from_tag(TagType::Script, shared(kOnMetaData), 0).invalid());
  EXPECT_TRUE(packet_from_tag(TagType::Script, shared(kSetDataFrame), 0).invalid());
  const Bytes full = cat({kSetDataFrame, kOnMetaData, kMetaObject});
  for (std::size_t cut = 0; cut < full.size(); ++cut) {
    auto r = packet_from_tag(TagType::Script, SharedBytes::copy(std::span(full).first(cut)), 0);
    EXPECT_TRUE(r.invalid()) << "cut at " << cut;
    EXPECT_FALSE(r.error.empty());
  }
}

TEST(FlvPacketFromTag, MalformedMediaIsInvalid) {
  EXPECT_TRUE(packet_from_tag(TagType::Video, {}, 0).invalid());
  EXPECT_TRUE(packet_from_tag(TagType::Audio, {}, 0).invalid());
  EXPECT_TRUE(packet_from_tag(TagType::Video, shared(hex("17 01")), 0).invalid());
  EXPECT_TRUE(packet_from_tag(TagType(7), shared(hex("00")), 0).invalid());
}

// ---- the other direction ----

MediaPacket make(Codec codec, bool config, bool key, MediaTime dts, MediaTime pts) {
  MediaPacket p;
  p.kind = codec >= Codec::AAC ? TrackKind::Audio : TrackKind::Video;
  p.codec = codec;
  p.config = config;
  p.keyframe = key;
  p.dts = dts;
  p.pts = pts;
  p.payload = SharedBytes::copy(hex("AA BB"));
  return p;
}

TEST(FlvTagBodyPrefix, LegacyAvc) {
  EXPECT_EQ(tag_body_prefix(make(Codec::H264, true, false, 0ms, 0ms)), hex("17 00 00 00 00"));
  // key | AVC, NALU, CTS 40 = 0x28.
  EXPECT_EQ(tag_body_prefix(make(Codec::H264, false, true, 100ms, 140ms)), hex("17 01 00 00 28"));
  // inter | AVC, CTS -10 = 0xFFFFF6 in SI24.
  EXPECT_EQ(tag_body_prefix(make(Codec::H264, false, false, 100ms, 90ms)), hex("27 01 FF FF F6"));
}

TEST(FlvTagBodyPrefix, EnhancedHevcAv1Vp9) {
  const Bytes hvc1 = text("hvc1");
  EXPECT_EQ(tag_body_prefix(make(Codec::H265, true, false, 0ms, 0ms)), cat({hex("90"), hvc1}));
  // CTS 0: CodedFramesX (0x93 key, 0xA3 inter) saves the 3 bytes.
  EXPECT_EQ(tag_body_prefix(make(Codec::H265, false, true, 0ms, 0ms)), cat({hex("93"), hvc1}));
  EXPECT_EQ(tag_body_prefix(make(Codec::H265, false, false, 0ms, 0ms)), cat({hex("A3"), hvc1}));
  // CTS 33: CodedFrames (0x91) + SI24.
  EXPECT_EQ(tag_body_prefix(make(Codec::H265, false, true, 0ms, 33ms)),
            cat({hex("91"), hvc1, hex("00 00 21")}));
  // AV1 / VP9: SequenceStart (0x90) and CodedFrames without CTS (0x91 / 0xA1).
  for (const char* code : {"av01", "vp09"}) {
    const Codec codec = std::string(code) == "av01" ? Codec::AV1 : Codec::VP9;
    EXPECT_EQ(tag_body_prefix(make(codec, true, false, 0ms, 0ms)), cat({hex("90"), text(code)}));
    EXPECT_EQ(tag_body_prefix(make(codec, false, true, 0ms, 0ms)), cat({hex("91"), text(code)}));
    EXPECT_EQ(tag_body_prefix(make(codec, false, false, 0ms, 0ms)), cat({hex("A1"), text(code)}));
  }
}

TEST(FlvTagBodyPrefix, Audio) {
  EXPECT_EQ(tag_body_prefix(make(Codec::AAC, true, false, 0ms, 0ms)), hex("AF 00"));
  EXPECT_EQ(tag_body_prefix(make(Codec::AAC, false, false, 0ms, 0ms)), hex("AF 01"));
  auto mp3 = make(Codec::MP3, false, false, 0ms, 0ms);
  mp3.audio = {44100, 2, 16};
  EXPECT_EQ(tag_body_prefix(mp3), hex("2F"));
  mp3.audio = {48000, 2, 16};  // FLV has no 48 kHz code: 44 kHz, as ffmpeg writes it
  EXPECT_EQ(tag_body_prefix(mp3), hex("2F"));
  mp3.audio = {22050, 1, 16};
  EXPECT_EQ(tag_body_prefix(mp3), hex("2A"));
  mp3.audio = {8000, 1, 16};  // SoundFormat 14, MP3 8 kHz
  EXPECT_EQ(tag_body_prefix(mp3), hex("E2"));
  EXPECT_EQ(tag_body_prefix(make(Codec::Speex, false, false, 0ms, 0ms)), hex("B2"));
  auto alaw = make(Codec::G711A, false, false, 0ms, 0ms);
  alaw.audio = {8000, 1, 16};
  EXPECT_EQ(tag_body_prefix(alaw), hex("72"));
  auto ulaw = make(Codec::G711U, false, false, 0ms, 0ms);
  ulaw.audio = {8000, 1, 16};
  EXPECT_EQ(tag_body_prefix(ulaw), hex("82"));
}

TEST(FlvTagBody, UsesTheOriginalBodyWhenPresent) {
  const SharedBytes body = SharedBytes::copy(hex("17 01 00 00 00 AA BB"));
  auto parsed = packet_from_tag(TagType::Video, body, 0);
  ASSERT_TRUE(parsed.ok());
  const SharedBytes out = tag_body(*parsed.value);
  EXPECT_EQ(out.data(), body.data());
  EXPECT_EQ(out.size(), body.size());
}

TEST(FlvTagBody, WithoutAnFlvFormItIsEmpty) {
  EXPECT_TRUE(tag_body(make(Codec::OtherVideo, false, true, 0ms, 0ms)).empty());
  EXPECT_TRUE(tag_body(make(Codec::Opus, false, false, 0ms, 0ms)).empty());
}

// Packets from another protocol (no flv_tag_body) survive the trip to FLV and
// back with every field the FLV form can carry.
TEST(FlvTagBody, RoundTripThroughPacketFromTag) {
  const MediaPacket packets[] = {
      make(Codec::H264, true, false, 0ms, 0ms),    make(Codec::H264, false, true, 40ms, 80ms),
      make(Codec::H264, false, false, 80ms, 60ms), make(Codec::H265, true, false, 0ms, 0ms),
      make(Codec::H265, false, true, 40ms, 73ms),  make(Codec::H265, false, false, 80ms, 80ms),
      make(Codec::AV1, true, false, 0ms, 0ms),     make(Codec::AV1, false, true, 40ms, 40ms),
      make(Codec::VP9, false, false, 80ms, 80ms),  make(Codec::AAC, true, false, 0ms, 0ms),
      make(Codec::AAC, false, false, 23ms, 23ms),  make(Codec::Speex, false, false, 20ms, 20ms),
  };
  for (const auto& original : packets) {
    const SharedBytes body = tag_body(original);
    ASSERT_FALSE(body.empty()) << to_string(original.codec);
    const TagType type = original.kind == TrackKind::Audio ? TagType::Audio : TagType::Video;
    auto back = packet_from_tag(type, body, original.dts.count() / 1000);
    ASSERT_TRUE(back.ok()) << to_string(original.codec) << ": " << back.error;
    ASSERT_TRUE(back.value);
    const MediaPacket& p = *back.value;
    EXPECT_EQ(p.codec, original.codec);
    EXPECT_EQ(p.config, original.config) << to_string(original.codec);
    EXPECT_EQ(p.keyframe, original.keyframe) << to_string(original.codec);
    EXPECT_EQ(p.dts, original.dts);
    EXPECT_EQ(p.pts, original.pts) << to_string(original.codec);
    EXPECT_EQ(to_bytes(p.payload), to_bytes(original.payload));
  }
}

}  // namespace
}  // namespace streamgate::flv
