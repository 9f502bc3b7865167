#pragma once
// The registry of streams and watchers behind LocalBus. Handles keep it alive
// (shared_ptr), so a handle may outlive the LocalBus that made it.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "bus/gop_cache.hpp"
#include "streamgate/bus.hpp"

namespace spdlog {
class logger;
}

namespace streamgate::bus {

class StreamEntry;
class Subscriber;
struct Watcher;

// Locks, in the order they may nest:
//   events_mutex_ (recursive; held while watchers hear an event, so every
//     watcher hears events in the order the registry changed, and a watcher
//     registering hears "already live" streams before anything newer)
//   -> a watcher's callback guard
//   -> mutex_ (the map and the watcher list)
//   -> a StreamEntry's lock -> a Subscriber's queue lock.
// No callback runs under mutex_ or an entry lock.
class StreamRegistry : public std::enable_shared_from_this<StreamRegistry> {
 public:
  StreamRegistry(std::shared_ptr<spdlog::logger> logger, GopLimits gop_limits);

  std::unique_ptr<Publisher> publish(const StreamKey& key, PublishInfo info);
  std::unique_ptr<Subscription> subscribe(const StreamKey& key, const SubscribeOptions& options,
                                          std::function<void()> on_ready);
  std::unique_ptr<Watch> watch(WatchFilter filter,
                               std::function<void(const StreamEvent&)> on_event);
  std::vector<StreamStatus> streams() const;
  std::optional<StreamStatus> stream(const StreamKey& key) const;
  void clear();

  // Called by the handles.
  void end(const std::shared_ptr<StreamEntry>& entry, std::uint64_t generation);
  void unsubscribe(const std::shared_ptr<StreamEntry>& entry,
                   const std::shared_ptr<Subscriber>& subscriber);
  void unwatch(const Watcher* watcher);

 private:
  using WatcherList = std::vector<std::shared_ptr<Watcher>>;

  // Both with mutex_ held.
  std::shared_ptr<StreamEntry> find_or_create(const StreamKey& key);
  void forget_if_idle(const std::shared_ptr<StreamEntry>& entry);

  void tell(const WatcherList& watchers, const StreamEvent& event);

  const std::shared_ptr<spdlog::logger> logger_;
  const GopLimits gop_limits_;
  std::recursive_mutex events_mutex_;
  mutable std::mutex mutex_;
  std::map<StreamKey, std::shared_ptr<StreamEntry>> streams_;
  WatcherList watchers_;
  std::atomic<std::uint64_t> next_subscriber_id_{1};
};

}  // namespace streamgate::bus
