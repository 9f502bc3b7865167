#pragma once
// One RTMP connection: the socket, its ServerProtocol, and the bus and access
// decisions behind the protocol's events. Everything of a session runs on the
// one worker thread its socket belongs to, so its data path takes no locks;
// what arrives from other threads (the bus's on_ready, access decisions,
// stop) is posted there.
//
// Output: every change queues bytes in the protocol; one gathered write sends
// all of it, straight from the handler that queued it (a non-blocking send;
// only when the socket is full does the session wait for it to drain). While
// it waits nothing is drained from the bus, so a slow player's backlog stays
// in its bounded bus queue, which drops to the next keyframe. A player whose
// socket stays full for player-lag-timeout cannot keep up and is
// disconnected. A playing stream's items come from its worker's Feed once
// the player has joined it (PlayLink); meanwhile, and while the socket is
// full, they wait in the player's bounded PlayerBacklog. Media output is
// paced by a WritePacer: audio rides with the next video frame.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ingest.hpp"
#include "play_link.hpp"
#include "server_context.hpp"
#include "server_protocol.hpp"
#include "streamgate/asio.hpp"
#include "write_pacer.hpp"

namespace streamgate::rtmp {

class Session : public std::enable_shared_from_this<Session> {
 public:
  using Socket = boost::asio::ip::tcp::socket;

  /// Creates, registers and starts a session on `socket`'s executor; any thread.
  /// `worker` is the index of the worker thread `socket` belongs to;
  /// `admission` is its place under the connection limits.
  static void launch(const std::shared_ptr<ServerContext>& context, Socket socket,
                     std::size_t worker, ConnectionLimits::Ticket admission);

  Session(std::shared_ptr<ServerContext> context, Socket socket, std::size_t worker,
          ConnectionLimits::Ticket admission);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Closes the session without flushing (the server stops); any thread.
  void shutdown();

  // From this session's worker's Feed, on this session's thread:
  /// A batch of items for `link`, which the feed feeds; `now` is the feed's clock.
  void on_feed(PlayLink& link, std::span<const BusItem> items, PlayLink::Bodies bodies,
               std::chrono::steady_clock::time_point now);
  /// `link` is joining: drain its own subscription now.
  void pump_link(PlayLink& link);

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
  // Drains the joining players' bus queues into the output and writes it when
  // it is due; `now` writes at once whatever the pacer says.
  void pump(bool now = false);
  // Counts what a link queued for the pacer.
  void queued(const PlayLink& link, const PlayLink::Pumped& pumped, Clock::time_point now);
  // Sends what is queued: as much as the socket takes at once, the rest when
  // it is writable again.
  void write();
  void wait_writable();
  void on_writable(const ErrorCode& ec);

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
  std::vector<std::unique_ptr<PlayLink>> playing_;  // a Feed points at them

  std::size_t worker_ = 0;         // the index of this session's worker thread
  OutputBatch batch_;              // being written
  std::size_t batch_buffer_ = 0;   // next buffer of batch_ to send ...
  std::size_t batch_offset_ = 0;   // ... from this byte of it
  bool waiting_writable_ = false;  // the socket was full
  bool pump_wanted_ = false;       // the bus had items while the socket was full
  WritePacer pacer_;
  std::optional<Clock::time_point> blocked_since_;  // the socket is full since

  boost::asio::steady_timer tick_timer_;
  std::chrono::milliseconds tick_{1000};
  Clock::time_point started_;
  Clock::time_point last_input_;
  std::optional<Clock::time_point> closing_since_;
  bool closed_ = false;
};

}  // namespace streamgate::rtmp
