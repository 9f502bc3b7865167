// The recorder adapter, fed through the core's LocalBus with H.264 (B-frames)
// + AAC made by ffmpeg, judged by ffprobe and a clean ffmpeg decode.

#include <gtest/gtest.h>

#include "ffmpeg_checks.hpp"
#include "recorder_fixture.hpp"

namespace streamgate::flvrecord {
namespace {

using namespace test;

// Pushes the source's packets with DTS in [from_ms, to_ms); configs and
// metadata (DTS 0) go with the first call.
std::size_t push_source(Publisher& publisher,
                        const std::vector<std::shared_ptr<MediaPacket>>& packets,
                        std::int64_t from_ms, std::int64_t to_ms) {
  std::size_t frames = 0;
  for (const auto& p : packets) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(p->dts).count();
    const bool side = p->config || p->kind == TrackKind::Data;
    if (side ? from_ms != 0 : (ms < from_ms || ms >= to_ms)) continue;
    publisher.push(p);
    frames += side ? 0 : 1;
  }
  return frames;
}

TEST_F(RecorderTest, ARecordingOfFfmpegMediaPlaysSeeksAndKeepsBothTracks) {
  const auto source = st::test_media(source_spec());
  start();
  auto publisher = publish("cam");
  push_source(*publisher, packets_of(source), 0, INT64_MAX);
  publisher->end();
  recorder->sync();

  const auto file = root() / "live/cam.flv";
  ASSERT_TRUE(std::filesystem::exists(file)) << host.log();
  EXPECT_EQ(codecs_of(file), (std::set<std::string>{"h264", "aac"}));
  EXPECT_NEAR(format_duration(file), format_duration(source), 0.3);
  EXPECT_EQ(st::decode_errors(file.string()), "");
  EXPECT_EQ(st::probe_packets(file.string()).size(), st::probe_packets(source.string()).size());

  // The index names exactly the keyframes, and a seek lands on one of them.
  const std::set<std::uint64_t> indexed = indexed_positions(read("live/cam.flv"));
  EXPECT_EQ(indexed, probed_keyframe_positions(file));
  const auto after_seek = probed_video_packets(file, 3.0);
  ASSERT_FALSE(after_seek.empty());
  EXPECT_TRUE(after_seek.front().keyframe);
  EXPECT_TRUE(indexed.contains(after_seek.front().pos)) << after_seek.front().pos;
  EXPECT_EQ(st::decode_errors(file.string(), {"-ss", "3"}), "");
}

TEST_F(RecorderTest, WhatACrashLeavesRepairsToEverythingFlushed) {
  const auto source = st::test_media(source_spec());
  const auto packets = packets_of(source);
  config.flush_interval = 200ms;
  start();
  auto publisher = publish("cam");
  push_source(*publisher, packets, 0, 3000);
  recorder->sync();
  std::this_thread::sleep_for(600ms);  // three flush intervals
  // What a kill -9 leaves: the flushed .part, here with a torn tag after it
  // (a write cut short).
  Bytes left = read_bytes(root() / "live/cam.flv.part");
  const std::size_t flushed = left.size();
  const Bytes torn_tag = streamgate::test::hex("09 00 10 00 00 0B B8 00 00 00 00 17 01 00 00");
  left.insert(left.end(), torn_tag.begin(), torn_tag.end());
  recorder->stop();
  recorder.reset();

  config.root = dir.path() / "after-crash";
  write_bytes(root() / "live/cam.flv.part", left);
  start();  // repairs at start-up
  const auto file = root() / "live/cam.flv";
  ASSERT_TRUE(std::filesystem::exists(file)) << host.log();
  EXPECT_EQ(std::filesystem::file_size(file), flushed);
  EXPECT_EQ(st::decode_errors(file.string()), "");
  // Every frame pushed before the flush is there.
  std::size_t source_frames = 0;
  for (const auto& p : st::probe_packets(source.string())) source_frames += p.dts < 3.0;
  EXPECT_EQ(st::probe_packets(file.string()).size(), source_frames);
  EXPECT_NEAR(format_duration(file), 3.0, 0.1);
}

}  // namespace
}  // namespace streamgate::flvrecord
