#include "http/http_connection.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>

#include "http/http_date.hpp"
#include "http/http_responder_impl.hpp"
#include "http/http_stream_impl.hpp"
#include "http/request_target.hpp"

namespace streamgate::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

namespace {

// Room in the read buffer past max_request_bytes, for the start of a
// pipelined request read together with the previous one.
constexpr std::size_t kReadSlack = 4096;
// How long and how much a closing connection waits for the client's FIN.
constexpr std::chrono::milliseconds kLingerTimeout{2000};
constexpr std::size_t kLingerBytes = 1 << 20;

asio::ip::address client_ip(const asio::ip::tcp::endpoint& endpoint) {
  auto address = endpoint.address();
  // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d.
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address;
}

std::string peer_of(const Socket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "?";
  const auto address = client_ip(endpoint);
  auto port = std::to_string(endpoint.port());
  return address.is_v6() ? "[" + address.to_string() + "]:" + port : address.to_string() + ":" + port;
}

// RFC 9110 §5.1: field-name = token.
bool valid_field_name(std::string_view name) {
  static constexpr std::string_view kTokenSymbols = "!#$%&'*+-.^_`|~";
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           kTokenSymbols.find(c) != std::string_view::npos;
  });
}

// RFC 9110 §5.5: no CR, LF or NUL in a field value.
bool valid_field_value(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

bool is_parse_error(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category();
}

std::string_view reason_name(int reason) {
  static constexpr std::array<std::string_view, 6> kNames = {"?", "done", "client gone", "timeout",
                                                             "server stop", "error"};
  return kNames[static_cast<std::size_t>(reason) < kNames.size() ? reason : 0];
}

}  // namespace

std::string client_address_of(const Socket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  return ec ? std::string("?") : client_ip(endpoint).to_string();
}

HttpConnection::HttpConnection(std::shared_ptr<ServerContext> server, Socket socket, Mode mode,
                               std::string address)
    : server_(std::move(server)),
      socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      mode_(mode),
      peer_(peer_of(socket_)),
      address_(std::move(address)),
      buffer_(server_->settings.max_request_bytes + kReadSlack) {}

HttpConnection::~HttpConnection() {
  if (id_ != 0) server_->connections.remove(id_);
}

bool HttpConnection::start() {
  id_ = server_->connections.add(weak_from_this(), mode_ == Mode::Serve, address_);
  if (id_ == 0) return false;
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    self->arm(self->server_->settings.request_timeout);
    self->read_header();
  });
  return true;
}

void HttpConnection::close() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->close_now(CloseReason::ServerStop); });
}

// ---- reading ----

void HttpConnection::wait_for_request() {
  first_request_ = false;
  if (buffer_.size() > 0) {  // a pipelined request is already here
    arm(server_->settings.request_timeout);
    read_header();
    return;
  }
  arm(server_->settings.keepalive_timeout);
  auto room = std::min(kReadSlack, buffer_.max_size() - buffer_.size());
  socket_.async_read_some(buffer_.prepare(room), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
    self->buffer_.commit(n);
    if (self->closed_) return;
    if (ec) return self->close_now(CloseReason::ClientGone);
    self->arm(self->server_->settings.request_timeout);
    self->read_header();
  });
}

void HttpConnection::read_header() {
  request_ = HttpRequest{};
  version_ = 11;
  head_ = false;
  keep_alive_ = false;
  auto limit = server_->settings.max_request_bytes;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(limit, UINT32_MAX)));
  parser_->body_limit(limit);
  bhttp::async_read_header(socket_, buffer_, *parser_,
                           [self = shared_from_this()](beast::error_code ec, std::size_t header_bytes) {
                             self->on_header(ec, header_bytes);
                           });
}

void HttpConnection::on_header(beast::error_code ec, std::size_t header_bytes) {
  if (closed_) return;
  auto limit = server_->settings.max_request_bytes;
  if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
    return refuse(431, "request header larger than " + std::to_string(limit) + " bytes", true);
  }
  if (ec == bhttp::error::body_limit) {
    return refuse(413, "request larger than " + std::to_string(limit) + " bytes", true);
  }
  if (ec == bhttp::error::bad_version) return refuse(505, "HTTP version not supported", true);
  if (ec == bhttp::error::end_of_stream) return close_now(CloseReason::ClientGone);
  if (ec && is_parse_error(ec)) return refuse(400, "malformed request: " + ec.message(), true);
  if (ec) {
    logger().debug("http: reading from {} failed: {}", peer_, ec.message());
    return close_now(CloseReason::ClientGone);
  }

  const auto& message = parser_->get();
  version_ = message.version();
  head_ = message.method() == bhttp::verb::head;
  keep_alive_ = message.keep_alive();
  request_.method = std::string(message.method_string());
  request_.target = std::string(message.target());
  if (mode_ == Mode::Reject) return refuse(503, "too many connections", true);
  if (version_ / 10 != 1) {
    version_ = 11;
    return refuse(505, "HTTP version not supported", true);
  }

  auto remaining = limit > header_bytes ? limit - header_bytes : 0;
  if (auto length = parser_->content_length(); length && *length > remaining) {
    return refuse(413, "request larger than " + std::to_string(limit) + " bytes", true);
  }
  if (parser_->is_done()) return dispatch();
  parser_->body_limit(remaining);
  bhttp::async_read(socket_, buffer_, *parser_,
                    [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
}

void HttpConnection::on_body(beast::error_code ec) {
  if (closed_) return;
  if (ec == bhttp::error::body_limit || ec == bhttp::error::buffer_overflow) {
    return refuse(413, "request larger than " + std::to_string(server_->settings.max_request_bytes) + " bytes",
                  true);
  }
  if (ec && is_parse_error(ec) && ec != bhttp::error::end_of_stream) {
    return refuse(400, "malformed request body: " + ec.message(), true);
  }
  if (ec) return close_now(CloseReason::ClientGone);
  dispatch();
}

void HttpConnection::dispatch() {
  disarm();  // the handler's time is not the client's
  started_ = std::chrono::steady_clock::now();
  const auto& message = parser_->get();
  bool has_host = message.find(bhttp::field::host) != message.end();
  request_.peer = peer_;
  for (const auto& field : message) {
    request_.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  parser_.reset();  // frees the body we do not use

  // RFC 9112 §3.2: a server must answer 400 to an HTTP/1.1 request without Host.
  if (version_ >= 11 && !has_host) return refuse(400, "missing Host header", true);
  auto target = parse_request_target(request_.target);
  if (!target.ok()) return refuse(400, "bad request-target: " + target.error, true);
  request_.path = std::move(target.value.path);
  request_.query = std::move(target.value.query);

  auto match = server_->router.find(request_.path);
  if (!match) return refuse(404, "not found", false);
  if (request_.method != "GET" && request_.method != "HEAD") return refuse(405, "method not allowed", false);
  request_.params = std::move(match->params);
  run_handler(*match);
}

void HttpConnection::run_handler(const HttpRouterImpl::Match& match) {
  ++request_id_;
  awaiting_answer_ = true;
  auto responder = std::make_shared<HttpResponderImpl>(shared_from_this(), request_id_);
  std::optional<std::string> thrown;
  try {
    if (!match.route->invoke(request_, responder)) responder->respond(http_error(404, "not found"));
  } catch (const std::exception& e) {
    thrown = e.what();
  } catch (...) {
    thrown = "a non-standard exception";
  }
  if (!thrown) return;
  logger().error("http: handler for {} {} from {} threw: {}", request_.method, request_.target, peer_, *thrown);
  // The detail stays in the log; the client learns only that it failed.
  if (!responder->answered()) responder->respond(http_error(500, "internal error"));
}

// ---- writing a response ----

void HttpConnection::refuse(int status, std::string_view reason, bool log_it) {
  if (log_it) logger().info("http: request from {} refused with {}: {}", peer_, status, reason);
  auto response = http_error(status, reason);
  if (status == 405) response.headers.emplace_back("Allow", "GET, HEAD");
  // After these the stream position is unknown (or the client is unwelcome).
  bool close_after = status == 400 || status == 413 || status == 431 || status == 503 || status == 505;
  ++request_id_;
  awaiting_answer_ = false;
  started_ = std::chrono::steady_clock::now();
  parser_.reset();
  send(std::move(response), close_after);
}

void HttpConnection::respond(std::uint64_t request, HttpResponse response) {
  asio::post(socket_.get_executor(), [self = shared_from_this(), request, response = std::move(response)]() mutable {
    self->do_respond(request, std::move(response));
  });
}

void HttpConnection::do_respond(std::uint64_t request, HttpResponse response) {
  if (closed_ || request != request_id_ || !awaiting_answer_) return;
  awaiting_answer_ = false;
  send(std::move(response), false);
}

bool HttpConnection::set_headers(ResponseHeader& header, const HttpHeaders& headers) {
  bool all_good = true;
  for (const auto& [name, value] : headers) {
    // Beast does not check field syntax: a CR or LF from a handler would let
    // it forge headers, and the framing fields are ours to set.
    auto field = bhttp::string_to_field(name);
    bool framing = field == bhttp::field::content_length || field == bhttp::field::transfer_encoding ||
                   field == bhttp::field::connection;
    if (framing || !valid_field_name(name) || !valid_field_value(value)) {
      logger().error("http: response header '{}' for {} dropped: not allowed", name, peer_);
      all_good = false;
      continue;
    }
    header.insert(name, value);
  }
  return all_good;
}

void HttpConnection::prepare_header(ResponseHeader& header, int status, const std::string& content_type,
                                    const HttpHeaders& headers) {
  if (status < 200 || status > 599) {
    logger().error("http: status {} for {} replaced by 500: not a final status", status, peer_);
    status = 500;
  }
  header.version(version_);
  header.result(static_cast<unsigned>(status));
  header.set(bhttp::field::server, "streamgate");
  header.set(bhttp::field::date, http_date_now());
  if (!content_type.empty()) {
    if (valid_field_value(content_type)) {
      header.set(bhttp::field::content_type, content_type);
    } else {
      logger().error("http: content type for {} dropped: not allowed", peer_);
    }
  }
  set_headers(header, headers);
  response_status_ = status;
  response_bytes_ = 0;
}

void HttpConnection::send(HttpResponse response, bool close_after) {
  close_after_ = close_after || !keep_alive_ || server_->stopping.load();
  response_.emplace();
  auto& message = *response_;
  prepare_header(message.base(), response.status, response.content_type, response.headers);
  // RFC 9110 §6.4.1: 204 and 304 carry no content; HEAD gets the length the
  // GET body would have (§9.3.2) and no body.
  bool no_content = response_status_ == 204 || response_status_ == 304;
  SharedBytesBody::value_type body{std::move(response.body), std::move(response.body_parts)};
  auto length = SharedBytesBody::size(body);
  if (!no_content) message.content_length(length);
  if (!no_content && !head_) {
    response_bytes_ = length;
    message.body() = std::move(body);
  }
  message.keep_alive(!close_after_);
  arm(server_->settings.keepalive_timeout);
  bhttp::async_write(socket_, message,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_sent(ec); });
}

void HttpConnection::on_sent(beast::error_code ec) {
  response_.reset();
  if (closed_) return;
  disarm();
  if (ec) return close_now(CloseReason::ClientGone);
  finish_exchange();
  if (close_after_) return linger_close();
  wait_for_request();
}

void HttpConnection::finish_exchange() {
  if (!logger().should_log(spdlog::level::debug)) return;
  auto elapsed_us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started_);
  logger().debug("http: {} \"{} {}\" {} {} bytes {:.3f} ms", peer_, request_.method, request_.target,
                 response_status_, response_bytes_, static_cast<double>(elapsed_us.count()) / 1000.0);
}

// ---- deadlines and closing ----

void HttpConnection::arm(std::chrono::milliseconds timeout) {
  auto generation = ++deadline_generation_;
  timer_.expires_after(timeout);
  timer_.async_wait([self = shared_from_this(), generation](beast::error_code ec) {
    if (ec || generation != self->deadline_generation_ || self->closed_) return;
    self->close_now(CloseReason::Timeout);
  });
}

void HttpConnection::disarm() {
  ++deadline_generation_;
  timer_.cancel();
}

void HttpConnection::linger_close() {
  if (closed_ || lingering_) return;
  lingering_ = true;
  beast::error_code ec;
  socket_.shutdown(asio::socket_base::shutdown_send, ec);
  if (ec) return close_now(CloseReason::Done);
  arm(kLingerTimeout);
  drained_bytes_ = 0;
  if (!draining_) drain();
}

void HttpConnection::drain() {
  draining_ = true;
  socket_.async_read_some(asio::buffer(discard_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
    self->draining_ = false;
    if (self->closed_) return;
    if (ec) return self->close_now(self->lingering_ ? CloseReason::Done : CloseReason::ClientGone);
    self->drained_bytes_ += n;
    if (self->lingering_ && self->drained_bytes_ > kLingerBytes) return self->close_now(CloseReason::Done);
    self->drain();
  });
}

void HttpConnection::close_now(CloseReason reason) {
  if (closed_) return;
  closed_ = true;
  awaiting_answer_ = false;
  disarm();
  beast::error_code ec;
  socket_.close(ec);
  if (reason == CloseReason::Timeout) {
    logger().debug("http: connection {} closed: {} timed out", peer_,
                   lingering_ ? "closing" : (first_request_ ? "request" : "keep-alive or request"));
  } else {
    logger().debug("http: connection {} closed: {}", peer_, reason_name(static_cast<int>(reason)));
  }
  if (stream_) {
    fail_stream_writes();
    stream_->gone();
  }
  // Last: stop() returns once every connection is out, callbacks included.
  server_->connections.remove(id_);
}

}  // namespace streamgate::http
