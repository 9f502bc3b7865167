// The muxer's input side: start-up, bad input, timestamp oddities, audio
// grouping, tracks appearing late, and garbage that must never produce a
// malformed packet.

#include <gtest/gtest.h>

#include "mux_harness.hpp"
#include "muxer.hpp"

namespace streamgate::mpegts {
namespace {

using namespace std::chrono_literals;
using test::make_packet;
using test::MuxHarness;
using test::StreamSpec;

constexpr std::uint64_t k27MHzPerMs = 27'000;

void expect_clean(const test::TsScan& scan) {
  EXPECT_TRUE(scan.errors.empty())
      << scan.errors.size() << " errors, first: " << scan.errors.front();
}

std::vector<PacketPtr> frames_of(const std::vector<PacketPtr>& packets, TrackKind kind) {
  std::vector<PacketPtr> out;
  for (const auto& p : packets)
    if (p->kind == kind && !p->config) out.push_back(p);
  return out;
}

TEST(MpegtsMuxerStart, HoldsAudioOnlyUntilTrackWaitThenFlushesInOrder) {
  MuxHarness mux;
  const auto source = test::make_stream(StreamSpec{.duration = 2s, .video = false});
  std::size_t pushed = 0;
  for (const auto& p : source) {
    mux.muxer.push(p);
    ++pushed;
    if (p->dts < 500ms) {
      EXPECT_TRUE(mux.units.empty()) << "emitted before the track wait at " << p->dts.count();
    }
    if (!mux.units.empty()) break;
  }
  ASSERT_FALSE(mux.units.empty());
  EXPECT_GE(source[pushed - 1]->dts, 500ms);
  EXPECT_EQ(mux.units.front().dts, 0us) << "held media comes out from the start";
}

TEST(MpegtsMuxerStart, AudioAndVideoConfigsStartAtOnce) {
  MuxHarness mux;
  const auto source = test::make_stream(StreamSpec{.duration = 1s});
  mux.muxer.push(source[0]);  // video config
  mux.muxer.push(source[1]);  // audio config
  mux.muxer.push(source[2]);  // first frame
  EXPECT_FALSE(mux.units.empty());
}

TEST(MpegtsMuxerStart, AudioTrackAppearingLateBumpsThePmtVersion) {
  auto video = test::make_stream(StreamSpec{.duration = 4s, .audio = false});
  auto audio = test::make_stream(StreamSpec{.start = 2s, .duration = 2s, .video = false});
  std::vector<PacketPtr> source = video;
  // the audio config and frames arrive 2 s in
  std::size_t at = 0;
  while (at < source.size() && (source[at]->config || source[at]->dts < 2s)) ++at;
  source.insert(source.begin() + static_cast<std::ptrdiff_t>(at), audio.begin(), audio.end());
  std::stable_sort(source.begin() + static_cast<std::ptrdiff_t>(at), source.end(),
                   [](const PacketPtr& a, const PacketPtr& b) {
                     return !a->config && !b->config ? a->dts < b->dts : a->config > b->config;
                   });
  MuxHarness mux;
  const auto scan = mux.run(source).scan();
  expect_clean(scan);
  ASSERT_TRUE(scan.pmt);
  EXPECT_EQ(scan.pmt->version, 1);
  EXPECT_EQ(scan.pmt->stream_types,
            (std::map<std::uint16_t, std::uint8_t>{{0x100, 0x1B}, {0x101, 0x0F}}));
  EXPECT_FALSE(scan.pes_on(0x101).empty());
}

TEST(MpegtsMuxerInput, FramesBeforeTheSequenceHeaderAreSkippedAndReportedOnce) {
  auto source = test::make_stream(StreamSpec{.duration = 3s, .audio = false});
  // move the config behind the first GOP, right before the second keyframe
  auto config = source.front();
  source.erase(source.begin());
  source.insert(source.begin() + 60, config);
  MuxHarness mux;
  const auto scan = mux.run(source).scan();
  expect_clean(scan);
  EXPECT_EQ(mux.count(MuxProblem::MissingConfig), 1u);
  EXPECT_EQ(mux.problems.size(), 1u);
  EXPECT_EQ(scan.pes_on(0x100).size(), 30u)
      << "output starts at the first keyframe after the config";
  EXPECT_EQ(mux.muxer.stats().frames_skipped, 60u);
}

TEST(MpegtsMuxerInput, MalformedSequenceHeaderSkipsVideoAndKeepsAudio) {
  auto source = test::make_stream(StreamSpec{.duration = 2s});
  source[0] = make_packet(TrackKind::Video, Codec::H264, 0us, 0us, false, true,
                          test::hex("01 64 00 1F FF E1 00 40 67"));
  MuxHarness mux;
  const auto scan = mux.run(source).scan();
  expect_clean(scan);
  EXPECT_EQ(mux.count(MuxProblem::BadConfig), 1u);
  EXPECT_EQ(mux.count(MuxProblem::MissingConfig), 1u);
  EXPECT_TRUE(scan.pes_on(0x100).empty());
  EXPECT_FALSE(scan.pes_on(0x101).empty());
}

TEST(MpegtsMuxerInput, NalLengthOverrunSkipsFramesUntilTheNextKeyframe) {
  auto source = test::make_stream(StreamSpec{.duration = 4s, .audio = false});
  // frame 10: its only NAL claims more bytes than the frame holds
  auto bad = test::video_frame(Codec::H264, false, 3000, 10);
  bad[0] = std::byte{0x7F};
  source[1 + 10] = make_packet(TrackKind::Video, Codec::H264, source[11]->dts, source[11]->pts,
                               false, false, bad);
  MuxHarness mux;
  const auto scan = mux.run(source).scan();
  expect_clean(scan);
  EXPECT_EQ(mux.count(MuxProblem::BadFrame), 1u);
  ASSERT_NE(mux.problems.front().second.find("overruns"), std::string::npos)
      << mux.problems.front().second;
  // frames 10..59 are lost (the rest of the GOP references the bad one)
  EXPECT_EQ(scan.pes_on(0x100).size(), 120u - 50u);
}

TEST(MpegtsMuxerInput, CodecsTsCannotCarryAreLeftOutAndReportedOnce) {
  auto source = test::make_stream(StreamSpec{.duration = 2s, .audio = false});
  for (MediaTime t = 0ms; t < 2s; t += 20ms)
    source.push_back(
        make_packet(TrackKind::Audio, Codec::Opus, t, t, true, false, test::filler(100)));
  MuxHarness mux;
  const auto scan = mux.run(source).scan();
  expect_clean(scan);
  EXPECT_EQ(mux.count(MuxProblem::UnsupportedCodec), 1u);
  ASSERT_TRUE(scan.pmt);
  EXPECT_EQ(scan.pmt->stream_types, (std::map<std::uint16_t, std::uint8_t>{{0x100, 0x1B}}));

  // AV1 video with AAC: an audio-only program, cut by audio keyframe units
  auto av1 = test::make_stream(StreamSpec{.duration = 2s, .video = false});
  av1.insert(av1.begin(),
             make_packet(TrackKind::Video, Codec::AV1, 0us, 0us, false, true, test::filler(20)));
  av1.push_back(
      make_packet(TrackKind::Video, Codec::AV1, 0us, 0us, true, false, test::filler(2000)));
  MuxHarness mux2;
  const auto scan2 = mux2.run(av1).scan();
  expect_clean(scan2);
  EXPECT_EQ(mux2.count(MuxProblem::UnsupportedCodec), 1u);
  EXPECT_EQ(scan2.pmt->stream_types, (std::map<std::uint16_t, std::uint8_t>{{0x101, 0x0F}}));
  EXPECT_TRUE(mux2.units.front().keyframe);
}

TEST(MpegtsMuxerInput, AacFrameTooLargeForAdtsIsSkipped) {
  auto source = test::make_stream(StreamSpec{.duration = 1s, .video = false});
  source.push_back(
      make_packet(TrackKind::Audio, Codec::AAC, 1s, 1s, true, false, test::filler(8185)));
  MuxHarness mux;
  const auto scan = mux.run(source).scan();
  expect_clean(scan);
  EXPECT_EQ(mux.count(MuxProblem::BadFrame), 1u);
  EXPECT_EQ(mux.muxer.stats().frames_skipped, 1u);
}

TEST(MpegtsMuxerTiming, TimestampsPast2To32Milliseconds) {
  // RTMP's 32-bit millisecond clock wraps here; the bus's does not, and the
  // 90 kHz clock wraps on its own schedule: the stream must stay continuous.
  const MediaTime start = std::chrono::milliseconds((std::int64_t{1} << 32) - 3000);
  MuxHarness mux;
  const auto source = test::make_stream(StreamSpec{.start = start, .duration = 6s});
  const auto scan = mux.run(source).scan();
  expect_clean(scan);
  EXPECT_EQ(scan.pcr_discontinuities, 0u);
  EXPECT_LE(scan.max_pcr_gap, 40 * k27MHzPerMs);
  const auto video = scan.pes_on(0x100);
  const auto frames = frames_of(source, TrackKind::Video);
  ASSERT_EQ(video.size(), frames.size());
  for (std::size_t i = 0; i < video.size(); ++i)
    EXPECT_EQ(*video[i]->pts, test::expected_90khz(frames[i]->pts));
}

TEST(MpegtsMuxerTiming, NinetyKilohertzWrapInTheMiddle) {
  // PTS = source + 700 ms crosses 2^33 ticks two seconds in
  const MediaTime wrap{95'443'717'689};
  const MediaTime start = wrap - 700ms - 2s;
  MuxHarness mux;
  const auto source = test::make_stream(StreamSpec{.start = start, .duration = 4s});
  const auto scan = mux.run(source).scan();
  expect_clean(scan);
  EXPECT_EQ(scan.pcr_discontinuities, 0u);
  EXPECT_LE(scan.max_pcr_gap, 40 * k27MHzPerMs);
  const auto video = scan.pes_on(0x100);
  ASSERT_EQ(video.size(), 120u);
  EXPECT_GT(*video[59]->pts, *video[60]->pts) << "wrapped";
  for (std::size_t i = 1; i < video.size(); ++i) {
    const std::uint64_t step =
        (*video[i]->pts - *video[i - 1]->pts) & ((std::uint64_t{1} << 33) - 1);
    EXPECT_NEAR(static_cast<double>(step), 3000.0, 1.0) << i;  // 1/30 s at 90 kHz, modulo 2^33
  }
}

TEST(MpegtsMuxerTiming, BackwardJumpIsAPcrDiscontinuity) {
  auto first = test::make_stream(StreamSpec{.start = 20s, .duration = 2s});
  auto second = test::make_stream(StreamSpec{.start = 5s, .duration = 2s});
  std::vector<PacketPtr> source = first;
  source.insert(source.end(), second.begin() + 2, second.end());  // frames only, same configs
  MuxHarness mux;
  const auto scan = mux.run(source).scan();
  expect_clean(scan);
  EXPECT_EQ(scan.pcr_discontinuities, 1u);
  EXPECT_EQ(mux.count(MuxProblem::TimestampJump), 1u);
  EXPECT_LE(scan.max_pcr_gap, 40 * k27MHzPerMs);
}

TEST(MpegtsMuxerTiming, ARepublishedStreamMarksTheSeamOnEveryPid) {
  // Two muxers back to back, as a consumer staying across a republish sees
  // them: the second restarts time and counters, and says so.
  MuxHarness first, second;
  first.run(test::make_stream(StreamSpec{.start = 30s, .duration = 2s}));
  second.muxer.mark_discontinuity();
  second.run(test::make_stream(StreamSpec{.duration = 2s}));
  auto bytes = first.bytes();
  const auto tail = second.bytes();
  bytes.insert(bytes.end(), tail.begin(), tail.end());
  const auto scan = test::scan_ts(bytes);
  expect_clean(scan);
  EXPECT_EQ(scan.pcr_discontinuities, 1u);
  // exactly one flagged packet per PID
  std::map<std::uint16_t, int> flagged;
  for (std::size_t at = 0; at < bytes.size(); at += 188) {
    const auto packet = std::span<const std::byte>(bytes).subspan(at, 188);
    const bool field = std::to_integer<unsigned>(packet[3]) & 0x20;
    if (field && std::to_integer<unsigned>(packet[4]) > 0 &&
        (std::to_integer<unsigned>(packet[5]) & 0x80))
      ++flagged[test::pid_of(packet)];
  }
  EXPECT_EQ(flagged,
            (std::map<std::uint16_t, int>{{0x0000, 1}, {0x1000, 1}, {0x100, 1}, {0x101, 1}}));
  // the second muxer's first PAT and PMT carry the flag in an adaptation field
  const auto second_scan = second.scan();
  expect_clean(second_scan);
  const auto head = second.units.front().packets.span();
  EXPECT_EQ(std::to_integer<unsigned>(head[3]) & 0x30, 0x30u);
  EXPECT_EQ(std::to_integer<unsigned>(head[5]), 0x80u);
  EXPECT_EQ(std::to_integer<unsigned>(head[188 + 5]), 0x80u);
  // without the mark the same splice is an error to an analyser
  MuxHarness unmarked;
  unmarked.run(test::make_stream(StreamSpec{.duration = 2s}));
  bytes = first.bytes();
  const auto unmarked_bytes = unmarked.bytes();
  bytes.insert(bytes.end(), unmarked_bytes.begin(), unmarked_bytes.end());
  EXPECT_FALSE(test::scan_ts(bytes).errors.empty());
}

TEST(MpegtsMuxerTiming, SmallBackwardDtsStepsAreClampedAndReportedOnce) {
  auto source = test::make_stream(StreamSpec{.duration = 2s, .audio = false});
  // frames 10 and 20 come 0.4 ms before their predecessors (rounded NVENC DTS)
  for (std::size_t i : {11u, 21u}) {
    auto copy = std::make_shared<MediaPacket>(*source[i]);
    copy->dts = source[i - 1]->dts - 400us;
    copy->pts = copy->dts;
    source[i] = copy;
  }
  MuxHarness mux;
  const auto scan = mux.run(source).scan();
  expect_clean(scan);
  EXPECT_EQ(mux.count(MuxProblem::TimestampsBackward), 1u);
  const auto video = scan.pes_on(0x100);
  ASSERT_EQ(video.size(), 60u);
  for (std::size_t i = 1; i < video.size(); ++i) {
    const auto dts = [](const test::ScannedPes* p) { return p->dts ? *p->dts : *p->pts; };
    EXPECT_GE(dts(video[i]), dts(video[i - 1])) << i;
  }
}

TEST(MpegtsMuxerGrouping, AudioGroupsNeverOvertakeVideo) {
  MuxHarness mux(MuxerConfig{.audio_group_frames = 4, .audio_group_delay = 200ms});
  const auto source = test::make_stream(StreamSpec{.duration = 3s});
  const auto scan = mux.run(source).scan();
  expect_clean(scan);
  const MediaTime frame = test::audio_frame_duration(Codec::AAC, 44100);
  std::uint64_t latest_video_dts = 0;
  std::size_t frames = 0;
  for (const auto& pes : scan.pes) {
    if (pes.pid == 0x100) {
      latest_video_dts = std::max(latest_video_dts, pes.dts ? *pes.dts : *pes.pts);
      continue;
    }
    const std::size_t n = test::count_adts_frames(pes.payload);
    ASSERT_GE(n, 1u);
    ASSERT_LE(n, 4u);
    frames += n;
    // the group's last frame is not older than video already written
    const std::uint64_t last_frame =
        *pes.pts + static_cast<std::uint64_t>((n - 1) * frame.count() * 9 / 100);
    EXPECT_GE(last_frame + 3000, latest_video_dts) << "audio held past a later video frame";
  }
  EXPECT_EQ(frames, frames_of(source, TrackKind::Audio).size());
}

TEST(MpegtsMuxerGrouping, AudioOnlyGroupsRespectTheDelayAndThePsiInterval) {
  MuxHarness mux(MuxerConfig{.audio_group_frames = 8, .audio_group_delay = 100ms});
  const auto source = test::make_stream(StreamSpec{.duration = 5s, .video = false});
  const auto scan = mux.run(source).scan();
  expect_clean(scan);
  std::size_t frames = 0;
  for (const auto* pes : scan.pes_on(0x101)) {
    const std::size_t n = test::count_adts_frames(pes->payload);
    EXPECT_LE(n, 5u) << "100 ms of 23.2 ms frames";
    frames += n;
  }
  EXPECT_EQ(frames, frames_of(source, TrackKind::Audio).size());
  EXPECT_LT(scan.pes_on(0x101).size(), frames / 3);
  EXPECT_LE(scan.max_pat_gap, 500 * k27MHzPerMs) << test::ms_27mhz(scan.max_pat_gap);
}

TEST(MpegtsMuxerGrouping, OneFramePerPesWhenDisabled) {
  MuxHarness mux(MuxerConfig{.audio_group_frames = 1});
  const auto source = test::make_stream(StreamSpec{.duration = 2s});
  const auto scan = mux.run(source).scan();
  for (const auto* pes : scan.pes_on(0x101)) EXPECT_EQ(test::count_adts_frames(pes->payload), 1u);
  EXPECT_EQ(scan.pes_on(0x101).size(), frames_of(source, TrackKind::Audio).size());
}

TEST(MpegtsMuxerInput, LostMediaWaitsForTheNextKeyframe) {
  const auto source = test::make_stream(StreamSpec{.duration = 4s, .audio = false});
  MuxHarness mux;
  for (std::size_t i = 0; i < source.size(); ++i) {
    if (i == 31) mux.muxer.lost_media();  // frames 30.. follow a loss
    mux.muxer.push(source[i]);
  }
  mux.muxer.flush();
  const auto scan = mux.scan();
  expect_clean(scan);
  EXPECT_EQ(scan.pes_on(0x100).size(), 120u - 30u);
  EXPECT_TRUE(mux.problems.empty()) << "a loss is not bad input";
}

TEST(MpegtsMuxerInput, GarbageNeverProducesAMalformedPacket) {
  // Random kinds, codecs, flags, timestamps and payloads, some with valid
  // headers: the output must stay a valid TS and nothing may crash.
  std::uint32_t seed = 12345;
  auto next = [&seed](std::uint32_t bound) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) % bound;
  };
  const Codec codecs[] = {Codec::H264, Codec::H265, Codec::AAC,
                          Codec::MP3,  Codec::Opus, Codec::AV1};
  MuxHarness mux;
  MediaTime t{0};
  for (int i = 0; i < 4000; ++i) {
    const Codec codec = codecs[next(6)];
    const bool video = codec == Codec::H264 || codec == Codec::H265 || codec == Codec::AV1;
    const bool config = next(10) == 0;
    std::vector<std::byte> payload;
    switch (next(4)) {
      case 0:
        payload = test::filler(next(3000), seed);
        break;
      case 1:
        payload = codec == Codec::H265 ? test::hevc_record() : test::avc_record();
        break;
      case 2:
        payload = test::video_frame(codec, next(2), 10 + next(5000), seed);
        break;
      default:
        payload = codec == Codec::MP3 ? test::mp3_frame(44100, 10 + next(500)) : test::hex("12 10");
        break;
    }
    if (!payload.empty() && next(3) == 0)
      payload.resize(next(static_cast<std::uint32_t>(payload.size())));
    t += MediaTime{static_cast<std::int64_t>(next(60'000)) - 10'000};
    mux.muxer.push(make_packet(video ? TrackKind::Video : TrackKind::Audio, codec, t,
                               t + MediaTime{next(100'000)}, next(5) == 0, config,
                               std::move(payload)));
  }
  mux.muxer.flush();
  const auto scan = mux.scan();
  expect_clean(scan);
  EXPECT_GT(scan.packets, 0u);
  for (const auto& unit : mux.units) EXPECT_EQ(unit.packets.size() % 188, 0u);
}

}  // namespace
}  // namespace streamgate::mpegts
