#pragma once
// One key in the registry: who publishes it, who listens, and the cache a
// late joiner starts from.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "bus/gop_cache.hpp"
#include "bus/subscriber.hpp"
#include "streamgate/bus.hpp"

namespace spdlog {
class logger;
}

namespace streamgate::bus {

using SubscriberList = std::vector<std::shared_ptr<Subscriber>>;

// Locking: mutex_ guards everything below it. The registry lock, when held, is
// taken before it. Subscribers' locks are taken under it, briefly. on_ready
// callbacks run outside it (notify_pending), since a callback may subscribe or
// unsubscribe. The subscriber list is copy-on-write, so the publisher can
// notify from a snapshot without the lock and without allocating.
class StreamEntry {
 public:
  StreamEntry(StreamKey key, GopLimits gop_limits, std::shared_ptr<spdlog::logger> logger);

  const StreamKey& key() const { return key_; }

  /// Claims the key; returns the new generation, or nullopt if it is live.
  std::optional<std::uint64_t> start(std::shared_ptr<const PublishInfo> info);
  /// Ends the publish `generation`; false if that one is not live any more.
  bool end(std::uint64_t generation);
  /// The publisher's fast path: cache, fan out, then notify.
  void push(const PacketPtr& packet, std::uint64_t generation);

  /// Adds `subscriber`; if live, queues StreamStart and (if asked) the cache.
  void attach(const std::shared_ptr<Subscriber>& subscriber);
  void detach(const Subscriber* subscriber);

  /// Calls on_ready for every subscriber an earlier call flagged.
  void notify_pending() const;

  /// No publisher and no subscriber: the registry may forget this entry.
  bool idle() const;
  StreamStatus status() const;
  /// Bus shutdown: drops the publish, the cache, every subscriber and queue.
  void clear();

 private:
  TrackKind resync_kind() const;
  std::shared_ptr<const SubscriberList> snapshot() const;

  const StreamKey key_;
  const std::shared_ptr<spdlog::logger> logger_;
  mutable std::mutex mutex_;
  std::shared_ptr<const SubscriberList> subscribers_;
  GopCache cache_;
  std::shared_ptr<const PublishInfo> info_;
  bool live_ = false;
  bool has_video_ = false;
  bool has_mux_ = false;
  std::uint64_t generation_ = 0;  // publishes of this key while the entry lived
  std::uint64_t packets_in_ = 0;  // of the current (or last) publish
  std::uint64_t bytes_in_ = 0;
};

}  // namespace streamgate::bus
