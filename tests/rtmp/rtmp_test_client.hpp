#pragma once
// An RTMP client for integration tests: the protocol library's ClientProtocol
// on a blocking loopback socket. Tests drive it step by step and look at what
// the server sent, with the time each event arrived (for startup and latency
// measurements at the protocol level, where ffmpeg's probing does not blur
// them).

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "client_protocol.hpp"
#include "streamgate/asio.hpp"

namespace streamgate::rtmp::test {

class RtmpTestClient {
 public:
  using Clock = std::chrono::steady_clock;

  struct Received {
    Clock::time_point at;
    ClientEvent event;
  };

  /// `receive_buffer_bytes` > 0 shrinks the socket's receive buffer (a slow
  /// player). `max_segment_bytes` > 0 announces that TCP maximum segment size
  /// (Linux): the server's socket then buffers far less than the megabytes
  /// loopback's 64 KB segments let it, so a player that stops reading fills
  /// it within a few hundred kilobytes.
  explicit RtmpTestClient(std::uint16_t port, ClientConfig config = {},
                          int receive_buffer_bytes = 0, int max_segment_bytes = 0);
  ~RtmpTestClient();

  ClientProtocol& protocol() { return protocol_; }
  const std::vector<Received>& received() const { return received_; }

  /// Sends what the protocol queued, then reads until `done()` or the
  /// timeout; true when done() held.
  bool wait_until(const std::function<bool()>& done,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// Sends what is queued without reading.
  void flush();
  /// Writes raw bytes (malformed input).
  void send_raw(std::span<const std::byte> bytes);
  /// The server closed the connection (or the socket failed).
  bool closed_by_peer() const { return eof_; }
  /// Reads until the server closes the connection; false at the timeout.
  bool wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // ---- steps; each returns false (and leaves the reason in last_error()) when
  // the server did not answer as expected in time ----

  /// connect(app); the result's status code, empty when none arrived.
  std::string connect(const std::string& app, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  /// createStream; the new stream id, 0 on failure.
  std::uint32_t create_stream();
  /// publish(name); the onStatus code that answered it.
  std::string publish(std::uint32_t stream_id, const std::string& name);
  /// play(name) and the time it was sent; the first onStatus code that answered it.
  std::string play(std::uint32_t stream_id, const std::string& name);
  Clock::time_point play_sent() const { return play_sent_; }

  /// Waits for the _result / _error of `transaction`.
  std::optional<client_event::Result> result_of(
      double transaction, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // ---- what arrived ----

  /// Status codes received on `stream_id` (onStatus), in order.
  std::vector<std::string> status_codes(std::uint32_t stream_id) const;
  bool has_status(std::uint32_t stream_id, const std::string& code) const;
  /// Media messages (audio, video, data) in order.
  std::vector<const Message*> media() const;
  std::size_t count_media(MessageType type) const;
  /// When the first message of `type` arrived.
  std::optional<Clock::time_point> first_arrival(MessageType type) const;
  /// User control events of one type, in order.
  std::size_t count_user_control(std::uint16_t event) const;
  void forget() { received_.clear(); }

 private:
  void read_some(Clock::time_point deadline);
  // The onStatus on `stream_id` after the first `seen` ones.
  std::string next_status(std::uint32_t stream_id, std::size_t seen);
  void collect();

  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  ClientProtocol protocol_;
  std::vector<std::byte> buffer_;
  std::vector<ClientEvent> scratch_;
  std::vector<Received> received_;
  Clock::time_point play_sent_{};
  bool reading_ = false;
  bool eof_ = false;
};

}  // namespace streamgate::rtmp::test
