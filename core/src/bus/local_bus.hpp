#pragma once
// The in-process bus the host hands to every plugin (SDK contract: bus.hpp).
//
// Threading: every method may be called from any thread. on_ready runs on the
// thread that pushed (or published / ended); a cache replayed to a late joiner
// is announced by the publisher's next push, so a subscriber that wants to start
// at once calls drain() right after subscribe(). Watch callbacks run inside
// publish()/end() (and inside watch() for streams already live), one event at a
// time bus-wide. Callbacks must not block, and on_ready must not publish or end
// a stream (it may subscribe, unsubscribe, drain or push).

#include <memory>
#include <optional>
#include <vector>

#include "bus/gop_cache.hpp"
#include "streamgate/bus.hpp"

namespace spdlog {
class logger;
}

namespace streamgate {

namespace bus {
class StreamRegistry;
}

class LocalBus final : public Bus {
 public:
  explicit LocalBus(std::shared_ptr<spdlog::logger> logger);
  LocalBus(std::shared_ptr<spdlog::logger> logger, bus::GopLimits gop_limits);
  ~LocalBus() override;

  LocalBus(const LocalBus&) = delete;
  LocalBus& operator=(const LocalBus&) = delete;

  /// Host shutdown: drops every stream, queue and cached packet. Handles stay
  /// valid (pushes are ignored, drains return nothing) and watchers hear no more.
  void clear();

  std::unique_ptr<Publisher> publish(const StreamKey& key, PublishInfo info) override;
  std::unique_ptr<Subscription> subscribe(const StreamKey& key, SubscribeOptions options,
                                          std::function<void()> on_ready) override;
  std::unique_ptr<Watch> watch(WatchFilter filter,
                               std::function<void(const StreamEvent&)> on_event) override;
  std::vector<StreamStatus> streams() const override;
  std::optional<StreamStatus> stream(const StreamKey& key) const override;

 private:
  std::shared_ptr<bus::StreamRegistry> registry_;
};

}  // namespace streamgate
