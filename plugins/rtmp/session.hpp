#pragma once
// One RTMP connection: the socket, its ServerProtocol, and the bus and access
// decisions behind the protocol's events. Everything of a session runs on the
// one worker thread its socket belongs to, so its data path takes no locks;
// what arrives from other threads (the bus's on_ready, access decisions,
// stop) is posted there.
//
// Output: every change queues bytes in the protocol; one gathered write sends
// all of it. While a write is in flight nothing is drained from the bus, so a
// slow player's backlog stays in its bounded bus queue, which drops to the
// next keyframe. A player whose writes follow each other back to back for
// player-lag-timeout cannot keep up and is disconnected. With write-coalesce,
// a player's writes are at least that far apart (fewer send calls per byte).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ingest.hpp"
#include "play_link.hpp"
#include "server_context.hpp"
#include "server_protocol.hpp"
#include "streamgate/asio.hpp"

namespace streamgate::rtmp {

class Session : public std::enable_shared_from_this<Session> {
 public:
  using Socket = boost::asio::ip::tcp::socket;

  /// Creates, registers and starts a session on `socket`'s executor; any
  /// thread. `admission` is its place under the connection limits.
  static void launch(const std::shared_ptr<ServerContext>& context, Socket socket,
                     ConnectionLimits::Ticket admission);

  Session(std::shared_ptr<ServerContext> context, Socket socket, ConnectionLimits::Ticket admission);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Closes the session without flushing (the server stops); any thread.
  void shutdown();

 private:
  using Clock = std::chrono::steady_clock;
  using ErrorCode = boost::system::error_code;

  // A stream this connection publishes.
  struct Publishing {
    std::uint32_t stream_id = 0;
    std::unique_ptr<Publisher> publisher;
    AccessRequest request;
    Ingest ingest;
    ConnectionLimits::Ticket slot;  // its place under max-publishers / max-streams-per-app
  };

  void start();
  void read();
  void on_read(const ErrorCode& ec, std::size_t bytes);
  void handle_events();

  void on(event::ConnectRequested& e);
  void on(event::PublishRequested& e);
  void on(event::PlayRequested& e);
  void on(event::MediaReceived& e);
  void on(event::PublishEnded& e);
  void on(event::PlayEnded& e);
  void on(event::PauseChanged& e);
  void on(event::Closed& e);

  AccessRequest access_request(AccessAction action, const std::string& name,
                               const std::string& query) const;
  // Asks access control; `then` runs on this session's thread, unless the
  // session closed meanwhile.
  void ask_access(AccessRequest request,
                  std::function<void(Session&, const AccessDecision&)> then);
  void on_publish_decision(std::uint32_t stream_id, const PublishRequest& request,
                           const AccessDecision& decision, ConnectionLimits::Ticket slot);
  // Logs `why`, answers BadName with `description`, closes after the status.
  void refuse_publish(std::uint32_t stream_id, const std::string& what, const std::string& why,
                      const std::string& description);
  void on_play_decision(std::uint32_t stream_id, const PlayRequest& request,
                        const AccessDecision& decision);
  void end_publishing(std::uint32_t stream_id, const char* why);
  Publishing* publishing(std::uint32_t stream_id);

  // ---- output ----
  // Drains the players' bus queues into one write; `now` ignores write-coalesce.
  void pump(bool now = false);
  void write();
  void on_written(const ErrorCode& ec);

  // ---- timeouts and closing ----
  void schedule_tick();
  void on_tick();
  void close_after_flush(const std::string& reason);
  void close_now(const std::string& reason);
  void release_streams();

  std::string stream_label(std::uint32_t stream_id) const;

  const std::shared_ptr<ServerContext> context_;
  ConnectionLimits::Ticket admission_;
  Socket socket_;
  std::uint64_t id_ = 0;
  std::string peer_;
  ServerProtocol protocol_;
  std::vector<std::byte> read_buffer_;
  std::vector<ServerEvent> events_;
  bool handling_events_ = false;

  std::vector<Publishing> publishing_;
  std::vector<PlayLink> playing_;

  OutputBatch batch_;  // the write in flight
  std::vector<boost::asio::const_buffer> buffers_;
  bool writing_ = false;
  bool pump_wanted_ = false;  // the bus had items while a write was in flight
  Clock::time_point last_write_{};
  std::optional<Clock::time_point> blocked_since_;  // first of back-to-back writes
  boost::asio::steady_timer coalesce_timer_;
  bool coalesce_armed_ = false;

  boost::asio::steady_timer tick_timer_;
  std::chrono::milliseconds tick_{1000};
  Clock::time_point started_;
  Clock::time_point last_input_;
  std::optional<Clock::time_point> closing_since_;
  bool closed_ = false;
};

}  // namespace streamgate::rtmp
