#include "bus/local_bus.hpp"

#include <spdlog/spdlog.h>

#include "bus/stream_registry.hpp"

namespace streamgate {

namespace {

// A logger with no sinks, so a bus built without one (tests) needs no checks.
std::shared_ptr<spdlog::logger> or_silent(std::shared_ptr<spdlog::logger> logger) {
  return logger ? std::move(logger) : std::make_shared<spdlog::logger>("core.bus");
}

}  // namespace

LocalBus::LocalBus(std::shared_ptr<spdlog::logger> logger)
    : LocalBus(std::move(logger), bus::GopLimits{}) {}

LocalBus::LocalBus(std::shared_ptr<spdlog::logger> logger, bus::GopLimits gop_limits)
    : registry_(std::make_shared<bus::StreamRegistry>(or_silent(std::move(logger)), gop_limits)) {}

LocalBus::~LocalBus() { clear(); }

void LocalBus::clear() { registry_->clear(); }

std::unique_ptr<Publisher> LocalBus::publish(const StreamKey& key, PublishInfo info) {
  return registry_->publish(key, std::move(info));
}

std::unique_ptr<Subscription> LocalBus::subscribe(const StreamKey& key, SubscribeOptions options,
                                                  std::function<void()> on_ready) {
  return registry_->subscribe(key, options, std::move(on_ready));
}

std::unique_ptr<Watch> LocalBus::watch(WatchFilter filter,
                                       std::function<void(const StreamEvent&)> on_event) {
  return registry_->watch(std::move(filter), std::move(on_event));
}

std::vector<StreamStatus> LocalBus::streams() const { return registry_->streams(); }

std::optional<StreamStatus> LocalBus::stream(const StreamKey& key) const {
  return registry_->stream(key);
}

}  // namespace streamgate
