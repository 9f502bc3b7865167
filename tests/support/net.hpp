#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace streamgate::test {

/// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0 and released).
std::uint16_t free_tcp_port();

/// True once something accepts TCP connections on host:port, false at the timeout.
bool wait_for_port(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout);

/// A plain HTTP GET with Beast; returns status (0 when no connection) and body.
struct HttpResult {
  int status = 0;
  std::string body;
  std::string content_type;
  std::string headers;  ///< raw header block
};
HttpResult http_get(const std::string& host, std::uint16_t port, const std::string& target,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace streamgate::test
