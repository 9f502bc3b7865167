#include "http/stream_registry.hpp"

#include <algorithm>

namespace streamgate::http {

std::shared_ptr<StreamCallbacks> StreamRegistry::create(std::shared_ptr<spdlog::logger> logger,
                                                        std::string peer) {
  auto callbacks = std::make_shared<StreamCallbacks>(std::move(logger), std::move(peer));
  std::lock_guard lock(mutex_);
  if (stopped_) {
    callbacks->born_stopped();
    return callbacks;
  }
  if (streams_.size() >= prune_at_) {
    std::erase_if(streams_, [](const auto& weak) { return weak.expired(); });
    prune_at_ = std::max<std::size_t>(64, streams_.size() * 2);
  }
  streams_.push_back(callbacks);
  return callbacks;
}

void StreamRegistry::stop_all() {
  std::vector<std::shared_ptr<StreamCallbacks>> live;
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    for (auto& weak : streams_) {
      if (auto callbacks = weak.lock()) live.push_back(std::move(callbacks));
    }
    streams_.clear();
  }
  // Outside the lock: this runs plugin callbacks, which may start streams.
  for (auto& callbacks : live) callbacks->server_stopped();
}

}  // namespace streamgate::http
