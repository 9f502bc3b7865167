// Fan-out cost: one publisher pushing to N subscribers that drain every 32
// packets (about what a player session does per network write). Reports
// packets x subscribers per second, so the per-subscriber cost is 1/rate.
//   build/bench/bus_bench [--benchmark_filter=...]

#include <benchmark/benchmark.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "bus/local_bus.hpp"

namespace streamgate {
namespace {

constexpr int kDrainEvery = 32;

std::vector<PacketPtr> make_gop(int frames) {
  std::vector<PacketPtr> out;
  for (int i = 0; i < frames; ++i) {
    auto packet = std::make_shared<MediaPacket>();
    packet->kind = TrackKind::Video;
    packet->codec = Codec::H264;
    packet->dts = packet->pts = std::chrono::milliseconds{i * 33};
    packet->keyframe = i == 0;
    ByteBuffer bytes(1400);
    packet->payload = std::move(bytes).freeze();
    out.push_back(std::move(packet));
  }
  return out;
}

// One live stream with `subscribers` subscriptions.
struct FanOut {
  explicit FanOut(int subscribers) {
    const StreamKey key{"live", "bench", ""};
    PublishInfo info;
    info.protocol = "internal";
    publisher = bus.publish(key, info);
    for (int i = 0; i < subscribers; ++i) subscriptions.push_back(bus.subscribe(key, {}, [] {}));
  }
  LocalBus bus{nullptr};
  std::unique_ptr<Publisher> publisher;
  std::vector<std::unique_ptr<Subscription>> subscriptions;
};

// Same thread pushes and drains: the cost of the fan-out itself.
void BM_PushAndDrain(benchmark::State& state) {
  const auto subscribers = static_cast<int>(state.range(0));
  FanOut fan_out(subscribers);
  auto& publisher = fan_out.publisher;
  auto& subscriptions = fan_out.subscriptions;
  const auto gop = make_gop(60);
  std::vector<BusItem> items;
  std::size_t n = 0;
  for (auto _ : state) {
    publisher->push(gop[n % gop.size()]);
    if (++n % kDrainEvery == 0)
      for (auto& subscription : subscriptions) {
        items.clear();
        subscription->drain(items);
      }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * subscribers);
}
BENCHMARK(BM_PushAndDrain)->Arg(1)->Arg(10)->Arg(100)->Arg(1000);

// Consumers on another thread drain while the publisher pushes: adds the
// contention on each subscriber's queue lock.
void BM_PushWithConcurrentDrain(benchmark::State& state) {
  const auto subscribers = static_cast<int>(state.range(0));
  FanOut fan_out(subscribers);
  auto& publisher = fan_out.publisher;
  auto& subscriptions = fan_out.subscriptions;
  std::atomic<bool> stop{false};
  std::thread consumer([&] {
    std::vector<BusItem> items;
    while (!stop.load(std::memory_order_relaxed))
      for (auto& subscription : subscriptions) {
        items.clear();
        subscription->drain(items);
      }
  });
  const auto gop = make_gop(60);
  std::size_t n = 0;
  for (auto _ : state) publisher->push(gop[n++ % gop.size()]);
  stop = true;
  consumer.join();
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * subscribers);
}
BENCHMARK(BM_PushWithConcurrentDrain)->Arg(10)->Arg(100)->Arg(1000)->UseRealTime();

}  // namespace
}  // namespace streamgate

BENCHMARK_MAIN();
