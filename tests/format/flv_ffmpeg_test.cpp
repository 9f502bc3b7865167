// Part 1 against a real peer: an FLV written by ffmpeg (libx264 with
// B-frames + AAC) parsed with read_tag and packet_from_tag must describe the
// same packets ffprobe sees.

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>

#include "streamgate/format/amf0.hpp"
#include "streamgate/format/flv.hpp"
#include "support/media_tools.hpp"

namespace streamgate::flv {
namespace {

std::vector<std::byte> read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(chars.size());
  std::memcpy(out.data(), chars.data(), chars.size());
  return out;
}

long long ms(double seconds) { return std::llround(seconds * 1000); }

TEST(FlvFromFfmpeg, EveryTagParsesAndMatchesFfprobe) {
  test::MediaSpec spec;
  spec.seconds = 4;
  spec.bframes = true;  // non-zero composition times
  const auto path = test::test_media(spec);
  const auto file = read_all(path);
  const SharedBytes bytes = SharedBytes::copy(file);

  auto header = parse_file_header(bytes.span());
  ASSERT_TRUE(header.ok()) << header.error;
  EXPECT_TRUE(header.value.has_audio);
  EXPECT_TRUE(header.value.has_video);

  std::vector<std::shared_ptr<MediaPacket>> video, audio, script;
  std::size_t pos = header.consumed;
  std::size_t sequence_ends = 0;
  while (pos < bytes.size()) {
    auto tag = read_tag(bytes.span().subspan(pos));
    ASSERT_TRUE(tag.ok()) << "tag at " << pos << ": " << tag.error;
    const std::size_t body_at = pos + kTagHeaderSize;
    auto packet = packet_from_tag(tag.value.type, bytes.slice(body_at, tag.value.data_size),
                                  tag.value.timestamp_ms);
    ASSERT_TRUE(packet.ok()) << "tag at " << pos << ": " << packet.error;
    if (!packet.value) {  // ffmpeg ends the video with an AVC end of sequence
      auto h = parse_video_tag_header(tag.value.body);
      EXPECT_TRUE(h.ok() && h.value.sequence_end) << "tag at " << pos;
      ++sequence_ends;
      pos += tag.consumed;
      continue;
    }
    EXPECT_EQ(sequence_ends, 0u) << "media after the end of sequence";
    auto& list = packet.value->kind == TrackKind::Video   ? video
                 : packet.value->kind == TrackKind::Audio ? audio
                                                          : script;
    list.push_back(packet.value);
    pos += tag.consumed;
  }
  EXPECT_EQ(pos, bytes.size());
  EXPECT_EQ(sequence_ends, 1u);

  // ffmpeg's metadata: one onMetaData with the encoded size.
  ASSERT_EQ(script.size(), 1u);
  auto meta = amf0::decode_all(script[0]->payload);
  ASSERT_TRUE(meta.ok()) << meta.error;
  ASSERT_EQ(meta.value.size(), 2u);
  EXPECT_EQ(meta.value[0].as_string(), "onMetaData");
  EXPECT_EQ(meta.value[1].find("width")->as_number(), spec.width);
  EXPECT_EQ(meta.value[1].find("height")->as_number(), spec.height);

  // First of each track: the config record.
  ASSERT_FALSE(video.empty());
  ASSERT_FALSE(audio.empty());
  EXPECT_TRUE(video[0]->config);
  EXPECT_EQ(video[0]->codec, Codec::H264);
  EXPECT_EQ(std::to_integer<int>(video[0]->payload[0]), 1);  // AVCDecoderConfigurationRecord v1
  EXPECT_TRUE(audio[0]->config);
  EXPECT_EQ(audio[0]->codec, Codec::AAC);
  EXPECT_EQ(audio[0]->audio.sample_rate, std::uint32_t(spec.sample_rate));
  EXPECT_EQ(audio[0]->audio.channels, 2);

  const auto probed = test::probe_packets(path.string());
  std::vector<test::ProbePacket> probed_video, probed_audio;
  for (const auto& p : probed) (p.codec_type == "video" ? probed_video : probed_audio).push_back(p);
  ASSERT_EQ(video.size() - 1, probed_video.size());
  ASSERT_EQ(audio.size() - 1, probed_audio.size());
  bool saw_cts = false;
  for (std::size_t i = 0; i < probed_video.size(); ++i) {
    const MediaPacket& ours = *video[i + 1];
    EXPECT_FALSE(ours.config);
    EXPECT_EQ(ours.dts.count() / 1000, ms(probed_video[i].dts)) << "video " << i;
    EXPECT_EQ(ours.pts.count() / 1000, ms(probed_video[i].pts)) << "video " << i;
    EXPECT_EQ(ours.keyframe, probed_video[i].keyframe) << "video " << i;
    EXPECT_EQ(ours.payload.size(), probed_video[i].size) << "video " << i;
    saw_cts = saw_cts || ours.pts != ours.dts;
  }
  EXPECT_TRUE(saw_cts) << "B-frames should give composition time offsets";
  for (std::size_t i = 0; i < probed_audio.size(); ++i) {
    EXPECT_EQ(audio[i + 1]->dts.count() / 1000, ms(probed_audio[i].dts)) << "audio " << i;
    EXPECT_EQ(audio[i + 1]->payload.size(), probed_audio[i].size) << "audio " << i;
  }
}

}  // namespace
}  // namespace streamgate::flv
