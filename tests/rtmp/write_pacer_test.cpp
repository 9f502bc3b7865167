// When a player's pending media is written: video frames and notices at
// once; audio and metadata wait for the next video frame, at most
// WritePacer::kMaxHold, and never in a stream without recent video.

#include "write_pacer.hpp"

#include <gtest/gtest.h>

namespace streamgate::rtmp {
namespace {

using namespace std::chrono_literals;
using Clock = WritePacer::Clock;

const Clock::time_point t0 = Clock::time_point{} + 1h;

TEST(WritePacer, VideoFrameIsDueAtOnceAndTakesTheHeldAudioAlong) {
  WritePacer pacer;
  pacer.queued_media(1, 0, t0);
  EXPECT_TRUE(pacer.due(t0));
  pacer.wrote();
  // 30 fps: an AAC frame 10 ms after the video frame waits for the next one.
  pacer.queued_media(0, 1, t0 + 10ms);
  EXPECT_FALSE(pacer.due(t0 + 10ms));
  ASSERT_TRUE(pacer.holding_since().has_value());
  EXPECT_EQ(*pacer.holding_since(), t0 + 10ms);
  pacer.queued_media(0, 1, t0 + 30ms);
  EXPECT_FALSE(pacer.due(t0 + 30ms));
  pacer.queued_media(1, 0, t0 + 33ms);
  EXPECT_TRUE(pacer.due(t0 + 33ms)) << "the video frame goes, with the audio before it";
  pacer.wrote();
  EXPECT_FALSE(pacer.holding_since().has_value());
}

TEST(WritePacer, HeldMediaGoesAfterTheLongestHold) {
  // Video came on time (every 33 ms) but the audio queued first still waited
  // its longest.
  WritePacer pacer;
  pacer.queued_media(1, 0, t0);
  pacer.wrote();
  pacer.queued_media(0, 1, t0 + 5ms);
  EXPECT_FALSE(pacer.due(t0 + 99ms));
  EXPECT_TRUE(pacer.due(t0 + 5ms + WritePacer::kMaxHold));
  // Counted from the video frame before it when that is older: no video for
  // a whole hold means the video stopped.
  EXPECT_TRUE(pacer.due(t0 + WritePacer::kMaxHold));
}

TEST(WritePacer, AudioIsNotHeldWithoutRecentVideo) {
  WritePacer never_video;
  never_video.queued_media(0, 1, t0);
  EXPECT_TRUE(never_video.due(t0)) << "an audio-only stream";

  WritePacer video_stopped;
  video_stopped.queued_media(1, 0, t0);
  video_stopped.wrote();
  video_stopped.queued_media(0, 1, t0 + WritePacer::kMaxHold);
  EXPECT_TRUE(video_stopped.due(t0 + WritePacer::kMaxHold))
      << "no video frame for a whole hold: nothing to wait for";
}

TEST(WritePacer, NoticesAreDueAtOnce) {
  WritePacer pacer;
  pacer.queued_media(1, 0, t0);
  pacer.wrote();
  pacer.queued_media(0, 1, t0 + 1ms);
  pacer.queued_urgent();
  EXPECT_TRUE(pacer.due(t0 + 1ms));
  EXPECT_FALSE(pacer.holding_since().has_value());
}

TEST(WritePacer, WithoutHoldEverythingIsDueAtOnce) {
  WritePacer pacer(false);
  pacer.queued_media(1, 0, t0);
  pacer.wrote();
  pacer.queued_media(0, 1, t0 + 1ms);
  EXPECT_TRUE(pacer.due(t0 + 1ms));
  EXPECT_FALSE(pacer.holding_since().has_value());
}

TEST(WritePacer, NothingQueuedHoldsNothingBack) {
  WritePacer pacer;
  pacer.queued_media(0, 0, t0);
  EXPECT_TRUE(pacer.due(t0)) << "output that is not media (a reply) is not held";
  EXPECT_FALSE(pacer.holding_since().has_value());
}

}  // namespace
}  // namespace streamgate::rtmp
