// LocalBus through the SDK's Bus interface: publishing, subscribing, late
// joining, republishing, bounded queues, zero copy, status snapshots.

#include "bus/local_bus.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <sstream>

#include "core/bus/packets.hpp"

namespace streamgate {
namespace {

using namespace streamgate::test;  // packet makers and drain helpers
using std::chrono::milliseconds;
using Type = BusItem::Type;

const StreamKey kKey{"live", "cam", ""};

PublishInfo rtmp_info(std::string peer) { return test::publish_info("rtmp", std::move(peer)); }

SubscribeOptions queue_of(std::size_t bytes) {
  SubscribeOptions options;
  options.max_queue_bytes = bytes;
  return options;
}

TEST(LocalBus, PublishIsExclusiveAndTheFirstPublisherKeepsDelivering) {
  LocalBus bus(nullptr);
  auto first = bus.publish(kKey, rtmp_info("10.0.0.1:5000"));
  ASSERT_NE(first, nullptr);
  auto subscription = bus.subscribe(kKey, {}, [] {});
  EXPECT_EQ(bus.publish(kKey, rtmp_info("10.0.0.2:5000")), nullptr);

  const auto frame = video(milliseconds{0}, true);
  first->push(frame);
  const auto items = drain_all(*subscription);
  EXPECT_EQ(types_of(items), (std::vector<Type>{Type::StreamStart, Type::Media}));
  EXPECT_EQ(items[0].info->peer, "10.0.0.1:5000");
  EXPECT_EQ(items[1].packet, frame);
  EXPECT_EQ(bus.stream(kKey)->info->peer, "10.0.0.1:5000");
}

TEST(LocalBus, DifferentVariantsAreDifferentStreams) {
  LocalBus bus(nullptr);
  auto source = bus.publish(kKey, rtmp_info("10.0.0.1:5000"));
  auto derived = bus.publish(StreamKey{"live", "cam", "mpegts"}, publish_info("internal"));
  EXPECT_NE(source, nullptr);
  EXPECT_NE(derived, nullptr);
  EXPECT_EQ(bus.streams().size(), 2u);
}

TEST(LocalBus, SubscriberBeforePublisherGetsStreamStartThenPackets) {
  LocalBus bus(nullptr);
  std::atomic<int> ready{0};
  auto subscription = bus.subscribe(kKey, {}, [&] { ++ready; });
  EXPECT_TRUE(drain_all(*subscription).empty());
  EXPECT_EQ(ready, 0);

  auto publisher = bus.publish(kKey, rtmp_info("10.0.0.1:5000"));
  EXPECT_EQ(ready, 1);  // StreamStart made the queue non-empty
  const auto config = video_config();
  const auto frame = video(milliseconds{0}, true);
  publisher->push(config);
  publisher->push(frame);
  EXPECT_EQ(ready, 1);  // not again until drained

  const auto items = drain_all(*subscription);
  ASSERT_EQ(types_of(items), (std::vector<Type>{Type::StreamStart, Type::Media, Type::Media}));
  EXPECT_EQ(items[0].generation, 1u);
  EXPECT_EQ(items[0].info->protocol, "rtmp");
  EXPECT_EQ(items[1].packet, config);
  EXPECT_EQ(items[2].packet, frame);

  publisher->push(video(milliseconds{40}, false));
  EXPECT_EQ(ready, 2);
}

TEST(LocalBus, LateJoinerGetsMetadataConfigsAndTheGopFromTheLastKeyframe) {
  LocalBus bus(nullptr);
  auto publisher = bus.publish(kKey, rtmp_info("10.0.0.1:5000"));
  const auto meta = metadata();
  const auto vconfig = video_config();
  const auto aconfig = audio_config();
  const auto k0 = video(milliseconds{0}, true);
  const auto k1 = video(milliseconds{2000}, true);
  const auto a1 = audio(milliseconds{2010});
  const auto p1 = video(milliseconds{2040}, false);
  const auto a2 = audio(milliseconds{2033});
  for (const auto& packet : {metadata(), aconfig, vconfig, meta, k0, audio(milliseconds{10}),
                             video(milliseconds{40}, false), k1, a1, p1, a2})
    publisher->push(packet);

  std::atomic<int> ready{0};
  auto late = bus.subscribe(kKey, {}, [&] { ++ready; });
  const auto replay = drain_all(*late);
  ASSERT_FALSE(replay.empty());
  EXPECT_EQ(replay[0].type, Type::StreamStart);
  EXPECT_EQ(replay[0].generation, 1u);
  EXPECT_EQ(packets_of(replay), (std::vector<PacketPtr>{meta, vconfig, aconfig, k1, a1, p1, a2}));

  const auto p2 = video(milliseconds{2080}, false);
  publisher->push(p2);
  EXPECT_EQ(packets_of(drain_all(*late)), std::vector<PacketPtr>{p2});
  EXPECT_EQ(ready, 1);
}

TEST(LocalBus, LateJoinerOnAMuxStreamStartsAtAKeyframeUnit) {
  LocalBus bus(nullptr);
  const StreamKey key{"live", "cam", "mpegts"};
  auto publisher = bus.publish(key, publish_info("internal"));
  const auto unit = mux(milliseconds{2000}, true);
  const auto next = mux(milliseconds{2040}, false);
  for (const auto& packet : {mux(milliseconds{0}, true), mux(milliseconds{40}, false), unit, next})
    publisher->push(packet);
  auto late = bus.subscribe(key, {}, [] {});
  EXPECT_EQ(packets_of(drain_all(*late)), (std::vector<PacketPtr>{unit, next}));
}

TEST(LocalBus, WithoutReplayALateJoinerGetsOnlyLivePackets) {
  LocalBus bus(nullptr);
  auto publisher = bus.publish(kKey, rtmp_info("10.0.0.1:5000"));
  publisher->push(video_config());
  publisher->push(video(milliseconds{0}, true));
  SubscribeOptions options;
  options.replay_cache = false;
  auto late = bus.subscribe(kKey, options, [] {});
  const auto frame = video(milliseconds{40}, false);
  publisher->push(frame);
  const auto items = drain_all(*late);
  EXPECT_EQ(types_of(items), (std::vector<Type>{Type::StreamStart, Type::Media}));
  EXPECT_EQ(packets_of(items), std::vector<PacketPtr>{frame});
}

TEST(LocalBus, BoundedGopCacheReplaysOnlyConfigsUntilTheNextKeyframe) {
  LocalBus bus(nullptr, bus::GopLimits{.max_bytes = 250, .max_duration = milliseconds{60'000}});
  auto publisher = bus.publish(kKey, rtmp_info("10.0.0.1:5000"));
  const auto config = video_config();
  publisher->push(config);
  for (int i = 0; i < 4; ++i) publisher->push(video(milliseconds{i * 40}, i == 0));
  EXPECT_EQ(packets_of(drain_all(*bus.subscribe(kKey, {}, [] {}))), std::vector<PacketPtr>{config});

  const auto key = video(milliseconds{160}, true);
  publisher->push(key);
  EXPECT_EQ(packets_of(drain_all(*bus.subscribe(kKey, {}, [] {}))),
            (std::vector<PacketPtr>{config, key}));
}

TEST(LocalBus, RepublishEndsThenStartsTheNextGenerationWithFreshConfigs) {
  LocalBus bus(nullptr);
  auto subscription = bus.subscribe(kKey, {}, [] {});
  auto first = bus.publish(kKey, rtmp_info("10.0.0.1:5000"));
  first->push(video_config());
  first->push(video(milliseconds{0}, true));
  EXPECT_EQ(first->generation(), 1u);
  first->end();
  first->push(video(milliseconds{40}, false));  // ignored: that publish ended

  auto second = bus.publish(kKey, rtmp_info("10.0.0.1:5001"));
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->generation(), 2u);
  const auto items = drain_all(*subscription);
  ASSERT_EQ(types_of(items), (std::vector<Type>{Type::StreamStart, Type::Media, Type::Media,
                                                Type::StreamEnd, Type::StreamStart}));
  EXPECT_EQ(items[0].generation, 1u);
  EXPECT_EQ(items[4].generation, 2u);
  EXPECT_EQ(items[4].info->peer, "10.0.0.1:5001");

  // The first publisher's configs are not replayed to joiners of the second.
  auto late = bus.subscribe(kKey, {}, [] {});
  const auto replay = drain_all(*late);
  EXPECT_EQ(types_of(replay), std::vector<Type>{Type::StreamStart});
  EXPECT_EQ(replay[0].generation, 1u);  // the first publish this subscriber sees
  EXPECT_EQ(bus.stream(kKey)->generation, 2u);
}

TEST(LocalBus, UnpublishEndsEverySubscriber) {
  LocalBus bus(nullptr);
  auto publisher = bus.publish(kKey, rtmp_info("10.0.0.1:5000"));
  std::vector<std::unique_ptr<Subscription>> subscriptions;
  std::atomic<int> ready{0};
  for (int i = 0; i < 3; ++i) {
    subscriptions.push_back(bus.subscribe(kKey, {}, [&] { ++ready; }));
    drain_all(*subscriptions.back());
  }
  publisher.reset();  // destruction unpublishes
  EXPECT_EQ(ready, 3);
  for (auto& subscription : subscriptions)
    EXPECT_EQ(types_of(drain_all(*subscription)), std::vector<Type>{Type::StreamEnd});
  EXPECT_FALSE(bus.stream(kKey)->live);
  EXPECT_NE(bus.publish(kKey, rtmp_info("10.0.0.1:5001")), nullptr);
}

TEST(LocalBus, SlowSubscriberDropsToTheNextKeyframeWhileAFastOneGetsEverything) {
  LocalBus bus(nullptr);
  auto publisher = bus.publish(kKey, rtmp_info("10.0.0.1:5000"));
  auto slow = bus.subscribe(kKey, queue_of(1000), [] {});
  auto fast = bus.subscribe(kKey, queue_of(1000), [] {});
  std::vector<PacketPtr> sent{video_config(10)};
  std::vector<BusItem> fast_items;
  publisher->push(sent.back());
  for (int i = 0; i < 25; ++i) {
    sent.push_back(video(milliseconds{i * 40}, i == 0 || i == 21));
    publisher->push(sent.back());
    fast->drain(fast_items);  // the fast one keeps up
  }
  EXPECT_EQ(packets_of(fast_items), sent);
  EXPECT_EQ(fast->stats().dropped_packets, 0u);
  EXPECT_EQ(fast->stats().delivered_packets, sent.size());

  // config (10) + K0..P8 (900) fit in 1000 bytes; P9 overflows; K21 resumes.
  const auto slow_items = drain_all(*slow);
  const std::vector<PacketPtr> expected{sent[0], sent[22], sent[23], sent[24], sent[25]};
  EXPECT_EQ(packets_of(slow_items), expected);
  EXPECT_TRUE(slow_items[2].after_drop);
  EXPECT_TRUE(slow_items[2].packet->keyframe);
  EXPECT_EQ(slow->stats().dropped_packets, 21u);
  EXPECT_EQ(slow->stats().dropped_bytes, 2100u);
}

TEST(LocalBus, DurationBoundDropsQueuedMedia) {
  LocalBus bus(nullptr);
  auto publisher = bus.publish(kKey, rtmp_info("10.0.0.1:5000"));
  SubscribeOptions options;
  options.max_queue_duration = milliseconds{1000};
  auto subscription = bus.subscribe(kKey, options, [] {});
  std::vector<PacketPtr> frames;
  for (int i = 0; i <= 60; ++i) {  // 30 fps, keyframe every second
    frames.push_back(video(milliseconds{i * 1000 / 30}, i % 30 == 0, 10));
    publisher->push(frames.back());
  }
  // Frames 0..30 span exactly 1000 ms; frame 31 (1033 ms) overflows, and
  // delivery resumes at the keyframe 60 (2000 ms).
  const auto items = drain_all(*subscription);
  EXPECT_EQ(packets_of(items), std::vector<PacketPtr>{frames[60]});
  EXPECT_TRUE(items.back().after_drop);
  EXPECT_EQ(subscription->stats().dropped_packets, 60u);
}

TEST(LocalBus, AudioOnlySubscriberResumesAtOnceAfterADrop) {
  LocalBus bus(nullptr);
  auto publisher = bus.publish(kKey, rtmp_info("10.0.0.1:5000"));
  auto subscription = bus.subscribe(kKey, queue_of(500), [] {});
  const auto config = audio_config(10);
  publisher->push(config);
  std::vector<PacketPtr> frames;
  for (int i = 0; i < 6; ++i) {
    frames.push_back(audio(milliseconds{i * 23}));
    publisher->push(frames.back());
  }
  const auto items = drain_all(*subscription);
  EXPECT_EQ(packets_of(items), (std::vector<PacketPtr>{config, frames[4], frames[5]}));
  EXPECT_TRUE(items[2].after_drop);
  EXPECT_EQ(subscription->stats().dropped_packets, 4u);
}

TEST(LocalBus, SubscribersGetThePushedPacketItselfNotACopy) {
  LocalBus bus(nullptr);
  auto publisher = bus.publish(kKey, rtmp_info("10.0.0.1:5000"));
  auto one = bus.subscribe(kKey, {}, [] {});
  auto two = bus.subscribe(kKey, {}, [] {});
  const auto frame = video(milliseconds{0}, true);
  const auto* payload_bytes = frame->payload.data();
  publisher->push(frame);
  for (auto* subscription : {one.get(), two.get()}) {
    const auto packets = packets_of(drain_all(*subscription));
    ASSERT_EQ(packets.size(), 1u);
    EXPECT_EQ(packets[0].get(), frame.get());
    EXPECT_EQ(packets[0]->payload.data(), payload_bytes);
    EXPECT_TRUE(packets[0]->payload.shares_storage_with(frame->payload));
  }
  // The pusher's reference, the GOP cache's, and nothing else.
  EXPECT_EQ(frame.use_count(), 2);
}

TEST(LocalBus, StreamsReportsCountsAndForgetsUnusedKeys) {
  LocalBus bus(nullptr);
  auto waiting = bus.subscribe(StreamKey{"live", "later", ""}, {}, [] {});
  auto publisher = bus.publish(kKey, rtmp_info("10.0.0.1:5000"));
  auto a = bus.subscribe(kKey, {}, [] {});
  auto b = bus.subscribe(kKey, {}, [] {});
  publisher->push(video(milliseconds{0}, true, 100));
  publisher->push(audio(milliseconds{0}, 30));

  const auto all = bus.streams();
  ASSERT_EQ(all.size(), 2u);
  const auto status = bus.stream(kKey);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->live);
  EXPECT_EQ(status->subscribers, 2u);
  EXPECT_EQ(status->generation, 1u);
  EXPECT_EQ(status->packets_in, 2u);
  EXPECT_EQ(status->bytes_in, 130u);
  EXPECT_EQ(status->info->peer, "10.0.0.1:5000");
  const auto later = bus.stream(StreamKey{"live", "later", ""});
  ASSERT_TRUE(later);
  EXPECT_FALSE(later->live);
  EXPECT_EQ(later->subscribers, 1u);

  waiting.reset();
  EXPECT_FALSE(bus.stream(StreamKey{"live", "later", ""}));
  a.reset();
  b.reset();
  EXPECT_EQ(bus.stream(kKey)->subscribers, 0u);
  publisher.reset();
  EXPECT_TRUE(bus.streams().empty());
}

TEST(LocalBus, ClearDropsStreamsAndLeavesHandlesHarmless) {
  auto bus = std::make_unique<LocalBus>(nullptr);
  auto publisher = bus->publish(kKey, rtmp_info("10.0.0.1:5000"));
  auto subscription = bus->subscribe(kKey, {}, [] {});
  const auto frame = video(milliseconds{0}, true);
  publisher->push(frame);
  bus->clear();
  EXPECT_TRUE(bus->streams().empty());
  EXPECT_TRUE(drain_all(*subscription).empty());
  EXPECT_EQ(frame.use_count(), 1);  // no queue or cache holds it any more
  publisher->push(video(milliseconds{40}, false));
  EXPECT_TRUE(drain_all(*subscription).empty());
  EXPECT_NE(bus->publish(kKey, rtmp_info("10.0.0.1:5001")), nullptr);
  bus.reset();  // handles may outlive the bus
  publisher->end();
  publisher.reset();
  subscription.reset();
}

TEST(LocalBus, ThrowingOnReadyDoesNotReachThePublisher) {
  LocalBus bus(nullptr);
  auto publisher = bus.publish(kKey, rtmp_info("10.0.0.1:5000"));
  auto subscription = bus.subscribe(kKey, {}, [] { throw std::runtime_error("plugin bug"); });
  drain_all(*subscription);
  EXPECT_NO_THROW(publisher->push(video(milliseconds{0}, true)));
  EXPECT_EQ(drain_all(*subscription).size(), 1u);
}

TEST(LocalBus, SubscriptionMayBeDestroyedFromItsOwnOnReady) {
  LocalBus bus(nullptr);
  auto publisher = bus.publish(kKey, rtmp_info("10.0.0.1:5000"));
  std::unique_ptr<Subscription> subscription;
  int calls = 0;
  subscription = bus.subscribe(kKey, {}, [&] {
    ++calls;
    subscription.reset();
  });
  drain_all(*subscription);
  publisher->push(video(milliseconds{0}, true));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(subscription, nullptr);
  publisher->push(video(milliseconds{40}, false));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(bus.stream(kKey)->subscribers, 0u);
}

TEST(LocalBus, LogsPublishUnpublishAndDropsWithTheStreamKey) {
  std::ostringstream log;
  auto logger = std::make_shared<spdlog::logger>(
      "core.bus", std::make_shared<spdlog::sinks::ostream_sink_st>(log));
  logger->set_level(spdlog::level::debug);
  logger->set_pattern("%l %v");
  LocalBus bus(logger);
  auto publisher = bus.publish(kKey, rtmp_info("10.0.0.1:5000"));
  EXPECT_EQ(bus.publish(kKey, rtmp_info("10.0.0.2:6000")), nullptr);
  auto subscription = bus.subscribe(kKey, queue_of(150), [] {});
  for (int i = 0; i < 3; ++i) publisher->push(video(milliseconds{i * 40}, i == 0));
  publisher.reset();
  const auto text = log.str();
  EXPECT_NE(text.find("info bus: stream live/cam published by rtmp 10.0.0.1:5000"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("info bus: stream live/cam publish refused: already live (from rtmp "
                      "10.0.0.2:6000)"),
            std::string::npos)
      << text;
  // K0 fits the 150-byte queue; P40 overflows it: K0 is dropped and P40 skipped.
  EXPECT_NE(text.find("debug bus: subscriber 1 on live/cam dropped 2 packets (200 bytes)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("info bus: stream live/cam unpublished after 3 packets, 300 bytes"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace streamgate
