// FlvWriter: the file it writes reads back tag by tag (FLV 10.1 Annex E),
// and its closing metadata rewrite keeps every byte offset.

#include "flv_writer.hpp"

#include <gtest/gtest.h>

#include "memory_files.hpp"

namespace streamgate::flvrecord {
namespace {

using namespace test;
using streamgate::test::hex;

struct Written {
  MemorySink sink;
  std::unique_ptr<FlvWriter> writer;
  explicit Written(FlvWriterOptions options = {})
      : writer(std::make_unique<FlvWriter>(sink, options)) {}
  void put(const MediaPacket& p, std::uint32_t ts) { ASSERT_TRUE(writer->write(p, ts)); }
};

// 4 s of 25 fps video with a keyframe every second, and AAC every 23 ms.
void feed_av(Written& w, std::uint32_t seconds = 4) {
  w.put(metadata({{"width", amf0::Value::number(640)},
                  {"height", amf0::Value::number(360)},
                  {"framerate", amf0::Value::number(25)},
                  {"duration", amf0::Value::number(0)},  // ffmpeg sends 0 when live
                  {"videocodecid", amf0::Value::number(7)},
                  {"audiocodecid", amf0::Value::number(10)}}),
        0);
  w.put(video_config(), 0);
  w.put(audio_config(), 0);
  std::uint32_t a = 0;
  for (std::uint32_t v = 0; v < seconds * 1000; v += 40) {
    while (a <= v) {
      w.put(audio(a), a);
      a += 23;
    }
    w.put(video(v, v % 1000 == 0), v);
  }
}

TEST(FlvWriter, FileReadsBackWithCorrectPreviousTagSizes) {
  Written w;
  feed_av(w);
  const ReadFile file = read_file(w.sink.bytes);  // read_tag checks every PreviousTagSize
  ASSERT_EQ(file.error, "");
  EXPECT_TRUE(file.header.has_audio);
  EXPECT_TRUE(file.header.has_video);
  EXPECT_EQ(w.writer->size(), w.sink.bytes.size());
  // onMetaData, then the sequence headers, then frames.
  ASSERT_GE(file.tags.size(), 4u);
  EXPECT_EQ(file.tags[0].tag.type, flv::TagType::Script);
  EXPECT_EQ(file.tags[1].tag.type, flv::TagType::Video);
  EXPECT_EQ(streamgate::test::to_bytes(file.tags[1].tag.body).front(), std::byte{0x17});
  EXPECT_EQ(std::to_integer<int>(file.tags[1].tag.body[1]), 0);  // AVC sequence header
  EXPECT_EQ(file.tags[2].tag.type, flv::TagType::Audio);
  EXPECT_EQ(std::to_integer<int>(file.tags[2].tag.body[1]), 0);  // AAC sequence header
  // 100 video frames, 173 audio frames (0, 23, ... 3956 ms), 3 before them.
  EXPECT_EQ(file.tags.size(), 3u + 100 + 173);
  EXPECT_EQ(w.writer->stats().frames, 273u);
}

TEST(FlvWriter, MetadataRewriteKeepsEveryOffsetAndIndexesKeyframes) {
  Written w;
  feed_av(w);
  const Bytes before = w.sink.bytes;
  auto rewrite = w.writer->finish();
  ASSERT_TRUE(rewrite);
  Bytes after = before;
  apply_rewrite(after, *rewrite);
  ASSERT_EQ(after.size(), before.size());
  const ReadFile old_file = read_file(before);
  const ReadFile file = read_file(after);
  ASSERT_EQ(file.error, "");
  ASSERT_EQ(file.tags.size(), old_file.tags.size());
  // Only the metadata body changed: every other byte is where it was.
  EXPECT_EQ(rewrite->offset, file.tags[0].offset + flv::kTagHeaderSize);
  EXPECT_TRUE(std::equal(after.begin() + rewrite->offset + rewrite->bytes.size(), after.end(),
                         before.begin() + rewrite->offset + rewrite->bytes.size()));
  EXPECT_TRUE(std::equal(after.begin(), after.begin() + rewrite->offset, before.begin()));

  const amf0::Value meta = metadata_of(file);
  ASSERT_TRUE(meta.is_object_like());
  EXPECT_EQ(meta.find("width")->as_number(), 640);  // the publisher's values stay
  EXPECT_EQ(meta.find("framerate")->as_number(), 25);
  EXPECT_EQ(meta.find("filesize")->as_number(), double(after.size()));
  // Last video frame at 3960 ms + 40 ms spacing.
  EXPECT_DOUBLE_EQ(meta.find("duration")->as_number(), 4.0);
  int durations = 0;
  for (const auto& [key, value] : meta.properties()) durations += key == "duration";
  EXPECT_EQ(durations, 1);  // the publisher's duration 0 was replaced, not repeated

  const amf0::Value* keyframes = meta.find("keyframes");
  ASSERT_TRUE(keyframes);
  const auto& positions = keyframes->find("filepositions")->items();
  const auto& times = keyframes->find("times")->items();
  ASSERT_EQ(positions.size(), 4u);  // 0, 1, 2, 3 s
  ASSERT_EQ(times.size(), 4u);
  for (std::size_t i = 0; i < positions.size(); ++i) {
    const auto at = std::size_t(positions[i].as_number());
    auto tag = flv::read_tag(std::span(after).subspan(at));
    ASSERT_TRUE(tag.ok()) << "keyframe " << i << " position " << at;
    EXPECT_EQ(tag.value.type, flv::TagType::Video);
    EXPECT_EQ(tag.value.body[0], std::byte{0x17}) << "a key frame";
    EXPECT_EQ(std::to_integer<int>(tag.value.body[1]), 1) << "NALUs, not the config";
    EXPECT_DOUBLE_EQ(times[i].as_number(), tag.value.timestamp_ms / 1000.0);
    EXPECT_DOUBLE_EQ(times[i].as_number(), double(i));
  }
}

TEST(FlvWriter, HeaderFlagsFollowTheTracksPresent) {
  {  // audio only, no metadata
    Written w;
    w.put(audio_config(), 0);
    w.put(audio(0), 0);
    const ReadFile file = read_file(w.sink.bytes);
    ASSERT_EQ(file.error, "");
    EXPECT_TRUE(file.header.has_audio);
    EXPECT_FALSE(file.header.has_video);
    // Without publisher metadata the writer describes the codecs itself.
    const amf0::Value meta = metadata_of(file);
    EXPECT_EQ(meta.find("audiocodecid")->as_number(), 10);
    EXPECT_EQ(meta.find("audiosamplerate")->as_number(), 44100);
    EXPECT_EQ(meta.find("videocodecid"), nullptr);
  }
  {  // video only
    Written w;
    w.put(video_config(), 0);
    w.put(video(0, true), 0);
    const ReadFile file = read_file(w.sink.bytes);
    EXPECT_FALSE(file.header.has_audio);
    EXPECT_TRUE(file.header.has_video);
    EXPECT_EQ(metadata_of(file).find("videocodecid")->as_number(), 7);
  }
  {  // metadata announces audio that has not arrived when video starts
    Written w;
    w.put(metadata({{"audiocodecid", amf0::Value::number(10)}}), 0);
    w.put(video_config(), 0);
    w.put(video(0, true), 0);
    EXPECT_TRUE(read_file(w.sink.bytes).header.has_audio);
  }
}

TEST(FlvWriter, NothingIsWrittenBeforeTheFirstFrame) {
  Written w;
  w.put(metadata({{"width", amf0::Value::number(1)}}), 0);
  w.put(video_config(), 0);
  w.put(audio_config(), 0);
  EXPECT_TRUE(w.sink.bytes.empty());
  EXPECT_FALSE(w.writer->started());
  EXPECT_FALSE(w.writer->finish());  // an empty file has nothing to rewrite
}

TEST(FlvWriter, RelaysTheOriginalTagBodyByteForByte) {
  Written w;
  // An original tag body with an unusual CTS: relayed as is.
  const Bytes original = hex("17 01 00 01 F4  00 00 00 01 65");
  auto parsed = flv::packet_from_tag(flv::TagType::Video, SharedBytes::copy(original), 0);
  ASSERT_TRUE(parsed.ok());
  w.put(*parsed.value, 0);
  // A packet from elsewhere: its body is built (legacy AVC, CTS 40).
  w.put(video(40, false, 40), 40);
  const ReadFile file = read_file(w.sink.bytes);
  ASSERT_EQ(file.error, "");
  ASSERT_EQ(file.tags.size(), 3u);
  EXPECT_EQ(streamgate::test::to_bytes(file.tags[1].tag.body), original);
  EXPECT_EQ(streamgate::test::to_bytes(file.tags[2].tag.body),
            streamgate::test::cat({hex("27 01 00 00 28 00 00 00 05 65"), hex("00 00 00 28")}));
}

TEST(FlvWriter, LaterMetadataIsNotWrittenAgain) {
  Written w;
  w.put(metadata({{"width", amf0::Value::number(1)}}), 0);
  w.put(video(0, true), 0);
  w.put(metadata({{"width", amf0::Value::number(2)}}), 40);
  w.put(video(40, false), 40);
  const ReadFile file = read_file(w.sink.bytes);
  ASSERT_EQ(file.tags.size(), 3u);
  EXPECT_EQ(metadata_of(file).find("width")->as_number(), 1);
}

TEST(FlvWriter, VideoBeforeTheFirstKeyframeIsDropped) {
  Written w;
  w.put(video_config(), 0);
  w.put(video(0, false), 0);
  w.put(video(40, false), 40);
  w.put(audio(50), 50);
  w.put(video(80, true), 80);
  w.put(video(120, false), 120);
  const ReadFile file = read_file(w.sink.bytes);
  ASSERT_EQ(file.error, "");
  std::vector<std::int64_t> frames;
  for (const auto& t : file.tags)
    if (t.tag.type == flv::TagType::Video && t.tag.body[1] == std::byte{1})
      frames.push_back(frame_id(t.tag.body));
  EXPECT_EQ(frames, (std::vector<std::int64_t>{80, 120}));
  EXPECT_EQ(w.writer->stats().dropped_before_keyframe, 2u);
}

TEST(FlvWriter, ACodecWithoutAnFlvFormIsSkipped) {
  Written w;
  w.put(video(0, true), 0);
  MediaPacket opus = audio(10);
  opus.codec = Codec::Opus;
  EXPECT_TRUE(w.writer->write(opus, 10));  // not a failure: the file goes on
  EXPECT_EQ(w.writer->stats().dropped_unwritable, 1u);
  EXPECT_EQ(read_file(w.sink.bytes).tags.size(), 2u);
}

TEST(FlvWriter, IndexLargerThanItsReservationIsThinnedEvenly) {
  FlvWriterOptions options;
  options.index.capacity = 4;
  Written w(options);
  for (std::uint32_t s = 0; s < 20; ++s) w.put(video(s * 1000, true), s * 1000);
  auto rewrite = w.writer->finish();
  ASSERT_TRUE(rewrite);
  Bytes file = w.sink.bytes;
  apply_rewrite(file, *rewrite);
  const ReadFile read = read_file(file);
  ASSERT_EQ(read.error, "");
  const amf0::Value meta = metadata_of(read);
  const auto& times = meta.find("keyframes")->find("times")->items();
  ASSERT_EQ(times.size(), 4u);
  std::vector<double> seconds;
  for (const auto& t : times) seconds.push_back(t.as_number());
  EXPECT_EQ(seconds, (std::vector<double>{0, 4, 8, 12}));  // evenly spread, first kept
}

TEST(FlvWriter, AudioOnlyFilesAreIndexedEverySecond) {
  Written w;
  w.put(audio_config(), 0);
  for (std::uint32_t a = 0; a < 3500; a += 23) w.put(audio(a), a);
  const auto entries = w.writer->index().entries();
  std::vector<std::uint32_t> times;
  for (const auto& e : entries) times.push_back(e.time_ms);
  // The first frame at or after each whole second since the last entry.
  EXPECT_EQ(times, (std::vector<std::uint32_t>{0, 1012, 2024, 3036}));
}

TEST(FlvWriter, AFailedWriteEndsTheFile) {
  Written w;
  w.sink.fail_at = 2000;
  w.put(video_config(), 0);
  bool ok = true;
  std::uint32_t ts = 0;
  for (; ok && ts < 100'000; ts += 40) ok = w.writer->write(video(ts, ts == 0), ts);
  EXPECT_FALSE(ok);
  EXPECT_TRUE(w.writer->failed());
  EXPECT_FALSE(w.writer->write(video(ts, false), ts));  // refused from now on
  EXPECT_FALSE(w.writer->finish());
  EXPECT_EQ(read_file(w.sink.bytes).error, "");  // what was written is whole
}

}  // namespace
}  // namespace streamgate::flvrecord
