#pragma once
// The client side of an RTMP connection without I/O, for tests and the load
// tool: handshake, connect / createStream / publish / play requests, media
// out, and the server's replies parsed into events.

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "chunk_channel.hpp"
#include "command.hpp"
#include "handshake.hpp"
#include "status.hpp"

namespace streamgate::rtmp {

struct ClientConfig {
  ClientHandshake::Options handshake;
  ChunkReader::Limits limits;
};

namespace client_event {
/// _result or _error for one of our calls. For createStream, `stream_id` is
/// the new stream.
struct Result {
  double transaction_id = 0;
  bool error = false;
  Command command;
  std::optional<Status> status;
  std::uint32_t stream_id = 0;
};
/// onStatus, onFCPublish, onFCUnpublish (on `stream_id`).
struct StatusReceived {
  std::uint32_t stream_id = 0;
  std::string command;
  Status status;
};
/// Any other command (onBWDone, ...).
struct CommandReceived {
  std::uint32_t stream_id = 0;
  Command command;
};
/// Audio, video, data (including |RtmpSampleAccess and onMetaData).
struct MediaReceived {
  Message message;
};
/// Stream Begin, Stream EOF, ... (pings are answered already).
struct UserControlReceived {
  UserControl event;
};
struct Closed {
  std::string reason;
};
}  // namespace client_event

using ClientEvent = std::variant<client_event::Result, client_event::StatusReceived,
                                 client_event::CommandReceived, client_event::MediaReceived,
                                 client_event::UserControlReceived, client_event::Closed>;

class ClientProtocol {
 public:
  explicit ClientProtocol(ClientConfig config = {});

  /// Queues C0+C1. Requests made before the handshake completes are sent
  /// right after C2.
  void start();
  void feed(std::span<const std::byte> in);
  void take_events(std::vector<ClientEvent>& out);
  bool has_output() const noexcept { return channel_.has_output(); }
  OutputBatch take_output() { return channel_.take_output(); }
  void recycle(OutputBatch&& done) { channel_.recycle(std::move(done)); }

  /// Each returns the transaction id used.
  double connect(const ConnectOptions& options);
  double create_stream();
  double call(std::string_view name, const amf0::Value& object = amf0::Value::null(),
              std::initializer_list<amf0::Value> args = {});
  /// A NetStream command (transaction id 0, null object) on `stream_id`:
  /// pause, receiveAudio, receiveVideo, seek, closeStream...
  void stream_command(std::uint32_t stream_id, std::string_view name,
                      std::initializer_list<amf0::Value> args = {});
  void publish(std::uint32_t stream_id, std::string_view name, std::string_view type = "live");
  void play(std::uint32_t stream_id, std::string_view name, double start = -2);
  void delete_stream(std::uint32_t stream_id);

  void set_chunk_size(std::uint32_t size);
  void send_media(std::uint32_t stream_id, MessageType type, std::int64_t timestamp_ms,
                  std::span<const std::byte> body);
  /// @setDataFrame("onMetaData", metadata), as OBS and ffmpeg send it.
  void send_metadata(std::uint32_t stream_id, const amf0::Value& metadata,
                     std::int64_t timestamp_ms = 0);
  void send_user_control(const UserControl& event);

  bool handshake_done() const noexcept { return handshake_.done(); }
  bool closed() const noexcept { return closed_; }
  HandshakeKind handshake_kind() const noexcept { return handshake_kind_; }
  const ChunkChannel& channel() const noexcept { return channel_; }

 private:
  void when_ready(std::function<void()> send);
  void handle(const Message& message);
  void fail(std::string reason);

  ChunkChannel channel_;
  ClientHandshake handshake_;
  HandshakeKind handshake_kind_ = HandshakeKind::Invalid;
  std::vector<std::function<void()>> after_handshake_;
  std::vector<std::pair<double, std::string>> calls_;  // transaction id -> command name
  double next_transaction_ = 1;
  std::vector<Message> incoming_;
  std::vector<ClientEvent> events_;
  std::vector<std::byte> handshake_out_;
  bool closed_ = false;
};

}  // namespace streamgate::rtmp
