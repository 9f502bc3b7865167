#pragma once
// The bus's side of one subscription: its queue, its lock and its on_ready
// callback. Shared by the stream (which pushes) and the Subscription handle
// (which drains).

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "bus/guarded_callback.hpp"
#include "bus/subscriber_queue.hpp"
#include "streamgate/bus.hpp"

namespace spdlog {
class logger;
}

namespace streamgate::bus {

class Subscriber {
 public:
  Subscriber(std::uint64_t id, StreamKey key, const SubscribeOptions& options,
             std::function<void()> on_ready, std::shared_ptr<spdlog::logger> logger);

  // Producer side: each takes the queue lock briefly and, when the queue
  // became non-empty, flags a notification for notify_if_pending().
  void offer(const PacketPtr& packet, TrackKind resync);
  void start(const std::shared_ptr<const PublishInfo>& info);
  void end();
  void clear();

  /// Calls on_ready if an offer flagged it. Call with no bus lock held.
  void notify_if_pending();

  // Consumer side.
  std::size_t drain(std::vector<BusItem>& out);
  SubscriptionStats stats() const;
  /// After this returns on_ready is never called again.
  void close() { on_ready_.close(); }

  std::uint64_t id() const { return id_; }
  const StreamKey& key() const { return key_; }
  bool replay_cache() const { return replay_cache_; }

 private:
  void flag(const OfferResult& result);

  const std::uint64_t id_;
  const StreamKey key_;
  const bool replay_cache_;
  const std::shared_ptr<spdlog::logger> logger_;
  mutable std::mutex mutex_;  // guards queue_ only; held for a few pointer moves
  SubscriberQueue queue_;
  std::atomic<bool> notify_pending_{false};
  GuardedCallback<> on_ready_;
};

}  // namespace streamgate::bus
