#pragma once
// The core's HTTP/1.1 server (Boost.Beast inside; none of it visible here).
// It accepts on every listen address, spreads connections over the worker
// io_contexts round-robin and serves the routes plugins add to router().
//
// Shutdown order: stop() before the workers stop; every HttpRoute,
// HttpResponder and HttpStream a plugin holds must be released before the
// workers' io_contexts are destroyed (a late answer after stop() is
// harmless, but the connection behind a handle lives on its io_context).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "streamgate/config.hpp"
#include "streamgate/http.hpp"

namespace boost::asio {
class io_context;
}
namespace spdlog {
class logger;
}

namespace streamgate {

class Bus;

struct HttpServerSettings {
  std::vector<ListenAddress> listen;
  // Request line + header + body; past it: 431 (header) or 413 (body).
  std::size_t max_request_bytes = 16 * 1024;
  // Idle time allowed between two requests on one connection.
  std::chrono::milliseconds keepalive_timeout{30000};
  // Time allowed to receive one whole request once it started (or, for a new
  // connection, from accept).
  std::chrono::milliseconds request_timeout{10000};
  // Past it a new connection gets 503 and is closed.
  std::size_t max_connections = 10000;
  // The same, per client address (clients behind one NAT share an address).
  std::size_t max_connections_per_ip = 2000;
};

class HttpServer {
 public:
  /// `workers` must outlive the server and be run by the caller; each is
  /// expected to be one event loop (connections also use strands, so a
  /// multi-threaded io_context works too).
  HttpServer(std::vector<boost::asio::io_context*> workers, HttpServerSettings settings,
             std::shared_ptr<spdlog::logger> logger);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  HttpRouter& router();

  /// Binds every listen address and starts accepting. Throws
  /// std::runtime_error naming the address that failed (nothing stays bound).
  void start();

  /// Closes the listeners and every connection (streams included: their
  /// on_closed fires) and waits until the workers have done so. Called from
  /// a worker thread it cannot wait and returns once everything is asked to close.
  /// Either way, once it returns no HttpStream callback runs any more: what
  /// the workers did not get to (or could not, having stopped) runs inside
  /// stop(), after a callback running on another thread has returned.
  void stop();

  /// The ports actually bound, in listen order (for tests that listen on port 0).
  std::vector<std::uint16_t> bound_ports() const;

  /// GET /api/streams: the bus's streams as JSON. `bus` must outlive the server.
  void register_status_routes(Bus& bus);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;  // shared: accept handlers hold it weakly
};

}  // namespace streamgate
