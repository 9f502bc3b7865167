#include "bus/watcher.hpp"

#include <algorithm>

#include "bus/stream_registry.hpp"

namespace streamgate::bus {

bool Watcher::matches(const StreamKey& key) const {
  if (key.variant != filter.variant) return false;
  return filter.apps.empty() ||
         std::find(filter.apps.begin(), filter.apps.end(), key.app) != filter.apps.end();
}

LocalWatch::~LocalWatch() {
  watcher_->callback.close();  // first: no event after this destructor returns
  registry_->unwatch(watcher_.get());
}

}  // namespace streamgate::bus
