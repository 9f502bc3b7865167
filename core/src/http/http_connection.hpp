#pragma once
// One accepted HTTP/1.1 connection: reads requests with a bounded Beast
// parser, routes them, writes responses (keep-alive, HEAD, errors) and, for
// HttpStream responses, chunked bodies. Everything runs on the connection's
// strand; the public functions may be called from any thread and post there.

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/beast.hpp"
#include "http/server_context.hpp"
#include "http/shared_bytes_body.hpp"
#include "http/stream_callbacks.hpp"
#include "streamgate/http.hpp"

// Internal to the core, like Beast (see http/beast.hpp).
#pragma GCC visibility push(hidden)

namespace streamgate::http {

using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Strand>;
using DeadlineTimer = boost::asio::basic_waitable_timer<
    std::chrono::steady_clock, boost::asio::wait_traits<std::chrono::steady_clock>, Strand>;

/// The client's IP address as the per-address limit counts it (IPv4-mapped
/// IPv6 as IPv4); "?" when the socket has none.
std::string client_address_of(const Socket& socket);

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  enum class Mode : std::uint8_t { Invalid = 0, Serve, Reject };

  /// `address`: the client's, as client_address_of() gave it at accept.
  HttpConnection(std::shared_ptr<ServerContext> server, Socket socket, Mode mode,
                 std::string address);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  /// Registers with the server and starts reading; false when the server is stopping.
  bool start();
  /// Closes the socket at once (server stop); a stream's on_closed fires.
  void close();

  // For the responder and stream handles; `request` identifies the request
  // they belong to, so a late answer for an earlier request is ignored.
  void respond(std::uint64_t request, HttpResponse response);
  void start_stream(std::uint64_t request, std::shared_ptr<StreamCallbacks> callbacks, int status,
                    std::string content_type, HttpHeaders headers);
  // `write` identifies the write's done in `callbacks`.
  void stream_write(std::shared_ptr<StreamCallbacks> callbacks, std::vector<SharedBytes> chunks,
                    std::uint64_t write);
  void stream_close(std::shared_ptr<StreamCallbacks> callbacks);
  /// An on_closed registered after the stream was gone: runs it on the strand.
  void post_on_closed(std::shared_ptr<StreamCallbacks> callbacks);

  const std::string& peer() const { return peer_; }
  spdlog::logger& logger() const { return *server_->logger; }
  /// The callbacks of a stream answering this connection's current request.
  std::shared_ptr<StreamCallbacks> new_stream_callbacks() const;

 private:
  enum class CloseReason : std::uint8_t { Invalid = 0, Done, ClientGone, Timeout, ServerStop, Error };
  using Response = boost::beast::http::response<SharedBytesBody>;
  using ResponseHeader = boost::beast::http::response_header<>;

  // Reading a request (http_connection.cpp).
  void wait_for_request();
  void read_header();
  void on_header(boost::beast::error_code ec, std::size_t header_bytes);
  void on_body(boost::beast::error_code ec);
  void dispatch();
  void run_handler(const HttpRouterImpl::Match& match);
  void refuse(int status, std::string_view reason, bool log_it);

  // Writing a response (http_connection.cpp).
  void do_respond(std::uint64_t request, HttpResponse response);
  void send(HttpResponse response, bool close_after);
  void on_sent(boost::beast::error_code ec);
  // Status line, Server, Date, Content-Type and the handler's headers.
  void prepare_header(ResponseHeader& header, int status, const std::string& content_type,
                      const HttpHeaders& headers);
  bool set_headers(ResponseHeader& header, const HttpHeaders& headers);
  void finish_exchange();  // the access log line

  // Streams (http_connection_stream.cpp).
  void do_start_stream(std::uint64_t request, std::shared_ptr<StreamCallbacks> callbacks, int status,
                       std::string content_type, HttpHeaders headers);
  void on_stream_header_sent(boost::beast::error_code ec);
  void do_stream_write(const std::shared_ptr<StreamCallbacks>& callbacks, std::vector<SharedBytes> chunks,
                       std::uint64_t write);
  void write_stream_chunk();
  void on_stream_chunk_written(boost::beast::error_code ec);
  void do_stream_close(const std::shared_ptr<StreamCallbacks>& callbacks);
  void end_stream();
  void fail_stream_writes();

  // Deadlines and closing (http_connection.cpp).
  void arm(std::chrono::milliseconds timeout);
  void disarm();
  void linger_close();
  // Reads and discards: watches for the client leaving during a stream, and
  // lets a closing connection take the client's unread bytes (an unread byte
  // at close() turns FIN into RST and the client may lose our response).
  void drain();
  void close_now(CloseReason reason);

  std::shared_ptr<ServerContext> server_;
  Socket socket_;
  DeadlineTimer timer_;
  Mode mode_;
  std::string peer_;
  std::string address_;  // the client's IP address, for the per-address limit
  std::uint64_t id_ = 0;  // in the server's registry
  bool closed_ = false;
  bool lingering_ = false;  // response done, waiting for the client's FIN
  bool draining_ = false;   // a drain() read is pending
  std::size_t drained_bytes_ = 0;
  std::uint64_t deadline_generation_ = 0;

  // The exchange in progress.
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  bool first_request_ = true;
  std::uint64_t request_id_ = 0;
  bool awaiting_answer_ = false;
  HttpRequest request_;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool head_ = false;
  std::chrono::steady_clock::time_point started_;
  std::optional<Response> response_;
  int response_status_ = 0;
  std::uint64_t response_bytes_ = 0;
  bool close_after_ = false;

  // The stream in progress, if the answer is an HttpStream.
  struct PendingWrite {
    std::vector<SharedBytes> chunks;
    std::uint64_t id = 0;  // its done, in stream_
  };
  std::shared_ptr<StreamCallbacks> stream_;
  std::optional<boost::beast::http::response<boost::beast::http::empty_body>> stream_header_;
  std::optional<boost::beast::http::response_serializer<boost::beast::http::empty_body>> stream_serializer_;
  bool stream_chunked_ = true;
  bool stream_header_sent_ = false;
  bool stream_writing_ = false;
  bool stream_close_requested_ = false;
  std::optional<PendingWrite> stream_pending_;
  PendingWrite stream_in_flight_;
  std::array<char, 24> chunk_header_{};
  std::array<char, 512> discard_{};
};

}  // namespace streamgate::http

#pragma GCC visibility pop
