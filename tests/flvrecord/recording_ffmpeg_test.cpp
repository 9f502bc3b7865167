// The recorder's pure layers against real peers: H.264 (with B-frames) + AAC
// made by ffmpeg, read with read_tag/packet_from_tag, recorded, written to a
// file, then checked by ffprobe and by a clean ffmpeg decode.

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "ffmpeg_checks.hpp"
#include "repair.hpp"
#include "support/temp_dir.hpp"

namespace streamgate::flvrecord {
namespace {

using namespace test;
using namespace std::chrono_literals;

TEST(RecordingWithFfmpeg, RecordedFilePlaysSeeksAndHasItsIndex) {
  const auto source = st::test_media(source_spec());
  MemoryFiles files;
  Recording recording(files, {});
  for (const auto& p : packets_of(source)) recording.push(*p);
  recording.end();
  ASSERT_EQ(files.files.size(), 1u);
  st::TempDir dir("sg-flvrecord");
  const auto out = dir / "recorded.flv";
  write_bytes(out, files.files[0]->sink.bytes);

  EXPECT_EQ(st::decode_errors(out.string()), "");
  EXPECT_EQ(st::decode_errors(out.string(), {"-ss", "3"}), "") << "seeking to the middle";
  EXPECT_NEAR(format_duration(out), 6.0, 0.1);

  EXPECT_EQ(codecs_of(out), (std::set<std::string>{"h264", "aac"}));

  // Same packets as the source, in number and timing.
  const auto source_packets = st::probe_packets(source.string());
  const auto recorded_packets = st::probe_packets(out.string());
  ASSERT_EQ(recorded_packets.size(), source_packets.size());
  for (std::size_t i = 0; i < source_packets.size(); ++i) {
    EXPECT_EQ(recorded_packets[i].codec_type, source_packets[i].codec_type) << i;
    EXPECT_NEAR(recorded_packets[i].pts, source_packets[i].pts, 0.0015) << i;
    EXPECT_EQ(recorded_packets[i].keyframe, source_packets[i].keyframe) << i;
  }

  // The index names exactly the keyframes ffprobe finds.
  const std::set<std::uint64_t> indexed = indexed_positions(read_file(files.files[0]->sink.bytes));
  EXPECT_EQ(indexed, probed_keyframe_positions(out));
  EXPECT_EQ(indexed.size(), 3u);  // 0, 2, 4 s
}

TEST(RecordingWithFfmpeg, SegmentsEachDecodeAndTogetherHoldEveryPacket) {
  const auto source = st::test_media(source_spec());
  MemoryFiles files;
  RecordingOptions options;
  options.segments.max_duration = 2000ms;
  Recording recording(files, options);
  for (const auto& p : packets_of(source)) recording.push(*p);
  recording.end();
  ASSERT_EQ(files.files.size(), 3u);
  st::TempDir dir("sg-flvrecord-segments");
  std::size_t packets = 0;
  for (std::size_t i = 0; i < files.files.size(); ++i) {
    const auto out = dir / ("part" + std::to_string(i) + ".flv");
    write_bytes(out, files.files[i]->sink.bytes);
    // Keep the input time base: rescaling ms timestamps to 1/30 s relative to
    // an audio start half a frame off (17 ms here) makes ffmpeg's null muxer
    // report "non monotonically increasing dts" for frames whose packets are
    // fine; ffmpeg's own `-f segment` output of this source does the same.
    EXPECT_EQ(st::decode_errors(out.string(), {}, {"-enc_time_base:v", "-1"}), "")
        << "segment " << i;
    EXPECT_NEAR(format_duration(out), 2.0, 0.1) << "segment " << i;
    packets += st::probe_packets(out.string()).size();
  }
  EXPECT_EQ(packets, st::probe_packets(source.string()).size());
}

TEST(RecordingWithFfmpeg, TornRecordingRepairsToAPlayableFile) {
  const auto source = st::test_media(source_spec());
  MemorySink sink;
  FlvWriter writer(sink);
  Timeline timeline;
  for (const auto& p : packets_of(source)) writer.write(*p, timeline.map(*p).timestamp_ms);
  // The process is killed: no finish(), and the last write is cut short.
  Bytes torn(sink.bytes.begin(), sink.bytes.begin() + sink.bytes.size() * 6 / 10);
  const RepairPlan plan = plan_repair(torn);
  ASSERT_TRUE(plan.usable);
  ASSERT_TRUE(plan.rewrite);
  torn.resize(plan.truncate_to);
  apply_rewrite(torn, *plan.rewrite);
  st::TempDir dir("sg-flvrecord");
  const auto out = dir / "repaired.flv";
  write_bytes(out, torn);
  EXPECT_EQ(st::decode_errors(out.string()), "");
  EXPECT_NEAR(format_duration(out), plan.duration_ms / 1000.0, 0.01);
  EXPECT_GT(plan.duration_ms, 3000u);
}

}  // namespace
}  // namespace streamgate::flvrecord
