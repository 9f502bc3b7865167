#include "http/http_listener.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <stdexcept>

namespace streamgate::http {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// After a failed accept (e.g. out of file descriptors) wait before the next
// try rather than spin.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

}  // namespace

HttpListener::HttpListener(asio::io_context& io, const tcp::endpoint& endpoint, bool v6_only, std::string name,
                           std::shared_ptr<spdlog::logger> logger)
    : strand_(asio::make_strand(io)),
      acceptor_(strand_),
      retry_timer_(strand_),
      name_(std::move(name)),
      logger_(std::move(logger)) {
  boost::system::error_code ec;
  auto fail = [&](const char* step) {
    throw std::runtime_error("http: cannot listen on " + name_ + ": " + step + ": " + ec.message());
  };
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) fail("open");
  acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (ec) fail("SO_REUSEADDR");
  if (endpoint.address().is_v6()) {
    acceptor_.set_option(asio::ip::v6_only(v6_only), ec);
    if (ec) fail("IPV6_V6ONLY");
  }
  acceptor_.bind(endpoint, ec);
  if (ec) fail("bind");
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) fail("listen");
  port_ = acceptor_.local_endpoint(ec).port();
}

void HttpListener::start(StrandPicker pick_strand, AcceptHandler on_accept) {
  pick_strand_ = std::move(pick_strand);
  on_accept_ = std::move(on_accept);
  asio::post(strand_, [self = shared_from_this()] { self->accept(); });
}

std::future<void> HttpListener::close() {
  auto closed = std::make_shared<std::promise<void>>();
  auto future = closed->get_future();
  asio::post(strand_, [self = shared_from_this(), closed] {
    boost::system::error_code ec;
    self->acceptor_.close(ec);
    self->retry_timer_.cancel();
    closed->set_value();
  });
  return future;
}

void HttpListener::accept() {
  if (!acceptor_.is_open()) return;
  acceptor_.async_accept(pick_strand_(), [self = shared_from_this()](boost::system::error_code ec, Socket socket) {
    if (!self->acceptor_.is_open()) return;
    if (!ec) {
      self->on_accept_(std::move(socket));
      return self->accept();
    }
    if (ec == asio::error::operation_aborted) return;
    if (ec == asio::error::connection_aborted) return self->accept();  // that client only
    self->logger_->warn("http: listener {} failed to accept: {}", self->name_, ec.message());
    self->retry_timer_.expires_after(kAcceptRetryDelay);
    self->retry_timer_.async_wait([self](boost::system::error_code wait_ec) {
      if (!wait_ec) self->accept();
    });
  });
}

}  // namespace streamgate::http
