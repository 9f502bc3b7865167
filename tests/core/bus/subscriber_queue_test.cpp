// The overflow policy of one subscriber's queue (bus.hpp: bounded by payload
// bytes and by newest-minus-oldest DTS; on overflow drop queued media, keep
// StreamStart/End and config/metadata, skip to the next keyframe).

#include "bus/subscriber_queue.hpp"

#include <gtest/gtest.h>

#include "core/bus/packets.hpp"

namespace streamgate::bus {
namespace {

using namespace streamgate::test;  // packet makers and drain helpers
using std::chrono::milliseconds;

constexpr QueueLimits kBytes1000{1000, MediaTime{std::chrono::hours(1)}};

std::vector<BusItem> drain(SubscriberQueue& queue) {
  std::vector<BusItem> out;
  queue.drain(out);
  return out;
}

TEST(SubscriberQueue, ReportsEmptyToNonEmptyOnlyOnce) {
  SubscriberQueue queue(kBytes1000);
  EXPECT_TRUE(queue.start(nullptr).became_non_empty);
  EXPECT_FALSE(queue.offer(video(milliseconds{0}, true), TrackKind::Video).became_non_empty);
  EXPECT_EQ(drain(queue).size(), 2u);
  EXPECT_TRUE(queue.offer(video(milliseconds{40}, false), TrackKind::Video).became_non_empty);
}

TEST(SubscriberQueue, StartItemsCountThisQueuesGenerations) {
  SubscriberQueue queue(kBytes1000);
  queue.start(nullptr);
  queue.end();
  queue.start(nullptr);
  const auto items = drain(queue);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].type, BusItem::Type::StreamStart);
  EXPECT_EQ(items[0].generation, 1u);
  EXPECT_EQ(items[1].type, BusItem::Type::StreamEnd);
  EXPECT_EQ(items[2].type, BusItem::Type::StreamStart);
  EXPECT_EQ(items[2].generation, 2u);
}

// 100-byte frames against a 1000-byte bound: config (10) + K0..P8 (900) fit;
// P9 would make 1010, so K0..P8 are dropped and P9..P20 skipped up to K21.
TEST(SubscriberQueue, ByteOverflowDropsToTheNextKeyframe) {
  SubscriberQueue queue(kBytes1000);
  const auto config = video_config(10);
  queue.start(nullptr);
  queue.offer(config, TrackKind::Video);
  std::vector<PacketPtr> frames;
  for (int i = 0; i < 25; ++i) {
    frames.push_back(video(milliseconds{i * 40}, i == 0 || i == 21));
    queue.offer(frames.back(), TrackKind::Video);
  }
  const auto stats = queue.stats();
  EXPECT_EQ(stats.dropped_packets, 21u);  // K0..P20
  EXPECT_EQ(stats.dropped_bytes, 2100u);
  EXPECT_EQ(stats.queued_bytes, 10u + 4 * 100u);

  const auto items = drain(queue);
  ASSERT_EQ(items.size(), 6u);
  EXPECT_EQ(items[0].type, BusItem::Type::StreamStart);
  EXPECT_EQ(items[1].packet, config);
  EXPECT_FALSE(items[1].after_drop);
  EXPECT_EQ(items[2].packet, frames[21]);
  EXPECT_TRUE(items[2].after_drop);
  for (int i = 3; i < 6; ++i) {
    EXPECT_EQ(items[i].packet, frames[19 + i]);
    EXPECT_FALSE(items[i].after_drop);
  }
  EXPECT_EQ(queue.stats().delivered_packets, 5u);
}

// Bound 100 ms, a frame every 10 ms, keyframes at 0, 120 and 240 ms. Frame 11
// (110 ms) makes the span 110 ms: frames 0..10 go, 11 is skipped, 12 resumes.
// Frame 23 (230 ms, span 110 ms from 120) overflows again; 24 resumes.
TEST(SubscriberQueue, DurationOverflowDropsToTheNextKeyframe) {
  SubscriberQueue queue(QueueLimits{1u << 30, MediaTime{milliseconds{100}}});
  std::vector<PacketPtr> frames;
  for (int i = 0; i < 26; ++i) {
    frames.push_back(video(milliseconds{i * 10}, i % 12 == 0));
    queue.offer(frames.back(), TrackKind::Video);
  }
  EXPECT_EQ(queue.stats().dropped_packets, 24u);
  const auto items = drain(queue);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].packet, frames[24]);
  EXPECT_TRUE(items[0].after_drop);
  EXPECT_EQ(items[1].packet, frames[25]);
}

TEST(SubscriberQueue, ExactlyAtTheBoundsIsNotAnOverflow) {
  SubscriberQueue queue(QueueLimits{300, MediaTime{milliseconds{80}}});
  for (int i = 0; i < 3; ++i) queue.offer(video(milliseconds{i * 40}, i == 0), TrackKind::Video);
  EXPECT_EQ(queue.stats().dropped_packets, 0u);
  EXPECT_EQ(queue.stats().queued_bytes, 300u);
}

TEST(SubscriberQueue, WithoutVideoResumesAtOnce) {
  SubscriberQueue queue(QueueLimits{500, MediaTime{std::chrono::hours(1)}});
  const auto config = audio_config(10);
  queue.offer(config, TrackKind::Invalid);
  std::vector<PacketPtr> frames;
  for (int i = 0; i < 6; ++i) {
    frames.push_back(audio(milliseconds{i * 23}));
    queue.offer(frames.back(), TrackKind::Invalid);
  }
  // 10 + 4*100 fit; frame 4 would make 510: frames 0..3 dropped, 4 queued.
  EXPECT_EQ(queue.stats().dropped_packets, 4u);
  const auto items = drain(queue);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].packet, config);
  EXPECT_EQ(items[1].packet, frames[4]);
  EXPECT_TRUE(items[1].after_drop);
  EXPECT_EQ(items[2].packet, frames[5]);
  EXPECT_FALSE(items[2].after_drop);
}

TEST(SubscriberQueue, SkipsAudioTooUntilTheVideoKeyframe) {
  SubscriberQueue queue(QueueLimits{250, MediaTime{std::chrono::hours(1)}});
  queue.offer(video(milliseconds{0}, true), TrackKind::Video);
  queue.offer(audio(milliseconds{10}), TrackKind::Video);
  queue.offer(video(milliseconds{40}, false), TrackKind::Video);  // overflow
  queue.offer(audio(milliseconds{50}), TrackKind::Video);         // skipped
  const auto key = video(milliseconds{80}, true);
  queue.offer(key, TrackKind::Video);
  EXPECT_EQ(queue.stats().dropped_packets, 4u);
  const auto items = drain(queue);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].packet, key);
}

TEST(SubscriberQueue, ConfigAndMetadataSurviveADropButNotWhenSuperseded) {
  SubscriberQueue queue(QueueLimits{400, MediaTime{std::chrono::hours(1)}});
  const auto old_config = video_config(10);
  const auto new_config = video_config(10);
  const auto meta = metadata(10);
  queue.start(nullptr);
  queue.offer(old_config, TrackKind::Video);
  queue.offer(meta, TrackKind::Video);
  queue.offer(video(milliseconds{0}, true), TrackKind::Video);
  queue.offer(new_config, TrackKind::Video);
  queue.offer(video(milliseconds{40}, false), TrackKind::Video);
  queue.offer(video(milliseconds{80}, false), TrackKind::Video);
  queue.offer(video(milliseconds{120}, false), TrackKind::Video);  // 430 > 400: overflow
  queue.end();
  const auto items = drain(queue);
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0].type, BusItem::Type::StreamStart);
  EXPECT_EQ(items[1].packet, meta);
  EXPECT_EQ(items[2].packet, new_config);
  EXPECT_EQ(items[3].type, BusItem::Type::StreamEnd);
  // 3 queued frames + the superseded config + the skipped frame.
  EXPECT_EQ(queue.stats().dropped_packets, 5u);
  EXPECT_EQ(queue.stats().dropped_bytes, 410u);
}

TEST(SubscriberQueue, ConfigArrivingWhileSkippingIsDelivered) {
  SubscriberQueue queue(QueueLimits{150, MediaTime{std::chrono::hours(1)}});
  queue.offer(video(milliseconds{0}, true), TrackKind::Video);
  queue.offer(video(milliseconds{40}, false), TrackKind::Video);  // overflow, skipping
  const auto config = video_config(10);
  queue.offer(config, TrackKind::Video);
  const auto key = video(milliseconds{80}, true);
  queue.offer(key, TrackKind::Video);
  const auto items = drain(queue);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].packet, config);
  EXPECT_FALSE(items[0].after_drop);
  EXPECT_EQ(items[1].packet, key);
  EXPECT_TRUE(items[1].after_drop);
}

TEST(SubscriberQueue, APacketLargerThanTheBoundStillPassesAnEmptyQueue) {
  SubscriberQueue queue(QueueLimits{100, MediaTime{std::chrono::hours(1)}});
  const auto big = video(milliseconds{0}, true, 5000);
  queue.offer(big, TrackKind::Video);
  const auto items = drain(queue);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].packet, big);
  EXPECT_EQ(queue.stats().dropped_packets, 0u);
}

TEST(SubscriberQueue, DrainAppendsAfterWhatTheCallerHolds) {
  SubscriberQueue queue(kBytes1000);
  std::vector<BusItem> out(1);
  const auto frame = video(milliseconds{0}, true);
  queue.offer(frame, TrackKind::Video);
  EXPECT_EQ(queue.drain(out), 1u);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].packet, frame);
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.stats().queued_bytes, 0u);
  EXPECT_EQ(queue.stats().queued_items, 0u);
}

TEST(SubscriberQueue, DrainingResetsTheDurationWindow) {
  SubscriberQueue queue(QueueLimits{1u << 30, MediaTime{milliseconds{100}}});
  queue.offer(video(milliseconds{0}, true), TrackKind::Video);
  drain(queue);
  queue.offer(video(milliseconds{500}, false), TrackKind::Video);
  queue.offer(video(milliseconds{540}, false), TrackKind::Video);
  EXPECT_EQ(queue.stats().dropped_packets, 0u);
  EXPECT_EQ(drain(queue).size(), 2u);
}

}  // namespace
}  // namespace streamgate::bus
