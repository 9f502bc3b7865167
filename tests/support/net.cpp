#include "support/net.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <sstream>
#include <thread>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace streamgate::test {

std::uint16_t free_tcp_port() {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

bool wait_for_port(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    asio::io_context io;
    tcp::socket socket(io);
    boost::system::error_code ec;
    socket.connect(tcp::endpoint(asio::ip::make_address(host), port), ec);
    if (!ec) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

HttpResult http_get(const std::string& host, std::uint16_t port, const std::string& target,
                    std::chrono::milliseconds timeout) {
  HttpResult result;
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(timeout);
  boost::system::error_code ec;
  stream.connect(tcp::endpoint(asio::ip::make_address(host), port), ec);
  if (ec) return result;
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, host + ":" + std::to_string(port));
  request.set(http::field::connection, "close");
  http::write(stream, request, ec);
  if (ec) return result;
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response, ec);
  if (ec && ec != http::error::end_of_stream) return result;
  result.status = response.result_int();
  result.body = response.body();
  result.content_type = std::string(response[http::field::content_type]);
  std::ostringstream headers;
  headers << response.base();
  result.headers = headers.str();
  return result;
}

}  // namespace streamgate::test
