#pragma once
// An HttpServer on loopback port 0 with two worker io_contexts run by this
// fixture, a logger whose lines the test can read, and curl as a real peer.

#include <spdlog/logger.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "http/http_server.hpp"
#include "support/process.hpp"

namespace streamgate::test {

class CaptureSink;

class TestServer {
 public:
  static HttpServerSettings loopback_settings();

  explicit TestServer(HttpServerSettings settings = loopback_settings());
  ~TestServer();

  HttpServer& server() { return *server_; }
  HttpRouter& router() { return server_->router(); }
  std::uint16_t port() const { return server_->bound_ports().at(0); }
  std::string url(std::string_view target) const;

  /// Stops the worker io_contexts and joins their threads (for stop() with
  /// workers that no longer run). Handles to connections must be dropped
  /// before this fixture goes.
  void stop_workers();

  /// Every log line so far ("level message").
  std::vector<std::string> log_lines() const;
  /// Waits up to 5 s for a log line containing every one of `parts`.
  bool wait_for_log(std::initializer_list<std::string_view> parts) const;

 private:
  using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> workers_;
  std::vector<WorkGuard> guards_;
  std::vector<std::thread> threads_;
  std::shared_ptr<CaptureSink> sink_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<HttpServer> server_;
};

/// Runs curl with `args` (plus -sS); 20 s at most.
RunResult curl(std::vector<std::string> args);

/// A handler answering 200 text/plain with `body`.
HttpHandler reply(std::string body);

std::string to_string(const SharedBytes& bytes);

}  // namespace streamgate::test
