#include "test_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <stdexcept>

namespace streamgate::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

TestClient::TestClient(std::uint16_t port, std::string host) : stream_(io_), host_(std::move(host)) {
  stream_.expires_after(std::chrono::seconds(5));
  stream_.connect(asio::ip::tcp::endpoint(asio::ip::make_address(host_), port));
}

Response TestClient::get(std::string_view target, bhttp::verb method) {
  bhttp::request<bhttp::empty_body> request{method, target, 11};
  request.set(bhttp::field::host, host_);
  stream_.expires_after(std::chrono::seconds(5));
  bhttp::write(stream_, request);
  return read_response(method == bhttp::verb::head);
}

void TestClient::send(std::string_view raw) {
  stream_.expires_after(std::chrono::seconds(5));
  asio::write(stream_, asio::buffer(raw.data(), raw.size()));
}

Response TestClient::read_response(bool head) {
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 << 20);
  parser.skip(head);
  stream_.expires_after(std::chrono::seconds(5));
  bhttp::read(stream_, buffer_, parser);
  return parser.release();
}

std::string TestClient::read_bytes(std::size_t count, std::chrono::milliseconds timeout) {
  std::string out(static_cast<const char*>(buffer_.data().data()), buffer_.size());
  buffer_.consume(buffer_.size());
  stream_.expires_after(timeout);
  while (out.size() < count) {
    char chunk[4096];
    beast::error_code ec;
    auto n = stream_.read_some(asio::buffer(chunk, std::min(sizeof chunk, count - out.size())), ec);
    out.append(chunk, n);
    if (ec) break;
  }
  return out;
}

std::string TestClient::read_until_closed(bool& closed, std::chrono::milliseconds timeout) {
  std::string out(static_cast<const char*>(buffer_.data().data()), buffer_.size());
  buffer_.consume(buffer_.size());
  stream_.expires_after(timeout);
  closed = false;
  for (;;) {
    char chunk[4096];
    beast::error_code ec;
    auto n = stream_.read_some(asio::buffer(chunk), ec);
    out.append(chunk, n);
    if (ec == asio::error::eof || ec == asio::error::connection_reset) closed = true;
    if (ec) return out;
  }
}

bool TestClient::wait_closed(std::chrono::milliseconds timeout) {
  bool closed = false;
  read_until_closed(closed, timeout);
  return closed;
}

void TestClient::close() {
  beast::error_code ec;
  stream_.socket().shutdown(asio::socket_base::shutdown_both, ec);
  stream_.socket().close(ec);
}

std::uint16_t TestClient::local_port() const { return stream_.socket().local_endpoint().port(); }

}  // namespace streamgate::test
