// Timeline: file timestamps start at 0 (or the append offset), never go
// negative, stay monotonic per track, and jumps are folded away.

#include "timeline.hpp"

#include <gtest/gtest.h>

#include "memory_files.hpp"

namespace streamgate::flvrecord {
namespace {

using namespace test;

TEST(Timeline, StartsAtZeroAndKeepsSpacing) {
  Timeline t;
  EXPECT_EQ(t.map(video(90'000, true)).timestamp_ms, 0u);
  EXPECT_EQ(t.map(audio(90'010)).timestamp_ms, 10u);
  EXPECT_EQ(t.map(video(90'040, false)).timestamp_ms, 40u);
  EXPECT_EQ(t.map(audio(90'033)).timestamp_ms,
            33u);  // audio behind video: its own track is monotonic
  EXPECT_EQ(t.clamps(), 0u);
  EXPECT_EQ(t.folds(), 0u);
}

TEST(Timeline, SubMillisecondDtsUseTheMillisecondTheyFallIn) {
  Timeline t;
  MediaPacket p = video(0, true);
  p.dts = std::chrono::microseconds(1'999);
  EXPECT_EQ(t.map(p).timestamp_ms, 0u);
  p.dts = std::chrono::microseconds(35'400);
  EXPECT_EQ(t.map(p).timestamp_ms, 34u);
}

TEST(Timeline, SmallBackwardStepsAreClampedAndReportedOnce) {
  // OBS + NVENC with B-frames: DTS 1 ms backwards after rounding.
  Timeline t;
  t.map(video(1000, true));
  t.map(video(1033, false));
  Stamp back = t.map(video(1032, false));
  EXPECT_EQ(back.timestamp_ms, 33u);  // held at the last timestamp
  EXPECT_TRUE(back.clamped);
  EXPECT_TRUE(back.first_clamp);
  EXPECT_FALSE(back.folded);
  Stamp again = t.map(video(1060, false));
  EXPECT_EQ(again.timestamp_ms, 60u);
  Stamp back2 = t.map(video(1050, false));
  EXPECT_TRUE(back2.clamped);
  EXPECT_FALSE(back2.first_clamp);  // logged once per timeline
  EXPECT_EQ(back2.timestamp_ms, 60u);
  EXPECT_EQ(t.clamps(), 2u);
}

TEST(Timeline, ForwardJumpIsFoldedForEveryTrack) {
  Timeline t;
  for (int i = 0; i < 5; ++i) {
    t.map(video(i * 40, i == 0));
    t.map(audio(i * 40 + 5));
  }
  // The encoder's clock jumps an hour ahead (e.g. a reconnect).
  const std::int64_t jump = 3'600'000;
  Stamp v = t.map(video(200 + jump, true));
  EXPECT_TRUE(v.folded);
  EXPECT_EQ(v.timestamp_ms, 200u);  // one frame spacing after 160
  EXPECT_EQ(v.jump_ms, jump);
  Stamp a = t.map(audio(205 + jump));
  EXPECT_FALSE(a.folded);  // the shared offset already moved
  EXPECT_EQ(a.timestamp_ms, 205u);
  EXPECT_EQ(t.map(video(240 + jump, false)).timestamp_ms, 240u);
  EXPECT_EQ(t.folds(), 1u);
}

TEST(Timeline, BackwardJumpIsFoldedNotNegative) {
  Timeline t;
  t.map(video(50'000, true));
  t.map(video(50'040, false));
  // The publisher restarts its clock at 0.
  Stamp v = t.map(video(0, true));
  EXPECT_TRUE(v.folded);
  EXPECT_EQ(v.timestamp_ms, 80u);
  EXPECT_EQ(t.map(video(40, false)).timestamp_ms, 120u);
}

TEST(Timeline, JumpWithinTheThresholdIsKept) {
  Timeline t(TimelineOptions{0, 1000});
  t.map(video(0, true));
  t.map(video(40, false));
  // 900 ms late frame (a stall): inside 1 s beyond the 40 ms spacing.
  EXPECT_EQ(t.map(video(940, false)).timestamp_ms, 940u);
  EXPECT_EQ(t.folds(), 0u);
}

TEST(Timeline, AGapInOneTrackWhileTheOtherGoesOnIsNotAJump) {
  Timeline t;
  t.map(audio(0));
  for (int v = 0; v <= 3000; v += 40) t.map(video(v, v % 1000 == 0));
  // Audio resumes after 3 s of silence: video went on, so this is real time.
  Stamp a = t.map(audio(3010));
  EXPECT_FALSE(a.folded);
  EXPECT_EQ(a.timestamp_ms, 3010u);
}

TEST(Timeline, ATrackStartingBeforeTheFirstPacketIsClampedToZero) {
  Timeline t;
  t.map(video(1000, true));
  Stamp a = t.map(audio(990));
  EXPECT_EQ(a.timestamp_ms, 0u);
  EXPECT_TRUE(a.clamped);
  EXPECT_EQ(t.map(audio(1013)).timestamp_ms, 13u);
}

TEST(Timeline, AppendContinuesFromTheGivenOffset) {
  Timeline t(TimelineOptions{12'000, 1000});
  EXPECT_EQ(t.map(video(777, true)).timestamp_ms, 12'000u);
  EXPECT_EQ(t.map(video(817, false)).timestamp_ms, 12'040u);
}

TEST(Timeline, ConfigsAndMetadataTakeTheLatestTime) {
  Timeline t;
  EXPECT_EQ(t.map(video_config()).timestamp_ms, 0u);  // before any frame: the start
  t.map(video(5000, true));
  t.map(video(5040, false));
  MediaPacket config = video_config();
  config.dts = std::chrono::milliseconds(0);  // encoders often stamp configs 0
  Stamp c = t.map(config);
  EXPECT_EQ(c.timestamp_ms, 40u);
  EXPECT_FALSE(c.folded);
  EXPECT_EQ(t.map(video(5080, false)).timestamp_ms, 80u);  // and frames are not disturbed
}

}  // namespace
}  // namespace streamgate::flvrecord
