#pragma once
// A blocking Beast HTTP client for the server tests: whole requests and
// responses, or raw bytes when the test checks the wire format itself.

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace streamgate::test {

using Response = boost::beast::http::response<boost::beast::http::string_body>;

class TestClient {
 public:
  explicit TestClient(std::uint16_t port, std::string host = "127.0.0.1");

  /// Sends a complete request (Host set, keep-alive) and reads the response.
  Response get(std::string_view target, boost::beast::http::verb method = boost::beast::http::verb::get);
  void send(std::string_view raw);
  /// Reads one response; `head`: the answer to HEAD (no body follows).
  Response read_response(bool head = false);
  /// Reads raw bytes until `count` have arrived (or the timeout / EOF).
  std::string read_bytes(std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  /// Reads everything until the server closes; `closed` tells whether it did in time.
  std::string read_until_closed(bool& closed, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  /// True when the server closes the connection within `timeout`.
  bool wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  void close();

  /// The client's own port, as the server sees it in HttpRequest::peer.
  std::uint16_t local_port() const;

 private:
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::string host_;
};

}  // namespace streamgate::test
