#include "segmenter.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <span>
#include <vector>

#include "ts_units.hpp"

namespace streamgate::hls {
namespace {

using test::ms;
using test::ts_unit;

// Feeds a segmenter; the wall clock follows the media clock unless a test moves it.
struct Harness {
  explicit Harness(SegmenterConfig config = {}) : segmenter(config) {}

  UnitStatus push(std::int64_t dts_ms, bool keyframe, SharedBytes payload = {}) {
    if (payload.empty()) payload = ts_unit(keyframe);
    last_payload = payload;
    auto result = segmenter.push(ms(dts_ms), keyframe, payload, wall + ms(dts_ms));
    if (result.completed) segments.push_back(std::move(*result.completed));
    return result.status;
  }
  void keep(std::optional<Segment> segment) {
    if (segment) segments.push_back(std::move(*segment));
  }
  // `count` units `step_ms` apart from `first_ms`; unit i is a keyframe when
  // (i + phase) is a multiple of `gop` (gop 0: no keyframes).
  void run(std::int64_t first_ms, std::int64_t step_ms, int count, int gop, int phase = 0) {
    for (int i = 0; i < count; ++i) push(first_ms + i * step_ms, gop > 0 && (i + phase) % gop == 0);
  }

  Segmenter segmenter;
  WallTime wall{std::chrono::seconds(1'700'000'000)};
  SharedBytes last_payload;
  std::vector<Segment> segments;
};

TEST(Segmenter, CutsAtTheFirstKeyframeAtOrAfterTheFragment) {
  Harness h;  // fragment 2 s
  // A keyframe every 38 frames of 40 ms: at 0, 1.52, 3.04, 4.56, 6.08, 7.60 s.
  h.run(0, 40, 200, 38);  // 25 fps, 200 frames up to 7.96 s
  ASSERT_EQ(h.segments.size(), 2u);
  // first keyframe at or after 2 s from 0 is 3.04; from 3.04 the first at or after 5.04 is 6.08
  EXPECT_EQ(h.segments[0].start_dts, ms(0));
  EXPECT_EQ(h.segments[0].duration, ms(3040));
  EXPECT_EQ(h.segments[1].start_dts, ms(3040));
  EXPECT_EQ(h.segments[1].duration, ms(3040));
  for (const auto& segment : h.segments) {
    EXPECT_EQ(segment.end_reason, CutReason::Fragment);
    EXPECT_TRUE(segment.starts_with_keyframe);
    EXPECT_FALSE(segment.discontinuity);
  }
}

TEST(Segmenter, AKeyframeExactlyAtTheFragmentCuts) {
  Harness h;
  h.run(0, 40, 151, 50);  // keyframes every 2.000 s: 0, 2, 4, 6
  ASSERT_EQ(h.segments.size(), 3u);
  for (const auto& segment : h.segments) EXPECT_EQ(segment.duration, ms(2000));
  EXPECT_EQ(h.segments[2].start_dts, ms(4000));
}

TEST(Segmenter, SegmentsHoldTheUnitsThemselvesInOrder) {
  Harness h;
  std::vector<SharedBytes> sent;
  for (int i = 0; i <= 50; ++i) {
    sent.push_back(ts_unit(i % 50 == 0, static_cast<std::uint8_t>(i), 2));
    h.push(i * 40, i % 50 == 0, sent.back());
  }
  ASSERT_EQ(h.segments.size(), 1u);
  const Segment& segment = h.segments[0];
  ASSERT_EQ(segment.parts.size(), 50u);  // units 0..49; unit 50 opens the next
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < 50; ++i) {
    EXPECT_TRUE(segment.parts[i].shares_storage_with(sent[i])) << i;  // no copy
    EXPECT_EQ(segment.parts[i].size(), sent[i].size());
    bytes += sent[i].size();
  }
  EXPECT_EQ(segment.bytes, bytes);
}

TEST(Segmenter, DropsUnitsUntilTheFirstKeyframe) {
  Harness h;
  EXPECT_EQ(h.push(0, false), UnitStatus::WaitingForKeyframe);
  EXPECT_EQ(h.push(40, false), UnitStatus::WaitingForKeyframe);
  const auto key = ts_unit(true, 7);
  EXPECT_EQ(h.push(80, true, key), UnitStatus::Accepted);
  h.run(120, 40, 49, 0);  // up to 2.04 s
  EXPECT_EQ(h.push(2080, true), UnitStatus::Accepted);
  ASSERT_EQ(h.segments.size(), 1u);
  EXPECT_EQ(h.segments[0].start_dts, ms(80));
  EXPECT_EQ(h.segments[0].duration, ms(2000));
  EXPECT_TRUE(h.segments[0].parts[0].shares_storage_with(key));
}

TEST(Segmenter, AudioOnlyStreamsAreCutByTime) {
  // AAC at 48 kHz: a frame every 1024/48000 s = 21.333 ms. The mpegts plugin
  // makes a unit a keyframe unit (PAT+PMT first) once 500 ms passed since the
  // last one: frames 0, 24, 48, ... (24 frames = 512 ms). The first keyframe
  // unit at or after 2 s is frame 96 (2.048 s), then frame 192 (4.096 s), ...
  Harness h;
  std::int64_t last_key_us = -1'000'000;
  for (int frame = 0; frame < 400; ++frame) {
    const std::int64_t dts_us = frame * 1024LL * 1'000'000 / 48'000;
    const bool key = dts_us - last_key_us >= 500'000;
    if (key) last_key_us = dts_us;
    auto result = h.segmenter.push(MediaTime(dts_us), key, ts_unit(key), h.wall + MediaTime(dts_us));
    ASSERT_EQ(result.status, UnitStatus::Accepted);
    if (result.completed) h.segments.push_back(std::move(*result.completed));
  }
  ASSERT_EQ(h.segments.size(), 4u);  // 400 frames = 8.533 s: cuts at 2.048, 4.096, 6.144, 8.192
  for (std::size_t i = 0; i < h.segments.size(); ++i) {
    EXPECT_EQ(h.segments[i].start_dts, ms(2048 * static_cast<std::int64_t>(i)));
    EXPECT_EQ(h.segments[i].duration, ms(2048));
    EXPECT_TRUE(h.segments[i].starts_with_keyframe);
  }
}

TEST(Segmenter, ForcesACutAtMaxFragmentAndPrefixesTheLatestPatPmt) {
  Harness h(SegmenterConfig{ms(2000), ms(6000), 64u << 20});
  const auto key = ts_unit(true, 1);
  h.push(0, true, key);
  h.run(40, 40, 149, 0);  // no keyframe up to 5.96 s
  ASSERT_TRUE(h.segments.empty());
  const auto forced = ts_unit(false, 2);
  h.push(6000, false, forced);
  ASSERT_EQ(h.segments.size(), 1u);
  EXPECT_EQ(h.segments[0].duration, ms(6000));
  EXPECT_EQ(h.segments[0].end_reason, CutReason::MaxDuration);

  h.push(6040, false);
  h.keep(h.segmenter.finish());
  ASSERT_EQ(h.segments.size(), 2u);
  const Segment& next = h.segments[1];
  EXPECT_FALSE(next.starts_with_keyframe);
  EXPECT_FALSE(next.discontinuity);  // same timeline: only the keyframe is missing
  EXPECT_EQ(next.start_dts, ms(6000));
  ASSERT_EQ(next.parts.size(), 3u);
  // The prefix is the first two packets (PAT, PMT) of the keyframe unit, not a copy.
  EXPECT_TRUE(next.parts[0].shares_storage_with(key));
  EXPECT_EQ(next.parts[0].data(), key.data());
  EXPECT_EQ(next.parts[0].size(), 376u);
  EXPECT_TRUE(next.parts[1].shares_storage_with(forced));
  EXPECT_EQ(next.bytes, 376u + 188u + 188u);
}

TEST(Segmenter, ForcesACutAtTheByteLimit) {
  Harness h(SegmenterConfig{ms(2000), ms(6000), 10 * 188});
  h.push(0, true, ts_unit(true, 0, 1));  // 3 packets
  h.run(40, 40, 7, 0);                   // 7 packets: 10 in all
  EXPECT_TRUE(h.segments.empty());
  h.push(320, false);  // an 11th packet would pass the limit
  ASSERT_EQ(h.segments.size(), 1u);
  EXPECT_EQ(h.segments[0].end_reason, CutReason::MaxBytes);
  EXPECT_EQ(h.segments[0].bytes, 10u * 188u);
  EXPECT_EQ(h.segments[0].duration, ms(320));
}

TEST(Segmenter, AForwardTimestampJumpEndsTheSegmentAndMarksTheNextDiscontinuous) {
  Harness h;
  h.run(0, 40, 30, 25);  // 0 .. 1.16 s
  // The encoder reconnects with timestamps an hour ahead, 40 ms later on the wall clock.
  const std::int64_t jump_ms = 3'600'000;
  h.wall -= ms(jump_ms - 1200);  // wall time of this unit = wall of 1.2 s
  h.push(jump_ms, true);
  ASSERT_EQ(h.segments.size(), 1u);
  EXPECT_EQ(h.segments[0].end_reason, CutReason::Jump);
  EXPECT_EQ(h.segments[0].duration, ms(1160 + 40));  // last unit + its spacing
  h.run(jump_ms + 40, 40, 50, 50, 1);  // the next keyframe 2 s after the jump
  ASSERT_EQ(h.segments.size(), 2u);
  EXPECT_TRUE(h.segments[1].discontinuity);
  EXPECT_EQ(h.segments[1].start_dts, ms(jump_ms));
  EXPECT_EQ(h.segments[1].duration, ms(2000));
}

TEST(Segmenter, ABackwardTimestampJumpEndsTheSegment) {
  Harness h;
  h.run(10'000, 40, 60, 25);  // 10.0 .. 12.36 s: a cut at 12.0 s
  ASSERT_EQ(h.segments.size(), 1u);
  h.push(500, false);  // back to 0.5 s: not a keyframe, opens with the PAT+PMT prefix
  ASSERT_EQ(h.segments.size(), 2u);
  EXPECT_EQ(h.segments[1].end_reason, CutReason::Jump);
  EXPECT_EQ(h.segments[1].duration, ms(360 + 40));
  h.keep(h.segmenter.finish());
  ASSERT_EQ(h.segments.size(), 3u);
  EXPECT_TRUE(h.segments[2].discontinuity);
  EXPECT_FALSE(h.segments[2].starts_with_keyframe);
  EXPECT_EQ(h.segments[2].parts.size(), 2u);  // prefix + unit
}

TEST(Segmenter, ToleratesSmallBackwardSteps) {
  // NVENC with B-frames: DTS steps back by a fraction of a millisecond.
  Harness h;
  for (int i = 0; i <= 50; ++i) {
    const MediaTime dts = i % 7 == 3 ? ms((i - 1) * 40) - MediaTime(500) : ms(i * 40);
    auto result = h.segmenter.push(dts, i % 50 == 0, ts_unit(i % 50 == 0), h.wall + ms(i * 40));
    EXPECT_EQ(result.status, UnitStatus::Accepted);
    if (result.completed) h.segments.push_back(*result.completed);
  }
  ASSERT_EQ(h.segments.size(), 1u);
  EXPECT_EQ(h.segments[0].end_reason, CutReason::Fragment);
  EXPECT_EQ(h.segments[0].duration, ms(2000));
}

TEST(Segmenter, APauseThatFollowsTheWallClockIsNotAJump) {
  Harness h;  // the harness' wall clock moves with the media clock
  h.run(0, 40, 25, 25);          // 0 .. 0.96 s
  h.run(4000, 40, 51, 50);       // the encoder paused for 3 s; keyframes at 4.0 and 6.0 s
  ASSERT_EQ(h.segments.size(), 2u);
  EXPECT_EQ(h.segments[0].end_reason, CutReason::Fragment);
  EXPECT_EQ(h.segments[0].duration, ms(4000));  // the pause is inside the segment
  EXPECT_FALSE(h.segments[1].discontinuity);
}

TEST(Segmenter, AForwardStepTheWallClockDoesNotExplainIsAJump) {
  Harness h;
  h.run(0, 40, 25, 25);  // 0 .. 0.96 s
  h.wall -= ms(3000);    // the next unit is 3 s ahead in media time but only 40 ms on the wall
  h.push(4000, true);
  h.keep(h.segmenter.finish());
  ASSERT_EQ(h.segments.size(), 2u);
  EXPECT_EQ(h.segments[0].end_reason, CutReason::Jump);
  EXPECT_EQ(h.segments[0].duration, ms(1000));
  EXPECT_TRUE(h.segments[1].discontinuity);
  EXPECT_EQ(h.segments[1].start_dts, ms(4000));
}

TEST(Segmenter, AGapLongerThanMaxFragmentIsAlwaysADiscontinuity) {
  Harness h(SegmenterConfig{ms(2000), ms(6000), 64u << 20});
  h.run(0, 40, 25, 25);
  h.push(8000, true);  // 7 s later, on the wall clock too
  h.keep(h.segmenter.finish());
  ASSERT_EQ(h.segments.size(), 2u);
  EXPECT_EQ(h.segments[0].end_reason, CutReason::Jump);
  EXPECT_EQ(h.segments[0].duration, ms(1000));
  EXPECT_TRUE(h.segments[1].discontinuity);
}

TEST(Segmenter, ARepublishEndsTheSegmentAndWaitsForTheNewPublishersKeyframe) {
  Harness h;
  EXPECT_FALSE(h.segmenter.begin_publish(false));  // first publish
  h.run(0, 40, 75, 50);                            // a cut at 2 s, then 2.0 .. 2.96 s open
  ASSERT_EQ(h.segments.size(), 1u);
  h.keep(h.segmenter.begin_publish(true));
  ASSERT_EQ(h.segments.size(), 2u);
  EXPECT_EQ(h.segments[1].end_reason, CutReason::Republish);
  EXPECT_EQ(h.segments[1].duration, ms(960 + 40));

  // The new publisher starts its clock at 0 again, mid-GOP first.
  EXPECT_EQ(h.push(0, false), UnitStatus::WaitingForKeyframe);
  h.run(40, 40, 51, 50);
  ASSERT_EQ(h.segments.size(), 3u);
  EXPECT_TRUE(h.segments[2].discontinuity);
  EXPECT_TRUE(h.segments[2].starts_with_keyframe);
  EXPECT_EQ(h.segments[2].start_dts, ms(40));
  EXPECT_EQ(h.segments[2].duration, ms(2000));
}

TEST(Segmenter, ARepublishBeforeAnySegmentIsNoDiscontinuity) {
  Harness h;
  h.push(0, false);  // nothing usable from the first publisher
  EXPECT_FALSE(h.segmenter.begin_publish(true));
  h.run(0, 40, 51, 50);
  ASSERT_EQ(h.segments.size(), 1u);
  EXPECT_FALSE(h.segments[0].discontinuity);
}

TEST(Segmenter, FinishReturnsTheOpenSegmentEndingAfterItsLastUnit) {
  Harness h;
  h.run(0, 40, 30, 50);
  auto last = h.segmenter.finish();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->end_reason, CutReason::End);
  EXPECT_EQ(last->duration, ms(29 * 40 + 40));
  EXPECT_FALSE(h.segmenter.has_open_segment());
  EXPECT_FALSE(h.segmenter.finish());
}

TEST(Segmenter, ASingleUnitSegmentStillHasADuration) {
  Harness h;
  h.push(0, true);
  auto last = h.segmenter.finish();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->duration, ms(1));  // no spacing known: the 1 ms floor, never EXTINF:0.000
}

TEST(Segmenter, LostMediaEndsTheSegmentAndMarksTheNextDiscontinuous) {
  Harness h;
  h.run(0, 40, 30, 50);
  h.keep(h.segmenter.lost_media());
  h.run(3000, 40, 51, 50);
  ASSERT_EQ(h.segments.size(), 2u);
  EXPECT_EQ(h.segments[0].end_reason, CutReason::MediaLost);
  EXPECT_TRUE(h.segments[1].discontinuity);
  EXPECT_EQ(h.segments[1].start_dts, ms(3000));
}

TEST(Segmenter, RefusesMalformedUnits) {
  Harness h;
  h.push(0, true);
  const auto good = ts_unit(false);
  // Not a whole number of packets.
  EXPECT_EQ(h.push(40, false, good.slice(0, 187)), UnitStatus::Malformed);
  EXPECT_EQ(h.push(40, false, SharedBytes::concat(std::vector<std::span<const std::byte>>{
                                  good.span(), good.span().first(100)})),
            UnitStatus::Malformed);
  // A lost sync byte in the second packet.
  ByteBuffer broken(376);
  std::memcpy(broken.data(), good.data(), 188);
  std::memcpy(broken.data() + 188, good.data(), 188);
  broken.data()[188] = std::byte{0x46};
  EXPECT_EQ(h.push(40, false, std::move(broken).freeze()), UnitStatus::Malformed);
  // A keyframe unit that does not open with a PAT (PID 0).
  EXPECT_EQ(h.push(40, true, ts_unit(false, 0, 3)), UnitStatus::Malformed);
  // A keyframe unit too short to hold PAT and PMT.
  EXPECT_EQ(h.push(40, true, ts_unit(true).slice(0, 188)), UnitStatus::Malformed);
  auto last = h.segmenter.finish();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->parts.size(), 1u);  // only the first unit
}


// Whatever the input, every segment is whole TS packets opening with a PAT,
// has a positive duration, and only real units end up in it.
TEST(Segmenter, RandomInputKeepsTheInvariants) {
  std::uint64_t state = 99;
  auto next = [&](std::uint64_t bound) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % bound;
  };
  for (int round = 0; round < 20; ++round) {
    Segmenter segmenter(SegmenterConfig{ms(2000), ms(6000), 40 * 188});
    std::vector<Segment> segments;
    auto keep = [&](std::optional<Segment> segment) {
      if (segment) segments.push_back(std::move(*segment));
    };
    MediaTime dts{0};
    WallTime wall{std::chrono::seconds(1'000'000)};
    for (int i = 0; i < 3000; ++i) {
      switch (next(100)) {
        case 0: dts -= ms(static_cast<std::int64_t>(next(20'000))); break;          // backwards
        case 1: dts += ms(static_cast<std::int64_t>(next(20'000))); break;          // forwards
        case 2: wall += ms(static_cast<std::int64_t>(next(5'000))); break;          // a pause
        case 3: keep(segmenter.begin_publish(next(2) == 0)); break;
        case 4: keep(segmenter.lost_media()); break;
        case 5: keep(segmenter.finish()); break;
        default: break;
      }
      const auto step = ms(static_cast<std::int64_t>(next(80)));
      dts += step;
      wall += step;
      const bool key = next(30) == 0;
      SharedBytes payload = ts_unit(key, 0, 1 + next(3));
      if (next(50) == 0) payload = payload.slice(0, next(payload.size()));  // torn
      auto result = segmenter.push(dts, key, payload, wall);
      keep(std::move(result.completed));
    }
    keep(segmenter.finish());
    ASSERT_FALSE(segments.empty());
    EXPECT_FALSE(segments.front().discontinuity);
    for (const auto& segment : segments) {
      ASSERT_FALSE(segment.parts.empty());
      std::size_t bytes = 0;
      for (const auto& part : segment.parts) {
        ASSERT_EQ(part.size() % 188, 0u);
        for (std::size_t at = 0; at < part.size(); at += 188) ASSERT_EQ(part[at], std::byte{0x47});
        bytes += part.size();
      }
      EXPECT_EQ(bytes, segment.bytes);
      const auto& first = segment.parts.front();
      EXPECT_EQ(std::to_integer<int>(first[1]) & 0x1f, 0);  // PID 0: a PAT
      EXPECT_EQ(std::to_integer<int>(first[2]), 0);
      EXPECT_GE(segment.duration, ms(1));
      EXPECT_LE(segment.bytes, 40u * 188u + 376u);  // the byte limit, plus a PAT/PMT prefix
    }
  }
}

}  // namespace
}  // namespace streamgate::hls
