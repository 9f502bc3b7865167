#pragma once
// One RTMP client connection driven by Asio: a TCP socket around the I/O-free
// rtmp::ClientProtocol. Reads are reactor-style into the thread's shared
// buffer (wait until readable, then read everything there is), so a thousand
// idle players hold no read buffers; writes are gathered batches.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "client_protocol.hpp"
#include "streamgate/asio.hpp"

namespace streamgate::bench {

using Clock = std::chrono::steady_clock;

/// Microseconds on the steady clock: the tool's one time base, shared by threads.
inline std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch())
      .count();
}

class RtmpConnection {
 public:
  /// Events of one read, all stamped with the time the read returned.
  using EventsHandler =
      std::function<void(std::vector<rtmp::ClientEvent>& events, std::int64_t read_us)>;
  using ClosedHandler = std::function<void(const std::string& reason)>;

  /// `read_buffer` is shared by every connection on the same thread.
  RtmpConnection(boost::asio::io_context& io, std::vector<std::byte>& read_buffer);
  RtmpConnection(const RtmpConnection&) = delete;
  RtmpConnection& operator=(const RtmpConnection&) = delete;

  void on_events(EventsHandler handler) { on_events_ = std::move(handler); }
  void on_closed(ClosedHandler handler) { on_closed_ = std::move(handler); }

  /// TCP connect, then the handshake; requests queued on protocol() before or
  /// after go out as soon as the handshake completes.
  void start(const boost::asio::ip::tcp::endpoint& server);
  /// Writes what the protocol has queued (one gathered write at a time).
  void flush();
  void close(const std::string& reason);

  rtmp::ClientProtocol& protocol() noexcept { return protocol_; }
  bool open() const noexcept { return !closed_; }
  std::uint64_t bytes_received() const noexcept { return bytes_received_; }
  std::uint64_t bytes_sent() const noexcept { return bytes_sent_; }
  std::size_t write_queue_bytes() const noexcept { return writing_.size_bytes(); }

 private:
  void wait_readable();
  void on_readable();
  void on_written(const boost::system::error_code& ec, std::size_t bytes);

  boost::asio::ip::tcp::socket socket_;
  std::vector<std::byte>& read_buffer_;
  rtmp::ClientProtocol protocol_;
  rtmp::OutputBatch writing_;
  std::vector<boost::asio::const_buffer> write_buffers_;
  bool write_pending_ = false;
  std::vector<rtmp::ClientEvent> events_;
  EventsHandler on_events_;
  ClosedHandler on_closed_;
  std::uint64_t bytes_received_ = 0;
  std::uint64_t bytes_sent_ = 0;
  bool closed_ = false;
};

}  // namespace streamgate::bench
