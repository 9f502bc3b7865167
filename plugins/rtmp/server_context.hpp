#pragma once
// What every listener and session of the rtmp plugin shares: the settings,
// the connection limits, the host, the logger, the session registry and each
// worker's feeds. Held by shared_ptr so a session never outlives what it
// points into.

#include <atomic>
#include <memory>
#include <vector>

#include "connection_limits.hpp"
#include "feed.hpp"
#include "rtmp_config.hpp"
#include "session_registry.hpp"
#include "streamgate/host.hpp"

namespace spdlog {
class logger;
}

namespace streamgate::rtmp {

struct ServerContext {
  ServerContext(RtmpConfig config_in, Host& host_in)
      : config(std::move(config_in)),
        server(config.server()),
        subscribe(config.subscribe()),
        limits(config.admission()),
        host(host_in),
        logger(host_in.logger()),
        feeds(host_in.worker_count()) {}

  const RtmpConfig config;
  const ServerConfig server;
  const SubscribeOptions subscribe;
  ConnectionLimits limits;
  Host& host;
  const std::shared_ptr<spdlog::logger> logger;
  SessionRegistry sessions;
  std::vector<FeedTable> feeds;  // by worker index; each used on its worker's thread only
  std::atomic<bool> stopping{false};
};

}  // namespace streamgate::rtmp
