// When a feed with write-coalesce sends what it gathered: the window opens
// with a video frame, closes `window` later, and closes early once the next
// frame could not make it in; audio before any video waits at most kMaxHold.

#include "coalescing_window.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace streamgate::rtmp {
namespace {

using namespace std::chrono_literals;
using Clock = CoalescingWindow::Clock;

const Clock::time_point t0 = Clock::time_point{} + 1h;
constexpr auto kFrame = 33'333us;  // 30 fps

// Feeds 30 fps video (an AAC frame 10 ms after each) through `window` for
// `frames` frames and returns how many sweeps it made and how long each video
// frame waited, in order.
struct Sweeps {
  int sweeps = 0;
  std::vector<Clock::duration> video_waits;
  Clock::duration longest_wait(std::size_t from_frame = 0) const {
    Clock::duration longest{};
    for (std::size_t i = from_frame; i < video_waits.size(); ++i)
      longest = std::max(longest, video_waits[i]);
    return longest;
  }
};
Sweeps run_stream(CoalescingWindow& window, int frames) {
  Sweeps result;
  std::vector<Clock::time_point> waiting_video;
  const auto sweep_until = [&](Clock::time_point now) {
    while (auto due = window.due()) {
      if (*due > now) break;
      const auto at = *due;
      for (auto arrived : waiting_video) result.video_waits.push_back(at - arrived);
      waiting_video.clear();
      window.swept();
      ++result.sweeps;
    }
  };
  for (int i = 0; i < frames; ++i) {
    const auto video_at = t0 + i * kFrame;
    sweep_until(video_at);
    window.gathered(1, 0, video_at);
    waiting_video.push_back(video_at);
    sweep_until(video_at);
    sweep_until(video_at + 10ms);
    window.gathered(0, 1, video_at + 10ms);
  }
  sweep_until(t0 + frames * kFrame + 1s);
  return result;
}

TEST(CoalescingWindow, FortyMillisecondsAt30FpsSendsEverySecondFrameWithTheOneBefore) {
  CoalescingWindow window(40ms, true);
  const Sweeps run = run_stream(window, 300);
  // 300 frames in pairs: about 150 sweeps, against 300 at write-coalesce 0.
  EXPECT_GE(run.sweeps, 148);
  EXPECT_LE(run.sweeps, 152);
  // The first window waits its whole 40 ms (the frame rate is not known
  // yet); after that the first frame of a pair waits for the second, one
  // frame interval, and not a moment longer.
  ASSERT_EQ(run.video_waits.size(), 300u);
  EXPECT_LE(run.longest_wait(), 40ms);
  EXPECT_LE(run.longest_wait(2), kFrame);
  ASSERT_TRUE(window.frame_interval().has_value());
  const double interval_ms =
      std::chrono::duration<double, std::milli>(*window.frame_interval()).count();
  EXPECT_NEAR(interval_ms, 33.3, 0.1);
}

TEST(CoalescingWindow, AWindowShorterThanAFrameIntervalCostsNoLatency) {
  CoalescingWindow window(20ms, true);
  window.gathered(1, 0, t0);
  window.swept();  // the first frame waited its 20 ms: the rate was unknown
  window.gathered(1, 0, t0 + kFrame);
  ASSERT_TRUE(window.due().has_value());
  EXPECT_EQ(*window.due(), t0 + kFrame) << "no second frame fits in 20 ms: go at once";
}

TEST(CoalescingWindow, ALongWindowGathersTheFramesThatFitAndNoMore) {
  CoalescingWindow window(200ms, true);
  const Sweeps run = run_stream(window, 300);
  // 200 ms holds six frames at 30 fps (the seventh, 200 ms after the first,
  // may or may not fit): 300 / 6 = 50 sweeps at most, 300 / 7 ≈ 43 at least.
  EXPECT_GE(run.sweeps, 42);
  EXPECT_LE(run.sweeps, 51);
  EXPECT_LE(run.longest_wait(), 200ms);
}

TEST(CoalescingWindow, AudioWaitsForVideoAtMostTheLongestHold) {
  CoalescingWindow window(200ms, true);
  window.gathered(1, 0, t0);
  window.swept();
  window.gathered(0, 1, t0 + 10ms);
  ASSERT_TRUE(window.due().has_value());
  EXPECT_EQ(*window.due(), t0 + 10ms + CoalescingWindow::kMaxHold)
      << "no window yet: the audio waits for a video frame to open one";
  window.gathered(1, 0, t0 + kFrame);
  EXPECT_EQ(*window.due(), t0 + kFrame + 200ms) << "the video frame opened the window";
}

TEST(CoalescingWindow, WithoutRecentVideoAnyItemOpensTheWindow) {
  CoalescingWindow audio_only(50ms, true);
  audio_only.gathered(0, 1, t0);
  ASSERT_TRUE(audio_only.due().has_value());
  EXPECT_EQ(*audio_only.due(), t0 + 50ms);

  CoalescingWindow video_stopped(50ms, true);
  video_stopped.gathered(1, 0, t0);
  video_stopped.swept();
  video_stopped.gathered(0, 1, t0 + 150ms);
  EXPECT_EQ(*video_stopped.due(), t0 + 200ms);

  CoalescingWindow no_hold(50ms, false);
  no_hold.gathered(1, 0, t0);
  no_hold.swept();
  no_hold.gathered(0, 1, t0 + 10ms);
  EXPECT_EQ(*no_hold.due(), t0 + 60ms) << "hold-audio-for-video off: audio opens it";
}

TEST(CoalescingWindow, NothingGatheredIsNeverDue) {
  CoalescingWindow window(50ms, true);
  EXPECT_FALSE(window.due().has_value());
  window.gathered(0, 0, t0);
  EXPECT_FALSE(window.due().has_value());
  window.gathered(1, 0, t0);
  window.swept();
  EXPECT_FALSE(window.due().has_value());
}

TEST(CoalescingWindow, APauseInTheStreamDoesNotCountAsItsFrameRate) {
  CoalescingWindow window(100ms, true);
  window.gathered(1, 0, t0);
  window.swept();
  window.gathered(1, 0, t0 + 5s);  // the encoder paused
  EXPECT_FALSE(window.frame_interval().has_value());
  EXPECT_EQ(*window.due(), t0 + 5s + 100ms);
}

}  // namespace
}  // namespace streamgate::rtmp
