#pragma once
// One listening socket. Each accepted socket is bound to a strand of the
// worker the server picks, so the connection lives on that worker from its
// first byte.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>

#include "http/http_connection.hpp"

// Internal to the core, like Beast (see http/beast.hpp).
#pragma GCC visibility push(hidden)

namespace streamgate::http {

class HttpListener : public std::enable_shared_from_this<HttpListener> {
 public:
  using StrandPicker = std::function<Strand()>;
  using AcceptHandler = std::function<void(Socket socket)>;

  /// Opens and binds (control plane: throws std::runtime_error naming `name`).
  HttpListener(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint, bool v6_only,
               std::string name, std::shared_ptr<spdlog::logger> logger);

  void start(StrandPicker pick_strand, AcceptHandler on_accept);
  /// Closes on the listener's strand; the future is ready once it is closed.
  std::future<void> close();
  std::uint16_t port() const { return port_; }
  const std::string& name() const { return name_; }

 private:
  void accept();

  Strand strand_;
  boost::asio::basic_socket_acceptor<boost::asio::ip::tcp, Strand> acceptor_;
  DeadlineTimer retry_timer_;
  std::string name_;
  std::shared_ptr<spdlog::logger> logger_;
  std::uint16_t port_ = 0;
  StrandPicker pick_strand_;
  AcceptHandler on_accept_;
};

}  // namespace streamgate::http

#pragma GCC visibility pop
