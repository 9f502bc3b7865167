#pragma once
// A watch on publish/unpublish events, and the Watch handle that ends it.

#include <memory>

#include "bus/guarded_callback.hpp"
#include "streamgate/bus.hpp"

namespace streamgate::bus {

class StreamRegistry;

struct Watcher {
  Watcher(WatchFilter filter_in, std::function<void(const StreamEvent&)> on_event)
      : filter(std::move(filter_in)), callback(std::move(on_event)) {}

  bool matches(const StreamKey& key) const;

  const WatchFilter filter;
  GuardedCallback<const StreamEvent&> callback;
};

class LocalWatch final : public Watch {
 public:
  LocalWatch(std::shared_ptr<StreamRegistry> registry, std::shared_ptr<Watcher> watcher)
      : registry_(std::move(registry)), watcher_(std::move(watcher)) {}
  ~LocalWatch() override;

 private:
  std::shared_ptr<StreamRegistry> registry_;
  std::shared_ptr<Watcher> watcher_;
};

}  // namespace streamgate::bus
