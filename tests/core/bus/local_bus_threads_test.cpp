// LocalBus under concurrency: many publishers and subscribers on several
// threads, late joiners racing the publisher, subscriptions and watches
// destroyed while events fire. Meant to run under ThreadSanitizer too.

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>

#include "bus/local_bus.hpp"
#include "core/bus/packets.hpp"

namespace streamgate {
namespace {

using namespace streamgate::test;  // packet makers and drain helpers
using std::chrono::milliseconds;
using Type = BusItem::Type;

// Frame i of a test stream: DTS i ms, so order and gaps are visible.
PacketPtr frame(int i, int gop) { return video(milliseconds{i}, i % gop == 0, 64); }

void spin_for(std::chrono::microseconds duration) {
  const auto until = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < until) {
  }
}

// A consumer thread's wake-up: on_ready sets it, the thread waits on it.
class Doorbell {
 public:
  void ring() {
    {
      std::lock_guard lock(mutex_);
      rung_ = true;
    }
    cv_.notify_one();
  }
  // False if nobody rang within `timeout` (a lost on_ready).
  bool wait(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    const bool rung = cv_.wait_for(lock, timeout, [&] { return rung_; });
    rung_ = false;
    return rung;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool rung_ = false;
};

// What one subscriber saw: StreamStart, frames 0..n-1 in order, StreamEnd.
struct Transcript {
  bool started = false;
  bool ended = false;
  int next = 0;
  int errors = 0;

  void take(const BusItem& item) {
    switch (item.type) {
      case Type::StreamStart:
        errors += started ? 1 : 0, started = true;
        break;
      case Type::StreamEnd:
        ended = true;
        break;
      case Type::Media:
        errors += (!started || item.after_drop || item.packet->dts != milliseconds{next}) ? 1 : 0;
        next = static_cast<int>(item.packet->dts.count() / 1000) + 1;
        break;
      case Type::Invalid:
        ++errors;
        break;
    }
  }
};

TEST(LocalBusThreads, FourPublishersFiftySubscribersEachOnFourThreads) {
  constexpr int kStreams = 4;
  constexpr int kSubscribersPerStream = 50;
  constexpr int kConsumers = 4;
  constexpr int kFrames = 2000;
  LocalBus bus(nullptr);

  std::vector<Doorbell> doorbells(kConsumers);
  std::vector<std::unique_ptr<Subscription>> subscriptions;
  std::vector<Transcript> transcripts(kStreams * kSubscribersPerStream);
  for (int s = 0; s < kStreams; ++s)
    for (int i = 0; i < kSubscribersPerStream; ++i) {
      const auto consumer = subscriptions.size() % kConsumers;
      subscriptions.push_back(
          bus.subscribe(StreamKey{"live", std::to_string(s), ""}, {},
                        [&doorbells, consumer] { doorbells[consumer].ring(); }));
    }

  std::atomic<int> lost_wakeups{0};
  std::vector<std::thread> consumers;
  for (int c = 0; c < kConsumers; ++c)
    consumers.emplace_back([&, c] {
      std::vector<BusItem> items;
      for (;;) {
        bool all_ended = true;
        for (std::size_t i = c; i < subscriptions.size(); i += kConsumers) {
          items.clear();
          subscriptions[i]->drain(items);
          for (const auto& item : items) transcripts[i].take(item);
          all_ended = all_ended && transcripts[i].ended;
        }
        if (all_ended) return;
        if (!doorbells[c].wait(std::chrono::seconds(10))) {
          ++lost_wakeups;
          return;
        }
      }
    });

  std::vector<std::thread> publishers;
  for (int s = 0; s < kStreams; ++s)
    publishers.emplace_back([&, s] {
      auto publisher =
          bus.publish(StreamKey{"live", std::to_string(s), ""}, publish_info("internal"));
      for (int i = 0; i < kFrames; ++i) publisher->push(frame(i, 50));
    });
  for (auto& t : publishers) t.join();
  for (auto& t : consumers) t.join();

  EXPECT_EQ(lost_wakeups, 0);
  for (std::size_t i = 0; i < transcripts.size(); ++i) {
    EXPECT_TRUE(transcripts[i].started) << i;
    EXPECT_TRUE(transcripts[i].ended) << i;
    EXPECT_EQ(transcripts[i].next, kFrames) << i;
    EXPECT_EQ(transcripts[i].errors, 0) << i;
    EXPECT_EQ(subscriptions[i]->stats().dropped_packets, 0u) << i;
    EXPECT_EQ(subscriptions[i]->stats().delivered_packets, std::uint64_t{kFrames}) << i;
  }
}

// Joiners attach while the publisher pushes: each must see the config, then a
// keyframe, then every later frame exactly once, up to the end.
TEST(LocalBusThreads, LateJoinersRacingThePublisherGetAGaplessSequence) {
  constexpr int kFrames = 5000;
  constexpr int kGop = 25;
  constexpr int kJoiners = 40;
  LocalBus bus(nullptr);
  const StreamKey key{"live", "race", ""};
  auto publisher = bus.publish(key, publish_info("internal"));
  const auto config = video_config();
  publisher->push(config);

  std::thread pushing([&] {
    for (int i = 0; i < kFrames; ++i) publisher->push(frame(i, kGop));
    publisher->end();
  });
  std::vector<std::unique_ptr<Subscription>> joiners;
  std::mt19937 random(7);
  for (int j = 0; j < kJoiners; ++j) {
    std::this_thread::sleep_for(std::chrono::microseconds(random() % 500));
    joiners.push_back(bus.subscribe(key, {}, [] {}));
  }
  pushing.join();

  for (auto& joiner : joiners) {
    std::vector<BusItem> items;
    joiner->drain(items);
    if (items.empty()) continue;  // joined after the end: nothing to replay
    ASSERT_EQ(items[0].type, Type::StreamStart);
    ASSERT_GE(items.size(), 3u);
    EXPECT_EQ(items[1].packet, config);
    EXPECT_TRUE(items[2].packet->keyframe);
    int next = static_cast<int>(items[2].packet->dts.count() / 1000);
    for (std::size_t i = 2; i + 1 < items.size(); ++i)
      ASSERT_EQ(items[i].packet->dts, milliseconds{next++}) << "item " << i;
    EXPECT_EQ(next, kFrames);
    EXPECT_EQ(items.back().type, Type::StreamEnd);
  }
}

// on_ready must never run once ~Subscription has returned, even while another
// thread is pushing and calling it.
TEST(LocalBusThreads, NoOnReadyAfterTheSubscriptionIsDestroyed) {
  LocalBus bus(nullptr);
  const StreamKey key{"live", "churn", ""};
  auto publisher = bus.publish(key, publish_info("internal"));
  std::atomic<bool> stop{false};
  std::thread pushing([&] {
    for (int i = 0; !stop; ++i) publisher->push(frame(i, 30));
  });

  struct Probe {
    std::atomic<bool> destroyed{false};
    std::atomic<int> calls{0};
    std::atomic<int> late_calls{0};
  };
  int total_calls = 0;
  for (int round = 0; round < 300; ++round) {
    auto probe = std::make_shared<Probe>();
    auto subscription = bus.subscribe(key, {}, [probe] {
      ++probe->calls;
      spin_for(std::chrono::microseconds(50));  // linger: let the destructor find a call in flight
      if (probe->destroyed) ++probe->late_calls;
    });
    std::vector<BusItem> items;
    for (int i = 0; i < 3; ++i) {
      std::this_thread::sleep_for(std::chrono::microseconds(100));
      items.clear();
      subscription->drain(items);  // empty again: the next push calls on_ready
    }
    spin_for(std::chrono::microseconds(10));
    subscription.reset();  // most likely while that call lingers
    probe->destroyed = true;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    EXPECT_EQ(probe->late_calls, 0) << "round " << round;
    total_calls += probe->calls;
  }
  stop = true;
  pushing.join();
  EXPECT_GT(total_calls, 0);  // the callbacks really were racing the destructor
}

// Watches come and go while streams are published and ended on other threads.
TEST(LocalBusThreads, NoWatchEventAfterTheWatchIsDestroyed) {
  LocalBus bus(nullptr);
  std::atomic<bool> stop{false};
  std::vector<std::thread> publishers;
  for (int t = 0; t < 2; ++t)
    publishers.emplace_back([&, t] {
      for (int i = 0; !stop; ++i)
        bus.publish(StreamKey{"live", std::to_string(t * 1000 + i % 10), ""},
                    publish_info("internal"));
    });
  int total_events = 0;
  for (int round = 0; round < 300; ++round) {
    auto destroyed = std::make_shared<std::atomic<bool>>(false);
    auto late = std::make_shared<std::atomic<int>>(0);
    auto events = std::make_shared<std::atomic<int>>(0);
    auto watch = bus.watch(WatchFilter{}, [destroyed, late, events](const StreamEvent&) {
      ++*events;
      if (*destroyed) ++*late;
    });
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    watch.reset();
    *destroyed = true;
    std::this_thread::sleep_for(std::chrono::microseconds(100));
    EXPECT_EQ(*late, 0) << "round " << round;
    total_events += *events;
  }
  stop = true;
  for (auto& t : publishers) t.join();
  EXPECT_GT(total_events, 0);
}

// Many threads subscribing and leaving the same stream while it is published,
// ended and republished: nothing crashes and the registry ends up empty.
TEST(LocalBusThreads, ChurnLeavesNoStreamBehind) {
  LocalBus bus(nullptr);
  const StreamKey key{"live", "churn", ""};
  std::atomic<bool> stop{false};
  std::thread publishing([&] {
    for (int generation = 0; !stop; ++generation) {
      auto publisher = bus.publish(key, publish_info("internal"));
      if (!publisher) continue;
      publisher->push(video_config());
      for (int i = 0; i < 100; ++i) publisher->push(frame(i, 10));
    }
  });
  std::vector<std::thread> joiners;
  for (int t = 0; t < 3; ++t)
    joiners.emplace_back([&] {
      std::vector<BusItem> items;
      for (int i = 0; i < 500; ++i) {
        auto subscription = bus.subscribe(key, {}, [] {});
        items.clear();
        subscription->drain(items);
        (void)bus.streams();
      }
    });
  for (auto& t : joiners) t.join();
  stop = true;
  publishing.join();
  EXPECT_TRUE(bus.streams().empty());
}

}  // namespace
}  // namespace streamgate
