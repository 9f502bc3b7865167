#pragma once
// The server side of one RTMP connection as a state machine without I/O:
// bytes in (feed), events out (take_events), bytes out (take_output, one
// gathered batch per write). Decisions that need the bus or access control
// are the adapter's: it answers events by calling accept_* / reject_* /
// start_play / send_media, possibly later (asynchronously).
//
//   handshake -> connect? -> [accept_connect] -> createStream, publish? / play?
//   -> [accept_publish] media in ... / [start_play] send_media ...

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "chunk_channel.hpp"
#include "command.hpp"
#include "handshake.hpp"
#include "player_clock.hpp"
#include "streamgate/media.hpp"

namespace streamgate::rtmp {

struct ServerConfig {
  std::uint32_t chunk_size = 4096;            ///< outgoing chunk size, announced once after connect
  std::uint32_t window_ack_size = 2'500'000;  ///< Window Acknowledgement Size we ask the peer for
  std::uint32_t peer_bandwidth = 2'500'000;   ///< Set Peer Bandwidth we announce
  std::size_t max_streams = 8;                ///< message streams per connection
  std::size_t max_deferred_messages = 64;     ///< held while connect awaits the decision
  std::size_t max_pending_media_bytes = 2u << 20;  ///< held while publish awaits the decision
  /// Input held for the connection at once: unfinished messages, media and
  /// commands waiting for a decision. Past it the session fails.
  std::size_t max_connection_bytes = 48u << 20;
  AmfBounds amf;  ///< for commands and data messages
  ChunkReader::Limits limits;
  ServerHandshake::Options handshake;
};

namespace event {
/// Answer with accept_connect() or reject_connect().
struct ConnectRequested {
  ConnectRequest request;
};
/// Answer with accept_publish() or refuse_publish().
struct PublishRequested {
  std::uint32_t stream_id = 0;
  PublishRequest request;
};
/// Answer with start_play() or refuse_play().
struct PlayRequested {
  std::uint32_t stream_id = 0;
  PlayRequest request;
};
/// Audio, video or data (always AMF0, type 18) from an accepted publisher.
struct MediaReceived {
  std::uint32_t stream_id = 0;
  Message message;
};
/// The publisher stopped (FCUnpublish, closeStream, deleteStream).
struct PublishEnded {
  std::uint32_t stream_id = 0;
  std::string name;
};
/// A player stopped (closeStream, deleteStream).
struct PlayEnded {
  std::uint32_t stream_id = 0;
};
/// pause(true/false) from a player; media is held back while paused.
struct PauseChanged {
  std::uint32_t stream_id = 0;
  bool paused = false;
};
/// The session is over: write what is queued, then close. `error` when the
/// peer broke the protocol (reason says how) rather than being refused.
struct Closed {
  std::string reason;
  bool error = false;
};
}  // namespace event

using ServerEvent = std::variant<event::ConnectRequested, event::PublishRequested,
                                 event::PlayRequested, event::MediaReceived, event::PublishEnded,
                                 event::PlayEnded, event::PauseChanged, event::Closed>;

class ServerProtocol {
 public:
  explicit ServerProtocol(ServerConfig config = {});

  /// Bytes from the peer. Afterwards, check take_events() and has_output().
  void feed(std::span<const std::byte> in);

  /// Moves the events raised so far into `out` (appending).
  void take_events(std::vector<ServerEvent>& out);
  bool has_output() const noexcept { return channel_.has_output(); }
  std::size_t output_bytes() const noexcept { return channel_.output_bytes(); }
  /// Everything queued for the peer, for one gathered write.
  OutputBatch take_output() { return channel_.take_output(); }
  void recycle(OutputBatch&& done) { channel_.recycle(std::move(done)); }

  // ---- decisions ----
  void accept_connect();
  void reject_connect(std::string_view description);
  /// Returns false if the publish is no longer pending (the client gave up).
  bool accept_publish(std::uint32_t stream_id);
  void refuse_publish(std::uint32_t stream_id, std::string_view code, std::string_view description);
  bool start_play(std::uint32_t stream_id);
  void refuse_play(std::uint32_t stream_id, std::string_view code, std::string_view description);

  /// Queues one bus packet for a playing stream: its shared chunked body plus
  /// this player's header. Returns false if it was not sent (not playing,
  /// paused, the track is switched off, or waiting for a keyframe).
  bool send_media(std::uint32_t stream_id, const MediaPacket& packet);
  /// The same with `packet`'s body chunked already (chunked()): a caller
  /// that sends one packet to many players looks it up once.
  bool send_media(std::uint32_t stream_id, const MediaPacket& packet, const ChunkedBody& body);
  /// `packet`'s FLV tag body chunked for `chunk_size` on its chunk stream,
  /// made once per packet and chunk size and cached on the packet; null for
  /// a kind RTMP does not carry.
  static std::shared_ptr<const ChunkedBody> chunked(const MediaPacket& packet,
                                                    std::uint32_t chunk_size);
  /// The publisher left: Stream EOF + NetStream.Play.UnpublishNotify.
  void notify_unpublished(std::uint32_t stream_id);
  /// A publisher (re)appeared: Stream Begin + NetStream.Play.PublishNotify;
  /// this player's clock continues from where it was.
  void notify_published(std::uint32_t stream_id);

  /// Ends the session from the adapter's side (no more input is read).
  void close(std::string reason);
  bool closed() const noexcept { return state_ == State::Closed; }
  const std::string& close_reason() const noexcept { return close_reason_; }

  /// Bytes of the peer's input held right now (see max_connection_bytes).
  std::size_t held_bytes() const noexcept;

  bool connected() const noexcept { return state_ == State::Connected; }
  const ConnectRequest& connect_request() const noexcept { return connect_; }
  HandshakeKind handshake_kind() const noexcept {
    return handshake_ ? handshake_->kind() : handshake_kind_;
  }

 private:
  enum class State : std::uint8_t {
    Invalid = 0,
    Handshake,
    WaitConnect,
    ConnectPending,
    Connected,
    Closed
  };
  enum class StreamState : std::uint8_t {
    Invalid = 0,
    Idle,
    PublishPending,
    Publishing,
    PlayPending,
    Playing
  };

  struct Stream {
    std::uint32_t id = 0;
    StreamState state = StreamState::Idle;
    std::string name;
    // playing
    bool play_reset = true;
    PlayerClock clock;
    bool receive_audio = true;
    bool receive_video = true;
    bool paused = false;
    bool need_keyframe = false;
    // publish pending: media that arrived before the decision
    std::vector<Message> pending;
    std::size_t pending_bytes = 0;
  };

  void handle(Message& message);
  void handle_media(Message& message);
  void handle_command(const Message& message);
  void on_connect(const Command& command);
  void on_create_stream(const Command& command);
  void on_publish(std::uint32_t stream_id, const Command& command);
  void on_play(std::uint32_t stream_id, const Command& command);
  void on_fc_publish(const Command& command, bool publish);
  void on_delete_stream(std::uint32_t stream_id);
  void on_close_stream(std::uint32_t stream_id);
  void on_pause(std::uint32_t stream_id, const Command& command);
  void on_receive(std::uint32_t stream_id, const Command& command, bool video);
  void end_stream(Stream& stream);
  void answer(double transaction_id, const amf0::Value& value = {});
  void stream_status(std::uint32_t stream_id, std::string_view level, std::string_view code,
                     std::string_view description);

  Stream* find(std::uint32_t stream_id);
  Stream* stream_for(std::uint32_t stream_id);  // find or create (bounded)
  // An idle stream for publish/play, or null after answering with `error_code`.
  Stream* idle_stream(std::uint32_t stream_id, std::string_view error_code);
  Stream* by_name_publishing(std::string_view name);
  void fail(std::string reason);

  ServerConfig config_;
  State state_ = State::Handshake;
  std::unique_ptr<ServerHandshake> handshake_;  // until the handshake is done
  HandshakeKind handshake_kind_ = HandshakeKind::Invalid;
  ChunkChannel channel_;
  ConnectRequest connect_;
  double connect_transaction_ = 0;
  std::vector<Stream> streams_;
  std::uint32_t next_stream_id_ = 1;
  std::vector<Message> deferred_;
  std::size_t deferred_bytes_ = 0;
  std::vector<Message> incoming_;
  std::vector<ServerEvent> events_;
  std::string close_reason_;
};

}  // namespace streamgate::rtmp
