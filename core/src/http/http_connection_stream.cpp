// The HttpStream side of HttpConnection: a response whose body is written
// over time, with chunked transfer coding (RFC 9112 §7.1) for HTTP/1.1
// clients and a close-delimited body for HTTP/1.0 ones.
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <charconv>

#include "http/http_connection.hpp"
#include "http/http_stream_impl.hpp"

namespace streamgate::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

namespace {

// RFC 9112 §7.1: last-chunk = 1*"0" CRLF, then an empty trailer section and CRLF.
constexpr std::string_view kLastChunk = "0\r\n\r\n";
constexpr std::string_view kCrlf = "\r\n";

}  // namespace

void HttpConnection::start_stream(std::uint64_t request, std::shared_ptr<StreamCallbacks> callbacks, int status,
                                  std::string content_type, HttpHeaders headers) {
  asio::post(socket_.get_executor(), [self = shared_from_this(), request, callbacks = std::move(callbacks), status,
                                      content_type = std::move(content_type), headers = std::move(headers)]() mutable {
    self->do_start_stream(request, std::move(callbacks), status, std::move(content_type), std::move(headers));
  });
}

void HttpConnection::stream_write(std::shared_ptr<StreamCallbacks> callbacks, std::vector<SharedBytes> chunks,
                                  std::uint64_t write) {
  asio::post(socket_.get_executor(), [self = shared_from_this(), callbacks = std::move(callbacks),
                                      chunks = std::move(chunks), write]() mutable {
    self->do_stream_write(callbacks, std::move(chunks), write);
  });
}

void HttpConnection::stream_close(std::shared_ptr<StreamCallbacks> callbacks) {
  asio::post(socket_.get_executor(), [self = shared_from_this(), callbacks = std::move(callbacks)] {
    self->do_stream_close(callbacks);
  });
}

void HttpConnection::post_on_closed(std::shared_ptr<StreamCallbacks> callbacks) {
  asio::post(socket_.get_executor(), [callbacks = std::move(callbacks)] { callbacks->run_due_on_closed(); });
}

std::shared_ptr<StreamCallbacks> HttpConnection::new_stream_callbacks() const {
  return server_->streams.create(server_->logger, peer_);
}

void HttpConnection::do_start_stream(std::uint64_t request, std::shared_ptr<StreamCallbacks> callbacks, int status,
                                     std::string content_type, HttpHeaders headers) {
  if (closed_ || request != request_id_ || !awaiting_answer_) return callbacks->gone();
  awaiting_answer_ = false;
  stream_ = std::move(callbacks);
  // HTTP/1.0 has no chunked coding: the body then ends when we close.
  stream_chunked_ = version_ >= 11;
  stream_header_.emplace();
  prepare_header(stream_header_->base(), status, content_type, headers);
  stream_header_->keep_alive(false);  // close() ends the response and the connection
  if (stream_chunked_) stream_header_->chunked(true);
  stream_serializer_.emplace(*stream_header_);
  arm(server_->settings.keepalive_timeout);
  bhttp::async_write_header(socket_, *stream_serializer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->on_stream_header_sent(ec);
  });
}

void HttpConnection::on_stream_header_sent(beast::error_code ec) {
  stream_serializer_.reset();
  stream_header_.reset();
  if (closed_) return;
  disarm();
  if (ec) return close_now(CloseReason::ClientGone);
  stream_header_sent_ = true;
  if (head_) {
    // The header is the whole answer to HEAD: the producer may stop now.
    fail_stream_writes();
    stream_->gone();
    finish_exchange();
    return linger_close();
  }
  drain();  // notices the client leaving
  if (stream_pending_) {
    write_stream_chunk();
  } else if (stream_close_requested_) {
    end_stream();
  }
}

void HttpConnection::do_stream_write(const std::shared_ptr<StreamCallbacks>& callbacks, std::vector<SharedBytes> chunks,
                                     std::uint64_t write) {
  if (closed_ || lingering_ || callbacks != stream_ || stream_close_requested_) {
    return callbacks->finish_write(write, false);
  }
  if (stream_writing_ || stream_pending_) {
    logger().error("http: stream to {} written while a write is in flight; refused", peer_);
    return callbacks->finish_write(write, false);
  }
  stream_pending_ = PendingWrite{std::move(chunks), write};
  if (stream_header_sent_) write_stream_chunk();
}

void HttpConnection::write_stream_chunk() {
  stream_in_flight_ = std::move(*stream_pending_);
  stream_pending_.reset();
  std::size_t total = 0;
  for (const auto& chunk : stream_in_flight_.chunks) total += chunk.size();
  if (total == 0) {
    // Nothing to send: a zero-size chunk would end the body.
    auto write = stream_in_flight_.id;
    stream_in_flight_ = {};
    stream_->finish_write(write, true);
    if (stream_close_requested_ && !closed_) end_stream();
    return;
  }
  // One HTTP chunk per write(): chunk-size CRLF, the payloads as they are
  // (no copy), CRLF; all in one gathered write.
  std::vector<asio::const_buffer> buffers;
  buffers.reserve(stream_in_flight_.chunks.size() + 2);
  if (stream_chunked_) {
    auto [end, error] = std::to_chars(chunk_header_.data(), chunk_header_.data() + chunk_header_.size() - 2, total, 16);
    *end++ = '\r';
    *end++ = '\n';
    buffers.emplace_back(chunk_header_.data(), static_cast<std::size_t>(end - chunk_header_.data()));
  }
  for (const auto& chunk : stream_in_flight_.chunks) {
    if (!chunk.empty()) buffers.emplace_back(chunk.data(), chunk.size());
  }
  if (stream_chunked_) buffers.emplace_back(kCrlf.data(), kCrlf.size());
  stream_writing_ = true;
  response_bytes_ += total;
  arm(server_->settings.keepalive_timeout);
  asio::async_write(socket_, buffers, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->on_stream_chunk_written(ec);
  });
}

void HttpConnection::on_stream_chunk_written(beast::error_code ec) {
  stream_writing_ = false;
  auto write = stream_in_flight_.id;
  stream_in_flight_ = {};
  if (closed_) return stream_->finish_write(write, false);
  disarm();
  if (ec) {
    close_now(CloseReason::ClientGone);
    return stream_->finish_write(write, false);
  }
  stream_->finish_write(write, true);
  if (!closed_ && stream_close_requested_) end_stream();
}

void HttpConnection::do_stream_close(const std::shared_ptr<StreamCallbacks>& callbacks) {
  if (callbacks != stream_ || closed_ || lingering_ || stream_close_requested_) return;
  stream_close_requested_ = true;
  // The end follows the header and any write already queued.
  if (!stream_header_sent_ || stream_writing_ || stream_pending_) return;
  end_stream();
}

void HttpConnection::end_stream() {
  finish_exchange();
  if (!stream_chunked_) return linger_close();
  stream_writing_ = true;
  arm(server_->settings.keepalive_timeout);
  asio::async_write(socket_, asio::buffer(kLastChunk.data(), kLastChunk.size()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      self->stream_writing_ = false;
                      if (self->closed_) return;
                      if (ec) return self->close_now(CloseReason::ClientGone);
                      self->linger_close();
                    });
}

void HttpConnection::fail_stream_writes() {
  if (!stream_pending_) return;
  auto write = stream_pending_->id;
  stream_pending_.reset();
  stream_->finish_write(write, false);
}

}  // namespace streamgate::http
