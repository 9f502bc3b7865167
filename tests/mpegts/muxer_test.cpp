// The muxer's output as a stream analyser sees it: timing (PCR, PSI
// repetition, PTS/DTS), the unit contract with the HLS packager, tracks.

#include "muxer.hpp"

#include <gtest/gtest.h>

#include "mux_harness.hpp"

namespace streamgate::mpegts {
namespace {

using namespace std::chrono_literals;
using test::MuxHarness;
using test::StreamSpec;

constexpr std::uint64_t k27MHzPerMs = 27'000;

void expect_clean(const test::TsScan& scan) {
  EXPECT_TRUE(scan.errors.empty())
      << scan.errors.size() << " errors, first: " << scan.errors.front();
}

TEST(MpegtsMuxer, AudioVideoStreamIsCleanForAnAnalyser) {
  MuxHarness mux;
  const auto source = test::make_stream(StreamSpec{});
  const auto scan = mux.run(source).scan();
  expect_clean(scan);
  ASSERT_TRUE(scan.pmt);
  EXPECT_EQ(scan.pmt->pcr_pid, 0x100);
  EXPECT_EQ(scan.pmt->stream_types,
            (std::map<std::uint16_t, std::uint8_t>{{0x100, 0x1B}, {0x101, 0x0F}}));
  EXPECT_EQ(scan.pmt_pid, 0x1000);
  // TR 101 290: PCR repetition <= 40 ms; PAT/PMT at least every 500 ms
  EXPECT_LE(scan.max_pcr_gap, 40 * k27MHzPerMs) << test::ms_27mhz(scan.max_pcr_gap) << " ms";
  EXPECT_LE(scan.max_pat_gap, 500 * k27MHzPerMs) << test::ms_27mhz(scan.max_pat_gap) << " ms";
  EXPECT_EQ(scan.pat_count, scan.pmt_count);
  EXPECT_GE(scan.pat_count, 10u * 1000 / 500);

  // every frame arrives: 300 video PES, every AAC frame as one ADTS frame
  const auto video = scan.pes_on(0x100);
  const auto audio = scan.pes_on(0x101);
  EXPECT_EQ(video.size(), 300u);
  std::size_t adts_frames = 0;
  for (const auto* pes : audio) adts_frames += test::count_adts_frames(pes->payload);
  std::size_t source_audio = 0;
  for (const auto& p : source) source_audio += p->kind == TrackKind::Audio && !p->config;
  EXPECT_EQ(adts_frames, source_audio);
  for (const auto* pes : video) EXPECT_EQ(pes->stream_id, 0xE0);
  for (const auto* pes : audio) EXPECT_EQ(pes->stream_id, 0xC0);
}

TEST(MpegtsMuxer, PtsAndDtsAreSourceTimePlusTheDecoderDelay) {
  StreamSpec spec;
  spec.composition_offset = 66'667us;  // B-frame style: pts ahead of dts
  spec.start = 5s;
  MuxHarness mux;
  const auto source = test::make_stream(spec);
  const auto scan = mux.run(source).scan();
  expect_clean(scan);
  std::vector<PacketPtr> video_frames;
  for (const auto& p : source)
    if (p->kind == TrackKind::Video && !p->config) video_frames.push_back(p);
  const auto video = scan.pes_on(0x100);
  ASSERT_EQ(video.size(), video_frames.size());
  for (std::size_t i = 0; i < video.size(); ++i) {
    ASSERT_TRUE(video[i]->pts && video[i]->dts) << i;
    EXPECT_EQ(*video[i]->pts, test::expected_90khz(video_frames[i]->pts)) << i;
    EXPECT_EQ(*video[i]->dts, test::expected_90khz(video_frames[i]->dts)) << i;
  }
  // audio: pts == dts, so no DTS field; the first audio PES starts at the source start
  const auto audio = scan.pes_on(0x101);
  ASSERT_FALSE(audio.empty());
  EXPECT_FALSE(audio[0]->dts);
  EXPECT_EQ(*audio[0]->pts, test::expected_90khz(spec.start));
}

TEST(MpegtsMuxer, EveryPesReachesTheDecoderBeforeItsDts) {
  MuxHarness mux;
  const auto scan = mux.run(test::make_stream(StreamSpec{})).scan();
  // the PCR in force when a PES starts must not be past its DTS (buffer
  // underflow), and not more than the delay plus interleaving ahead of it
  std::size_t next_pcr = 0;
  std::optional<std::uint64_t> pcr;
  for (const auto& pes : scan.pes) {
    while (next_pcr < scan.pcrs.size() && scan.pcrs[next_pcr].first <= pes.first_packet)
      pcr = scan.pcrs[next_pcr++].second;
    ASSERT_TRUE(pcr) << "PES before any PCR";
    const std::uint64_t dts_27mhz = (pes.dts ? *pes.dts : *pes.pts) * 300;
    EXPECT_LE(*pcr, dts_27mhz) << "PES at packet " << pes.first_packet;
    EXPECT_LE(dts_27mhz - *pcr, 800 * k27MHzPerMs) << "PES at packet " << pes.first_packet;
  }
}

TEST(MpegtsMuxer, KeyframeUnitsOpenWithPatPmtAndTheVideoKeyframe) {
  MuxHarness mux;
  const auto source = test::make_stream(StreamSpec{});
  mux.run(source);
  std::vector<MediaTime> keyframes;
  for (const auto& p : source)
    if (p->kind == TrackKind::Video && p->keyframe && !p->config) keyframes.push_back(p->dts);
  std::vector<MediaTime> keyframe_units;
  for (const auto& unit : mux.units) {
    ASSERT_EQ(unit.packets.size() % 188, 0u);
    if (!unit.keyframe) continue;
    keyframe_units.push_back(unit.dts);
    const auto bytes = unit.packets.span();
    ASSERT_GE(bytes.size(), 3 * 188u);
    EXPECT_EQ(test::pid_of(bytes.subspan(0)), 0x0000);
    EXPECT_EQ(test::pid_of(bytes.subspan(188)), 0x1000);
    EXPECT_EQ(test::pid_of(bytes.subspan(376)), 0x0100);
    EXPECT_EQ(unit.track, TrackKind::Video);
    // the video PES: PUSI, adaptation field with random_access_indicator and PCR
    EXPECT_EQ(std::to_integer<unsigned>(bytes[376 + 1]) & 0x40, 0x40u);
    EXPECT_EQ(std::to_integer<unsigned>(bytes[376 + 3]) & 0x20, 0x20u);
    EXPECT_EQ(std::to_integer<unsigned>(bytes[376 + 5]) & 0x50, 0x50u);
    // exactly one PAT and one PMT: nothing else on those PIDs in the unit
    for (std::size_t at = 2 * 188; at < bytes.size(); at += 188)
      EXPECT_NE(test::pid_of(bytes.subspan(at)), 0x0000);
  }
  EXPECT_EQ(keyframe_units, keyframes);
  // and no random access point is missed: RAI only on keyframe PES
  std::size_t rai = 0;
  const auto scan = mux.scan();
  for (const auto* pes : scan.pes_on(0x100)) rai += pes->random_access;
  EXPECT_EQ(rai, keyframes.size());
}

TEST(MpegtsMuxer, UnitsCarrySourceTimingOfTheirFirstAccessUnit) {
  test::MuxHarness mux(MuxerConfig{.audio_group_frames = 1});
  const auto source = test::make_stream(StreamSpec{.duration = 2s});
  mux.run(source);
  std::vector<std::pair<MediaTime, MediaTime>> frames, units;
  for (const auto& p : source)
    if (!p->config) frames.emplace_back(p->dts, p->pts);
  for (const auto& unit : mux.units) units.emplace_back(unit.dts, unit.pts);
  EXPECT_EQ(units, frames) << "one unit per access unit, in publish order, with its times";
}

TEST(MpegtsMuxer, AudioOnlyHasKeyframeUnitsAtLeastEvery500ms) {
  MuxHarness mux;
  const auto scan = mux.run(test::make_stream(StreamSpec{.video = false})).scan();
  expect_clean(scan);
  ASSERT_TRUE(scan.pmt);
  EXPECT_EQ(scan.pmt->pcr_pid, 0x101);
  EXPECT_EQ(scan.pmt->stream_types, (std::map<std::uint16_t, std::uint8_t>{{0x101, 0x0F}}));
  EXPECT_LE(scan.max_pcr_gap, 100 * k27MHzPerMs) << test::ms_27mhz(scan.max_pcr_gap) << " ms";
  EXPECT_LE(scan.max_pat_gap, 500 * k27MHzPerMs) << test::ms_27mhz(scan.max_pat_gap) << " ms";
  ASSERT_FALSE(mux.units.empty());
  EXPECT_TRUE(mux.units.front().keyframe);
  std::optional<MediaTime> last;
  for (const auto& unit : mux.units) {
    if (!unit.keyframe) continue;
    const auto bytes = unit.packets.span();
    EXPECT_EQ(test::pid_of(bytes.subspan(0)), 0x0000);
    EXPECT_EQ(test::pid_of(bytes.subspan(188)), 0x1000);
    EXPECT_EQ(test::pid_of(bytes.subspan(376)), 0x0101);
    EXPECT_EQ(std::to_integer<unsigned>(bytes[376 + 5]) & 0x40, 0x40u) << "random_access_indicator";
    if (last) {
      EXPECT_LE(unit.dts - *last, 500ms);
    }
    last = unit.dts;
  }
  EXPECT_GE(mux.units.back().dts - *last, 0us);
  EXPECT_LE(mux.units.back().dts - *last, 500ms);
}

TEST(MpegtsMuxer, VideoOnly) {
  MuxHarness mux;
  const auto scan = mux.run(test::make_stream(StreamSpec{.audio = false})).scan();
  expect_clean(scan);
  ASSERT_TRUE(scan.pmt);
  EXPECT_EQ(scan.pmt->stream_types, (std::map<std::uint16_t, std::uint8_t>{{0x100, 0x1B}}));
  EXPECT_LE(scan.max_pcr_gap, 40 * k27MHzPerMs);
  EXPECT_LE(scan.max_pat_gap, 500 * k27MHzPerMs);
  std::size_t keyframe_units = 0;
  for (const auto& unit : mux.units) keyframe_units += unit.keyframe;
  EXPECT_EQ(keyframe_units, 5u);
}

TEST(MpegtsMuxer, LowFrameRateVideoGetsPcrOnlyPacketsBetweenFrames) {
  MuxHarness mux;
  const auto scan = mux.run(test::make_stream(StreamSpec{.fps = 10, .gop = 20})).scan();
  expect_clean(scan);
  EXPECT_GT(scan.pcr_only_packets, 0u);
  // 100 ms between frames: PCR-only packets go out with audio units (grouped
  // up to 40 ms) once 40 ms passed, so gaps stay within 40 ms + one unit
  EXPECT_LE(scan.max_pcr_gap, (40 + 47) * k27MHzPerMs) << test::ms_27mhz(scan.max_pcr_gap) << " ms";
}

TEST(MpegtsMuxer, HevcIsStreamType0x24WithParameterSetsBeforeIrap) {
  MuxHarness mux;
  const auto scan = mux.run(test::make_stream(StreamSpec{.video_codec = Codec::H265})).scan();
  expect_clean(scan);
  ASSERT_TRUE(scan.pmt);
  EXPECT_EQ(scan.pmt->stream_types.at(0x100), 0x24);
  const auto video = scan.pes_on(0x100);
  ASSERT_EQ(video.size(), 300u);
  // AUD (type 35), then VPS (0x40 0x01) on the first picture, an IRAP
  const auto prefix = test::hex("00 00 00 01 46 01 50 00 00 00 01 40 01 0C");
  ASSERT_GE(video[0]->payload.size(), prefix.size());
  EXPECT_TRUE(std::equal(prefix.begin(), prefix.end(), video[0]->payload.begin()));
  const auto aud_only = test::hex("00 00 00 01 46 01 50 00 00 00 01 02 01");
  EXPECT_TRUE(std::equal(aud_only.begin(), aud_only.end(), video[1]->payload.begin()));
}

TEST(MpegtsMuxer, H264AccessUnitsAreAnnexBWithAudAndParameterSetsBeforeIdr) {
  MuxHarness mux;
  const auto scan = mux.run(test::make_stream(StreamSpec{.duration = 3s})).scan();
  const auto video = scan.pes_on(0x100);
  ASSERT_EQ(video.size(), 90u);
  const auto idr = test::hex(
      "00 00 00 01 09 F0 | 00 00 00 01 67 64 00 1F | 00 00 00 01 68 EE 3C | 00 00 00 01 65");
  const auto inter = test::hex("00 00 00 01 09 F0 | 00 00 00 01 41");
  for (std::size_t i = 0; i < video.size(); ++i) {
    const auto& expected = i % 60 == 0 ? idr : inter;
    ASSERT_GE(video[i]->payload.size(), expected.size());
    EXPECT_TRUE(std::equal(expected.begin(), expected.end(), video[i]->payload.begin()))
        << "frame " << i;
  }
}

TEST(MpegtsMuxer, Mp3StreamTypeFollowsTheMpegVersion) {
  for (auto [rate, type] : {std::pair{44100u, 0x03}, std::pair{22050u, 0x04}}) {
    MuxHarness mux;
    StreamSpec spec{
        .video = false, .audio_codec = Codec::MP3, .sample_rate = rate, .audio_frame_bytes = 417};
    const auto source = test::make_stream(spec);
    const auto scan = mux.run(source).scan();
    expect_clean(scan);
    ASSERT_TRUE(scan.pmt) << rate;
    EXPECT_EQ(scan.pmt->stream_types.at(0x101), type) << rate;
    std::size_t bytes = 0;
    for (const auto* pes : scan.pes_on(0x101)) bytes += pes->payload.size();
    EXPECT_EQ(bytes, 417 * (source.size())) << "MP3 frames pass through unchanged";
    EXPECT_TRUE(mux.problems.empty());
  }
}

}  // namespace
}  // namespace streamgate::mpegts
