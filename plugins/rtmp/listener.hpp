#pragma once
// Accepts RTMP connections on one address. Each accepted socket is bound to
// the next worker in turn (the host's next_worker), so sessions spread over
// the worker threads; the acceptor itself lives on one of them. A connection
// over max-connections or max-connections-per-ip is closed at once, before
// any of it is read.

#include <chrono>
#include <future>
#include <memory>
#include <string>

#include "server_context.hpp"
#include "streamgate/asio.hpp"

namespace streamgate::rtmp {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  /// Opens, binds and listens; throws std::runtime_error naming the address.
  Listener(std::shared_ptr<ServerContext> context, Executor& home,
           const boost::asio::ip::tcp::endpoint& endpoint, bool v6_only, std::string name);

  void start();
  /// Closes the acceptor on its own thread; the future is ready when it is closed.
  std::future<void> close();

  const std::string& name() const noexcept { return name_; }
  std::uint16_t port() const noexcept { return port_; }

 private:
  void accept();
  void admit(boost::asio::ip::tcp::socket socket, std::size_t worker);
  void log_refusal(const std::string& peer, const std::string& why);

  std::shared_ptr<ServerContext> context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  std::string name_;
  std::uint16_t port_ = 0;
  // A flood of refused connections gives one log line a second, not one each.
  std::chrono::steady_clock::time_point last_refusal_log_{};
  std::size_t refusals_not_logged_ = 0;
};

/// The endpoints a listen address stands for: "" = every interface (one
/// dual-stack IPv6 socket, or IPv4 where there is no IPv6); a literal address
/// as is; a host name resolved (every address it has).
struct ListenEndpoint {
  boost::asio::ip::tcp::endpoint endpoint;
  bool v6_only = true;
};
std::vector<ListenEndpoint> endpoints_for(const ListenAddress& address);

}  // namespace streamgate::rtmp
