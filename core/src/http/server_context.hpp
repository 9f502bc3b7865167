#pragma once
// What every connection of one HttpServer shares with it. Held by shared_ptr
// so a connection kept alive by a late responder never outlives it.

#include <atomic>
#include <memory>

#include "http/connection_registry.hpp"
#include "http/http_router.hpp"
#include "http/http_server.hpp"
#include "http/stream_registry.hpp"

namespace spdlog {
class logger;
}

// Internal to the core, like Beast (see http/beast.hpp).
#pragma GCC visibility push(hidden)

namespace streamgate::http {

struct ServerContext {
  HttpServerSettings settings;
  std::shared_ptr<spdlog::logger> logger;
  HttpRouterImpl router;
  ConnectionRegistry connections;
  StreamRegistry streams;
  std::atomic<bool> stopping{false};
};

}  // namespace streamgate::http

#pragma GCC visibility pop
