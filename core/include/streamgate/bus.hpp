#pragma once
// The stream registry and publisher/subscriber bus.
//
// Streams are keyed app/name (plus an optional variant for derived streams
// such as the MPEG-TS output of a source stream). One publisher owns a key at
// a time; any number of subscribers may attach before or after it arrives.
// A packet is pushed once and shared by every subscriber (no copies). Each
// subscriber has a bounded queue: when it is full, queued media is dropped and
// the subscriber skips to the next keyframe; the publisher never waits.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "streamgate/media.hpp"

namespace streamgate {

struct StreamKey {
  std::string app;
  std::string name;
  std::string variant;  ///< empty for the source stream; e.g. "mpegts" for a derived one

  std::string str() const;  ///< "app/name" or "app/name#variant"
  friend auto operator<=>(const StreamKey&, const StreamKey&) = default;
};

enum class PublishMode : std::uint8_t { Invalid = 0, Live, Record, Append };

std::string_view to_string(PublishMode mode) noexcept;

/// What a publisher says about itself; given to every subscriber and watcher.
struct PublishInfo {
  PublishMode mode = PublishMode::Live;
  std::string protocol;  ///< "rtmp", "internal", ...
  std::string peer;      ///< remote address "ip:port", empty for internal producers
  std::string query;     ///< the query string the publisher used (without '?')
};

/// One element of a subscriber's queue.
struct BusItem {
  enum class Type : std::uint8_t { Invalid = 0, StreamStart, Media, StreamEnd };
  Type type = Type::Invalid;
  /// Media: the packet. StreamStart/StreamEnd: null.
  PacketPtr packet;
  /// StreamStart: 1 for the first publish this subscriber sees of the key, then
  /// counts up; a value > 1 means a republish (a discontinuity).
  std::uint64_t generation = 0;
  /// StreamStart: who publishes.
  std::shared_ptr<const PublishInfo> info;
  /// Media: packets were dropped right before this one (the queue overflowed).
  bool after_drop = false;
};

struct SubscribeOptions {
  /// Queue bound in payload bytes; past it, queued media is dropped.
  std::size_t max_queue_bytes = 8u << 20;
  /// Queue bound in media time (newest minus oldest queued DTS).
  std::chrono::milliseconds max_queue_duration{10'000};
  /// Start a late joiner with metadata, codec configs and the cached GOP.
  bool replay_cache = true;
};

struct SubscriptionStats {
  std::uint64_t delivered_packets = 0;
  std::uint64_t dropped_packets = 0;
  std::uint64_t dropped_bytes = 0;
  std::size_t queued_bytes = 0;
  std::size_t queued_items = 0;
};

/// A subscriber's end. Destroying it detaches from the stream.
class Subscription {
 public:
  virtual ~Subscription() = default;
  /// Moves every queued item into `out` (appending); returns how many.
  /// Call from your own executor after `on_ready` fired (or any time).
  virtual std::size_t drain(std::vector<BusItem>& out) = 0;
  virtual SubscriptionStats stats() const = 0;
  virtual const StreamKey& key() const = 0;
};

/// A publisher's end. Destroying it (or calling end()) unpublishes: every
/// subscriber receives StreamEnd.
class Publisher {
 public:
  virtual ~Publisher() = default;
  /// Shares `packet` with every subscriber. Never blocks on a subscriber.
  /// Config packets and ScriptData metadata are remembered for late joiners.
  virtual void push(PacketPtr packet) = 0;
  virtual void end() = 0;
  virtual const StreamKey& key() const = 0;
  virtual std::uint64_t generation() const = 0;
};

/// Published / unpublished notice for plugins that act on every stream.
struct StreamEvent {
  enum class Type : std::uint8_t { Invalid = 0, Published, Unpublished };
  Type type = Type::Invalid;
  StreamKey key;
  std::shared_ptr<const PublishInfo> info;
  std::uint64_t generation = 0;
};

/// Which streams a watcher hears about. Empty app = every app.
struct WatchFilter {
  std::vector<std::string> apps;  ///< empty: all apps
  std::string variant;            ///< "" = source streams only
};

class Watch {
 public:
  virtual ~Watch() = default;
};

/// Snapshot of one stream, for status pages and tests.
struct StreamStatus {
  StreamKey key;
  bool live = false;
  std::size_t subscribers = 0;
  std::uint64_t generation = 0;
  std::uint64_t packets_in = 0;
  std::uint64_t bytes_in = 0;
  std::shared_ptr<const PublishInfo> info;
};

class Bus {
 public:
  virtual ~Bus() = default;

  /// Claims `key`. Returns null if the key is already published (the live
  /// publisher is not disturbed).
  virtual std::unique_ptr<Publisher> publish(const StreamKey& key, PublishInfo info) = 0;

  /// Attaches to `key`, published or not. `on_ready` is called (from the
  /// publisher's thread, never under a lock the subscriber could need) when the
  /// queue goes from empty to non-empty; keep it cheap, e.g. post to your
  /// executor and drain() there. It is never called after the Subscription
  /// is destroyed.
  virtual std::unique_ptr<Subscription> subscribe(const StreamKey& key, SubscribeOptions options,
                                                  std::function<void()> on_ready) = 0;

  /// Calls `on_event` for streams matching `filter`: at once for streams
  /// already live, then synchronously on every publish/unpublish (so a
  /// watcher that subscribes from the callback misses nothing). Keep it quick.
  virtual std::unique_ptr<Watch> watch(WatchFilter filter,
                                       std::function<void(const StreamEvent&)> on_event) = 0;

  virtual std::vector<StreamStatus> streams() const = 0;
  virtual std::optional<StreamStatus> stream(const StreamKey& key) const = 0;
};

}  // namespace streamgate
