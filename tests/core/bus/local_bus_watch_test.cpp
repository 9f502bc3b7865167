// Watchers: filtered publish/unpublish events, "already live" streams, and
// subscribing from inside the callback.

#include <gtest/gtest.h>

#include "bus/local_bus.hpp"
#include "core/bus/packets.hpp"

namespace streamgate {
namespace {

using namespace streamgate::test;  // packet makers and drain helpers
using std::chrono::milliseconds;
using Type = BusItem::Type;

struct Heard {
  StreamEvent::Type type;
  std::string key;
  std::uint64_t generation;
  friend bool operator==(const Heard&, const Heard&) = default;
};

void PrintTo(const Heard& heard, std::ostream* os) {
  *os << (heard.type == StreamEvent::Type::Published ? "published " : "unpublished ") << heard.key
      << " #" << heard.generation;
}

auto recorder(std::vector<Heard>& heard) {
  return [&heard](const StreamEvent& event) {
    heard.push_back({event.type, event.key.str(), event.generation});
  };
}

constexpr auto kPublished = StreamEvent::Type::Published;
constexpr auto kUnpublished = StreamEvent::Type::Unpublished;

TEST(LocalBusWatch, FiltersByAppAndVariant) {
  LocalBus bus(nullptr);
  std::vector<Heard> live_sources;
  std::vector<Heard> every_app;
  std::vector<Heard> mpegts;
  auto w1 = bus.watch(watch_filter({"live"}), recorder(live_sources));
  auto w2 = bus.watch(WatchFilter{}, recorder(every_app));
  auto w3 = bus.watch(watch_filter({}, "mpegts"), recorder(mpegts));

  auto a = bus.publish(StreamKey{"live", "a", ""}, publish_info("rtmp"));
  auto b = bus.publish(StreamKey{"other", "b", ""}, publish_info("rtmp"));
  auto c = bus.publish(StreamKey{"live", "a", "mpegts"}, publish_info("internal"));
  a.reset();

  EXPECT_EQ(live_sources,
            (std::vector<Heard>{{kPublished, "live/a", 1}, {kUnpublished, "live/a", 1}}));
  EXPECT_EQ(every_app, (std::vector<Heard>{{kPublished, "live/a", 1},
                                           {kPublished, "other/b", 1},
                                           {kUnpublished, "live/a", 1}}));
  EXPECT_EQ(mpegts, (std::vector<Heard>{{kPublished, "live/a#mpegts", 1}}));
}

TEST(LocalBusWatch, HearsStreamsAlreadyLiveBeforeWatchReturns) {
  LocalBus bus(nullptr);
  auto a = bus.publish(StreamKey{"live", "a", ""}, publish_info("rtmp", "p"));
  auto ended = bus.publish(StreamKey{"live", "gone", ""}, publish_info("rtmp"));
  ended.reset();
  std::vector<Heard> heard;
  std::shared_ptr<const PublishInfo> info;
  auto watch = bus.watch(watch_filter({"live"}), [&](const StreamEvent& event) {
    heard.push_back({event.type, event.key.str(), event.generation});
    info = event.info;
  });
  EXPECT_EQ(heard, (std::vector<Heard>{{kPublished, "live/a", 1}}));
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->peer, "p");
}

TEST(LocalBusWatch, UnpublishedCarriesTheGenerationThatEnded) {
  LocalBus bus(nullptr);
  const StreamKey key{"live", "a", ""};
  auto keep_entry = bus.subscribe(key, {}, [] {});
  std::vector<Heard> heard;
  auto watch = bus.watch(WatchFilter{}, recorder(heard));
  bus.publish(key, publish_info("rtmp"));  // dropped at once: publish then end
  bus.publish(key, publish_info("rtmp"));
  EXPECT_EQ(heard, (std::vector<Heard>{{kPublished, "live/a", 1},
                                       {kUnpublished, "live/a", 1},
                                       {kPublished, "live/a", 2},
                                       {kUnpublished, "live/a", 2}}));
}

TEST(LocalBusWatch, RefusedPublishIsNotAnnounced) {
  LocalBus bus(nullptr);
  const StreamKey key{"live", "a", ""};
  auto publisher = bus.publish(key, publish_info("rtmp"));
  std::vector<Heard> heard;
  auto watch = bus.watch(WatchFilter{}, recorder(heard));
  EXPECT_EQ(bus.publish(key, publish_info("rtmp")), nullptr);
  EXPECT_EQ(heard, (std::vector<Heard>{{kPublished, "live/a", 1}}));
}

TEST(LocalBusWatch, DestroyedWatchHearsNothingMore) {
  LocalBus bus(nullptr);
  std::vector<Heard> heard;
  auto watch = bus.watch(WatchFilter{}, recorder(heard));
  auto a = bus.publish(StreamKey{"live", "a", ""}, publish_info("rtmp"));
  watch.reset();
  a.reset();
  auto b = bus.publish(StreamKey{"live", "b", ""}, publish_info("rtmp"));
  EXPECT_EQ(heard, (std::vector<Heard>{{kPublished, "live/a", 1}}));
}

TEST(LocalBusWatch, SubscribingFromTheCallbackMissesNoPacket) {
  LocalBus bus(nullptr);
  const StreamKey key{"live", "a", ""};
  std::unique_ptr<Subscription> subscription;
  auto watch = bus.watch(WatchFilter{}, [&](const StreamEvent& event) {
    if (event.type == kPublished) subscription = bus.subscribe(event.key, {}, [] {});
  });
  auto publisher = bus.publish(key, publish_info("rtmp"));
  ASSERT_NE(subscription, nullptr);
  const auto first = video_config();
  publisher->push(first);
  publisher->push(video(milliseconds{0}, true));
  const auto items = drain_all(*subscription);
  ASSERT_EQ(types_of(items), (std::vector<Type>{Type::StreamStart, Type::Media, Type::Media}));
  EXPECT_EQ(items[1].packet, first);
}

// A transmuxer: on a source stream it subscribes and publishes a derived one,
// all from inside the callback; a variant watcher hears the derived stream.
TEST(LocalBusWatch, CallbackMayPublishAndEndDerivedStreams) {
  LocalBus bus(nullptr);
  std::unique_ptr<Publisher> derived;
  std::vector<Heard> heard_derived;
  auto variant_watch = bus.watch(watch_filter({}, "mpegts"), recorder(heard_derived));
  auto source_watch = bus.watch(WatchFilter{}, [&](const StreamEvent& event) {
    if (event.type == kPublished)
      derived =
          bus.publish(StreamKey{event.key.app, event.key.name, "mpegts"}, publish_info("internal"));
    else
      derived.reset();
  });
  auto source = bus.publish(StreamKey{"live", "a", ""}, publish_info("rtmp"));
  ASSERT_NE(derived, nullptr);
  source.reset();
  EXPECT_EQ(derived, nullptr);
  EXPECT_EQ(heard_derived, (std::vector<Heard>{{kPublished, "live/a#mpegts", 1},
                                               {kUnpublished, "live/a#mpegts", 1}}));
}

TEST(LocalBusWatch, WatchMayBeDestroyedFromItsOwnCallback) {
  LocalBus bus(nullptr);
  std::unique_ptr<Watch> watch;
  int calls = 0;
  watch = bus.watch(WatchFilter{}, [&](const StreamEvent&) {
    ++calls;
    watch.reset();
  });
  auto a = bus.publish(StreamKey{"live", "a", ""}, publish_info("rtmp"));
  a.reset();
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace streamgate
