#include "rtmp_connection.hpp"

namespace streamgate::bench {

namespace asio = boost::asio;
using boost::system::error_code;

RtmpConnection::RtmpConnection(asio::io_context& io, std::vector<std::byte>& read_buffer)
    : socket_(io), read_buffer_(read_buffer) {}

void RtmpConnection::start(const asio::ip::tcp::endpoint& server) {
  protocol_.start();
  socket_.async_connect(server, [this](const error_code& ec) {
    if (closed_) return;
    if (ec) return close("connect: " + ec.message());
    error_code ignored;
    socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
    socket_.non_blocking(true, ignored);
    flush();
    wait_readable();
  });
}

void RtmpConnection::wait_readable() {
  socket_.async_wait(asio::socket_base::wait_read, [this](const error_code& ec) {
    if (closed_) return;
    if (ec) return close("wait: " + ec.message());
    on_readable();
  });
}

void RtmpConnection::on_readable() {
  // Drain the socket, but bounded, so one fast sender cannot starve the
  // other connections on this thread.
  const std::int64_t read_us = now_us();
  for (int round = 0; round < 4; ++round) {
    error_code ec;
    const std::size_t n = socket_.read_some(asio::buffer(read_buffer_), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) break;
    if (ec)
      return close(ec == asio::error::eof ? "server closed the connection"
                                          : "read: " + ec.message());
    bytes_received_ += n;
    protocol_.feed(std::span<const std::byte>(read_buffer_.data(), n));
    if (n < read_buffer_.size()) break;
  }
  events_.clear();
  protocol_.take_events(events_);
  std::string protocol_error;
  for (const auto& event : events_)
    if (auto* closed = std::get_if<rtmp::client_event::Closed>(&event))
      protocol_error = closed->reason;
  if (!events_.empty() && on_events_) on_events_(events_, read_us);
  if (closed_) return;
  if (protocol_.closed()) return close("protocol: " + protocol_error);
  flush();
  wait_readable();
}

void RtmpConnection::flush() {
  if (closed_ || write_pending_ || !protocol_.has_output() || !socket_.is_open()) return;
  writing_ = protocol_.take_output();
  write_buffers_.clear();
  for (auto span : writing_.buffers()) write_buffers_.emplace_back(span.data(), span.size());
  write_pending_ = true;
  asio::async_write(socket_, write_buffers_,
                    [this](const error_code& ec, std::size_t bytes) { on_written(ec, bytes); });
}

void RtmpConnection::on_written(const error_code& ec, std::size_t bytes) {
  write_pending_ = false;
  bytes_sent_ += bytes;
  if (closed_) return;
  if (ec) return close("write: " + ec.message());
  protocol_.recycle(std::move(writing_));
  flush();
}

void RtmpConnection::close(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  if (on_closed_) on_closed_(reason);
}

}  // namespace streamgate::bench
