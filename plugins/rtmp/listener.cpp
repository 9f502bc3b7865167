#include "listener.hpp"

#include <spdlog/logger.h>

#include <stdexcept>

#include "peer_address.hpp"
#include "session.hpp"

namespace streamgate::rtmp {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// After a failed accept (e.g. out of file descriptors) wait before the next
// try rather than spin.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
constexpr std::chrono::seconds kRefusalLogInterval{1};

}  // namespace

std::vector<ListenEndpoint> endpoints_for(const ListenAddress& address) {
  if (address.host.empty()) {
    asio::io_context probe_io;
    tcp::acceptor probe(probe_io);
    boost::system::error_code ec;
    probe.open(tcp::v6(), ec);
    if (!ec) return {{tcp::endpoint(tcp::v6(), address.port), false}};
    return {{tcp::endpoint(tcp::v4(), address.port), true}};
  }
  boost::system::error_code ec;
  const auto literal = asio::ip::make_address(address.host, ec);
  if (!ec) return {{tcp::endpoint(literal, address.port), true}};
  asio::io_context resolve_io;
  tcp::resolver resolver(resolve_io);
  const auto results =
      resolver.resolve(address.host, std::to_string(address.port), tcp::resolver::passive, ec);
  if (ec || results.empty())
    throw std::runtime_error("rtmp: cannot listen on " + address.str() + ": cannot resolve '" +
                             address.host + "': " + (ec ? ec.message() : "no address"));
  std::vector<ListenEndpoint> out;
  for (const auto& entry : results) {
    const auto same = [&](const ListenEndpoint& e) { return e.endpoint == entry.endpoint(); };
    if (std::none_of(out.begin(), out.end(), same)) out.push_back({entry.endpoint(), true});
  }
  return out;
}

Listener::Listener(std::shared_ptr<ServerContext> context, Executor& home,
                   const tcp::endpoint& endpoint, bool v6_only, std::string name)
    : context_(std::move(context)),
      acceptor_(io_context_of(home)),
      retry_timer_(io_context_of(home)),
      name_(std::move(name)) {
  boost::system::error_code ec;
  const auto fail = [&](const char* step) {
    throw std::runtime_error("rtmp: cannot listen on " + name_ + ": " + step + ": " + ec.message());
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

void Listener::start() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] { self->accept(); });
}

std::future<void> Listener::close() {
  auto closed = std::make_shared<std::promise<void>>();
  auto future = closed->get_future();
  asio::post(acceptor_.get_executor(), [self = shared_from_this(), closed] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_timer_.cancel();
    closed->set_value();
  });
  return future;
}

void Listener::accept() {
  if (!acceptor_.is_open()) return;
  auto& worker = context_->host.next_worker();
  acceptor_.async_accept(io_context_of(worker), [self = shared_from_this(), index = worker.index()](
                                                    const boost::system::error_code& ec,
                                                    tcp::socket socket) {
    if (!self->acceptor_.is_open()) return;
    if (!ec) {
      if (!self->context_->stopping) self->admit(std::move(socket), index);
      return self->accept();
    }
    if (ec == asio::error::operation_aborted) return;
    if (ec == asio::error::connection_aborted) return self->accept();  // that client only
    self->context_->logger->warn("rtmp: listener {} failed to accept: {}", self->name_,
                                 ec.message());
    self->retry_timer_.expires_after(kAcceptRetryDelay);
    self->retry_timer_.async_wait([self](const boost::system::error_code& wait_ec) {
      if (!wait_ec) self->accept();
    });
  });
}

void Listener::admit(tcp::socket socket, std::size_t worker) {
  auto admission = context_->limits.admit_connection(peer_ip(socket));
  if (admission)
    return Session::launch(context_, std::move(socket), worker, std::move(admission.ticket));
  log_refusal(peer_endpoint(socket), admission.refusal);
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

void Listener::log_refusal(const std::string& peer, const std::string& why) {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_refusal_log_ < kRefusalLogInterval) {
    ++refusals_not_logged_;
    return;
  }
  std::string more;
  if (refusals_not_logged_ > 0)
    more = " (" + std::to_string(refusals_not_logged_) + " more refused since the last such line)";
  context_->logger->warn("rtmp: {} connection refused: {}{}", peer, why, more);
  last_refusal_log_ = now;
  refusals_not_logged_ = 0;
}

}  // namespace streamgate::rtmp
