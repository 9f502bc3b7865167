#include "server_protocol.hpp"

#include <algorithm>

#include "status.hpp"
#include "streamgate/format/amf0.hpp"
#include "streamgate/format/flv.hpp"
#include "streamgate/names.hpp"

namespace streamgate::rtmp {

using amf0::Value;

ServerProtocol::ServerProtocol(ServerConfig config)
    : config_(std::move(config)),
      handshake_(std::make_unique<ServerHandshake>(config_.handshake)),
      channel_(config_.limits) {}

void ServerProtocol::feed(std::span<const std::byte> in) {
  if (state_ == State::Closed) return;
  if (state_ == State::Handshake) {
    std::vector<std::byte> answer;
    auto step = handshake_->feed(in, answer);
    channel_.output().append(answer);
    if (step.invalid()) return fail(step.error);
    if (step.need_more()) return;
    // Its 1.5 KB of blocks are not needed any more (a thousand players).
    handshake_kind_ = handshake_->kind();
    handshake_.reset();
    state_ = State::WaitConnect;
    in = in.subspan(step.consumed);
    if (in.empty()) return;
  }
  incoming_.clear();
  auto read = channel_.feed(in, incoming_);
  // Messages that arrived before a broken chunk are still acted on.
  for (auto& message : incoming_) {
    if (state_ == State::Closed) return;
    if (state_ == State::ConnectPending) {
      if (deferred_.size() >= config_.max_deferred_messages)
        return fail("more than " + std::to_string(config_.max_deferred_messages) +
                    " messages while connect awaits a decision");
      deferred_bytes_ += message.body.size();
      deferred_.push_back(std::move(message));
    } else {
      handle(message);
    }
  }
  if (read.invalid() && state_ != State::Closed) return fail(read.error);
  // The chunk reader holds at most about twice what was sent, the rest
  // exactly what was sent; this caps the sum whatever the peer sent.
  if (const std::size_t held = held_bytes(); held > config_.max_connection_bytes)
    fail("the connection would hold " + std::to_string(held) + " bytes of input, more than " +
         std::to_string(config_.max_connection_bytes) + " (max-connection-memory)");
}

std::size_t ServerProtocol::held_bytes() const noexcept {
  std::size_t held = channel_.reader().held_bytes() + deferred_bytes_;
  for (const auto& stream : streams_) held += stream.pending_bytes;
  return held;
}

void ServerProtocol::take_events(std::vector<ServerEvent>& out) {
  if (out.empty()) {
    out.swap(events_);
  } else {
    std::move(events_.begin(), events_.end(), std::back_inserter(out));
  }
  events_.clear();
}

void ServerProtocol::handle(Message& message) {
  switch (message.type) {
    case MessageType::CommandAmf0:
    case MessageType::CommandAmf3:
      return handle_command(message);
    case MessageType::Audio:
    case MessageType::Video:
    case MessageType::DataAmf0:
    case MessageType::DataAmf3:
      return handle_media(message);
    case MessageType::Aggregate: {
      auto parts = split_aggregate(message);
      if (!parts.ok()) return fail(parts.error);
      for (auto& part : parts.value) handle_media(part);
      return;
    }
    case MessageType::SetPeerBandwidth:
      if (auto bandwidth = parse_peer_bandwidth(message.body); !bandwidth.ok())
        return fail(bandwidth.error);
      return;
    default:
      // Chunk size, abort, window and pings were handled by the channel;
      // acknowledgements and shared objects need nothing from a live server.
      return;
  }
}

void ServerProtocol::handle_media(Message& message) {
  if (state_ != State::Connected)
    return fail(std::string(to_string(message.type)) + " message before connect");
  Stream* stream = find(message.stream_id);
  if (stream == nullptr) return;  // nobody publishes there: dropped
  if (message.type == MessageType::DataAmf0 || message.type == MessageType::DataAmf3) {
    // Decoded here, under this connection's AMF bounds, before anyone keeps it.
    auto values = decode_data(message.type, message.body, config_.amf);
    if (!values.ok()) return fail(values.error);
    if (message.type == MessageType::DataAmf3) {
      message.body = SharedBytes::copy(data_as_amf0(values.value));
      message.type = MessageType::DataAmf0;
    }
  }
  if (stream->state == StreamState::Publishing) {
    events_.push_back(event::MediaReceived{stream->id, std::move(message)});
  } else if (stream->state == StreamState::PublishPending &&
             stream->pending_bytes + message.body.size() <= config_.max_pending_media_bytes) {
    stream->pending_bytes += message.body.size();
    stream->pending.push_back(std::move(message));
  }
}

void ServerProtocol::handle_command(const Message& message) {
  auto decoded = decode_command(message.type, message.body, config_.amf);
  if (!decoded.ok()) return fail(decoded.error);
  const Command& command = decoded.value;
  const std::string& name = command.name;
  const std::uint32_t stream_id = message.stream_id;
  if (state_ == State::WaitConnect) {
    if (name != "connect") return fail("command '" + name + "' before connect");
    return on_connect(command);
  }
  if (name == "connect") return fail("connect on a connected session");
  if (name == "createStream") return on_create_stream(command);
  if (name == "publish") return on_publish(stream_id, command);
  if (name == "play" || name == "play2") return on_play(stream_id, command);
  if (name == "releaseStream" || name == "_checkbw") return answer(command.transaction_id);
  if (name == "FCPublish") return on_fc_publish(command, true);
  if (name == "FCUnpublish") return on_fc_publish(command, false);
  if (name == "FCSubscribe") {  // CDN-era players (and ffmpeg for live) ask first
    channel_.send_command(
        0, on_fc("onFCSubscribe", status::kPlayStart, command.string_arg(0).value_or("")));
    return answer(command.transaction_id);
  }
  if (name == "deleteStream") {
    // A stream id that is no whole uint32 names no stream of ours.
    const auto id = amf0::whole_number(command.number_arg(0).value_or(stream_id), 0, UINT32_MAX);
    return on_delete_stream(id ? std::uint32_t(*id) : 0);
  }
  if (name == "closeStream") return on_close_stream(stream_id);
  if (name == "receiveAudio") return on_receive(stream_id, command, false);
  if (name == "receiveVideo") return on_receive(stream_id, command, true);
  if (name == "pause") return on_pause(stream_id, command);
  if (name == "seek")
    return stream_status(stream_id, status::kLevelStatus, status::kSeekNotify,
                         "Live stream: playback continues at the live point.");
  if (name == "getStreamLength") return answer(command.transaction_id, Value::number(0));
  // Replies and notifications addressed to a client: nothing to answer.
  if (name == "_result" || name == "_error" || name == "onStatus" || name == "onBWDone") return;
  channel_.send_command(0, error_reply(command.transaction_id, status::kCallFailed,
                                       "Method not found (" + name + ")."));
}

void ServerProtocol::on_connect(const Command& command) {
  auto request = parse_connect(command);
  if (!request.ok()) return fail(request.error);
  connect_ = std::move(request.value);
  connect_transaction_ = command.transaction_id;
  state_ = State::ConnectPending;
  events_.push_back(event::ConnectRequested{connect_});
}

void ServerProtocol::accept_connect() {
  if (state_ != State::ConnectPending) return;
  channel_.send_control(MessageType::WindowAckSize, u32_body(config_.window_ack_size));
  channel_.send_control(MessageType::SetPeerBandwidth,
                        peer_bandwidth_body({config_.peer_bandwidth, kLimitDynamic}));
  // Once, right after connect: some clients cope badly with later changes.
  channel_.set_chunk_size(config_.chunk_size);
  channel_.send_command(0, connect_result(connect_transaction_, connect_.object_encoding));
  channel_.send_command(0, on_bw_done());
  state_ = State::Connected;
  std::vector<Message> held;
  held.swap(deferred_);
  deferred_bytes_ = 0;  // what is deferred from here on counts afresh
  for (auto& message : held) {
    if (state_ != State::Connected) break;
    handle(message);
  }
}

void ServerProtocol::reject_connect(std::string_view description) {
  if (state_ != State::ConnectPending) return;
  channel_.send_command(0,
                        error_reply(connect_transaction_, status::kConnectRejected, description));
  state_ = State::Closed;
  close_reason_ = "connect rejected: " + std::string(description);
  events_.push_back(event::Closed{close_reason_, false});
}

void ServerProtocol::on_create_stream(const Command& command) {
  if (streams_.size() >= config_.max_streams) {
    channel_.send_command(0, error_reply(command.transaction_id, status::kCallFailed,
                                         "Too many streams on one connection."));
    return;
  }
  while (find(next_stream_id_) != nullptr) ++next_stream_id_;
  streams_.push_back(Stream{});
  streams_.back().id = next_stream_id_;
  answer(command.transaction_id, Value::number(next_stream_id_++));
}

ServerProtocol::Stream* ServerProtocol::idle_stream(std::uint32_t stream_id,
                                                    std::string_view error_code) {
  Stream* stream = stream_for(stream_id);
  if (stream == nullptr) {
    stream_status(stream_id, status::kLevelError, error_code, "No such stream.");
  } else if (stream->state != StreamState::Idle) {
    stream_status(stream_id, status::kLevelError, error_code,
                  "The stream is already in use on this connection.");
    stream = nullptr;
  }
  return stream;
}

void ServerProtocol::on_publish(std::uint32_t stream_id, const Command& command) {
  Stream* stream = idle_stream(stream_id, status::kPublishBadName);
  if (stream == nullptr) return;
  auto request = parse_publish(command);
  if (!request.ok()) {
    // Refused like a bad name: the status, then the connection closes.
    stream_status(stream_id, status::kLevelError, status::kPublishBadName, request.error);
    return fail(request.error);
  }
  stream->name = request.value.name;
  stream->state = StreamState::PublishPending;
  events_.push_back(event::PublishRequested{stream_id, std::move(request.value)});
}

bool ServerProtocol::accept_publish(std::uint32_t stream_id) {
  Stream* stream = find(stream_id);
  if (closed() || stream == nullptr || stream->state != StreamState::PublishPending) return false;
  channel_.send_user_control({kStreamBegin, stream_id, 0});
  stream_status(stream_id, status::kLevelStatus, status::kPublishStart,
                stream->name + " is now published.");
  stream->state = StreamState::Publishing;
  for (auto& message : stream->pending)
    events_.push_back(event::MediaReceived{stream_id, std::move(message)});
  stream->pending.clear();
  stream->pending_bytes = 0;
  return true;
}

void ServerProtocol::refuse_publish(std::uint32_t stream_id, std::string_view code,
                                    std::string_view description) {
  Stream* stream = find(stream_id);
  if (closed() || stream == nullptr || stream->state != StreamState::PublishPending) return;
  stream_status(stream_id, status::kLevelError, code, description);
  stream->state = StreamState::Idle;
  stream->pending.clear();
  stream->pending_bytes = 0;
}

void ServerProtocol::on_play(std::uint32_t stream_id, const Command& command) {
  Stream* stream = idle_stream(stream_id, status::kPlayFailed);
  if (stream == nullptr) return;
  auto request = parse_play(command);
  if (!request.ok()) {
    stream_status(stream_id, status::kLevelError, status::kPlayStreamNotFound, request.error);
    return fail(request.error);
  }
  stream->name = request.value.name;
  stream->play_reset = request.value.reset;
  stream->state = StreamState::PlayPending;
  events_.push_back(event::PlayRequested{stream_id, std::move(request.value)});
}

bool ServerProtocol::start_play(std::uint32_t stream_id) {
  Stream* stream = find(stream_id);
  if (closed() || stream == nullptr || stream->state != StreamState::PlayPending) return false;
  channel_.send_user_control({kStreamBegin, stream_id, 0});
  if (stream->play_reset)
    stream_status(stream_id, status::kLevelStatus, status::kPlayReset,
                  "Playing and resetting " + stream->name + ".");
  stream_status(stream_id, status::kLevelStatus, status::kPlayStart,
                "Started playing " + stream->name + ".");
  channel_.send_data(stream_id, sample_access());
  stream->state = StreamState::Playing;
  stream->clock = PlayerClock{};
  return true;
}

void ServerProtocol::refuse_play(std::uint32_t stream_id, std::string_view code,
                                 std::string_view description) {
  Stream* stream = find(stream_id);
  if (closed() || stream == nullptr || stream->state != StreamState::PlayPending) return;
  stream_status(stream_id, status::kLevelError, code, description);
  stream->state = StreamState::Idle;
}

namespace {

// The chunk stream each kind of media goes out on (what ffmpeg and nginx-rtmp use).
std::uint32_t media_chunk_stream(TrackKind kind) noexcept {
  switch (kind) {
    case TrackKind::Video:
      return kVideoChunkStream;
    case TrackKind::Audio:
      return kAudioChunkStream;
    case TrackKind::Data:
      return kDataChunkStream;
    default:
      return 0;
  }
}

}  // namespace

std::shared_ptr<const ChunkedBody> ServerProtocol::chunked(const MediaPacket& packet,
                                                           std::uint32_t chunk_size) {
  const std::uint32_t csid = media_chunk_stream(packet.kind);
  if (csid == 0) return nullptr;
  // Chunked once per chunk size for every player of this packet.
  return packet.derived<ChunkedBody>(chunked_body_key(chunk_size, csid), [&] {
    return std::make_shared<const ChunkedBody>(chunk_body(flv::tag_body(packet), chunk_size, csid));
  });
}

bool ServerProtocol::send_media(std::uint32_t stream_id, const MediaPacket& packet) {
  const auto body = chunked(packet, channel_.out_chunk_size());
  return body != nullptr && send_media(stream_id, packet, *body);
}

bool ServerProtocol::send_media(std::uint32_t stream_id, const MediaPacket& packet,
                                const ChunkedBody& body) {
  Stream* stream = find(stream_id);
  if (closed() || stream == nullptr || stream->state != StreamState::Playing || stream->paused)
    return false;
  MessageType type = MessageType::Invalid;
  switch (packet.kind) {
    case TrackKind::Video:
      if (!stream->receive_video) return false;
      if (stream->need_keyframe) {
        if (!packet.keyframe && !packet.config) return false;
        if (packet.keyframe) stream->need_keyframe = false;
      }
      type = MessageType::Video;
      break;
    case TrackKind::Audio:
      if (!stream->receive_audio) return false;
      type = MessageType::Audio;
      break;
    case TrackKind::Data:
      type = MessageType::DataAmf0;
      break;
    default:
      return false;
  }
  if (body.payload.empty()) return false;  // no FLV form (e.g. Opus)
  const bool frame = !packet.config && packet.kind != TrackKind::Data;
  channel_.send_shared(type, stream_id, stream->clock.map(packet.dts, packet.kind, frame), body);
  return true;
}

void ServerProtocol::notify_unpublished(std::uint32_t stream_id) {
  Stream* stream = find(stream_id);
  if (closed() || stream == nullptr || stream->state != StreamState::Playing) return;
  channel_.send_user_control({kStreamEof, stream_id, 0});
  stream_status(stream_id, status::kLevelStatus, status::kPlayUnpublishNotify,
                stream->name + " is now unpublished.");
}

void ServerProtocol::notify_published(std::uint32_t stream_id) {
  Stream* stream = find(stream_id);
  if (closed() || stream == nullptr || stream->state != StreamState::Playing) return;
  channel_.send_user_control({kStreamBegin, stream_id, 0});
  stream_status(stream_id, status::kLevelStatus, status::kPlayPublishNotify,
                stream->name + " is now published.");
  stream->clock.rebase();
}

void ServerProtocol::on_fc_publish(const Command& command, bool publish) {
  const std::string name = command.string_arg(0).value_or("");
  // Encoders wait for these answers (an appliance hung on nginx-rtmp, which
  // stays silent).
  if (publish) {
    channel_.send_command(0, on_fc("onFCPublish", status::kPublishStart, name));
  } else {
    channel_.send_command(0, on_fc("onFCUnpublish", status::kUnpublishSuccess, name));
    if (Stream* stream = by_name_publishing(split_query(name).first)) end_stream(*stream);
  }
  answer(command.transaction_id);
}

void ServerProtocol::on_delete_stream(std::uint32_t stream_id) {
  auto it = std::find_if(streams_.begin(), streams_.end(),
                         [&](const Stream& s) { return s.id == stream_id; });
  if (it == streams_.end()) return;
  end_stream(*it);
  streams_.erase(it);
}

void ServerProtocol::on_close_stream(std::uint32_t stream_id) {
  Stream* stream = find(stream_id);
  if (stream == nullptr) return;
  if (stream->state == StreamState::Publishing)
    stream_status(stream_id, status::kLevelStatus, status::kUnpublishSuccess,
                  stream->name + " is now unpublished.");
  end_stream(*stream);
}

void ServerProtocol::on_pause(std::uint32_t stream_id, const Command& command) {
  Stream* stream = find(stream_id);
  if (stream == nullptr || stream->state != StreamState::Playing) return;
  const bool paused = command.boolean_arg(0).value_or(!stream->paused);
  stream->paused = paused;
  // Frames skipped while paused leave the decoder without references.
  if (!paused) stream->need_keyframe = true;
  stream_status(stream_id, status::kLevelStatus,
                paused ? status::kPauseNotify : status::kUnpauseNotify,
                (paused ? "Paused " : "Unpaused ") + stream->name + ".");
  events_.push_back(event::PauseChanged{stream_id, paused});
}

void ServerProtocol::on_receive(std::uint32_t stream_id, const Command& command, bool video) {
  Stream* stream = find(stream_id);
  if (stream == nullptr) return;
  const bool on = command.boolean_arg(0).value_or(true);
  if (video) {
    if (on && !stream->receive_video) stream->need_keyframe = true;
    stream->receive_video = on;
  } else {
    stream->receive_audio = on;
  }
}

void ServerProtocol::end_stream(Stream& stream) {
  switch (stream.state) {
    case StreamState::PublishPending:
    case StreamState::Publishing:
      events_.push_back(event::PublishEnded{stream.id, stream.name});
      break;
    case StreamState::PlayPending:
    case StreamState::Playing:
      events_.push_back(event::PlayEnded{stream.id});
      break;
    default:
      break;
  }
  const std::uint32_t id = stream.id;
  stream = Stream{};
  stream.id = id;
}

// A transaction id of 0 means the sender expects no answer (§7.2.1).
void ServerProtocol::answer(double transaction_id, const Value& value) {
  if (transaction_id != 0) channel_.send_command(0, result_reply(transaction_id, value));
}

void ServerProtocol::stream_status(std::uint32_t stream_id, std::string_view level,
                                   std::string_view code, std::string_view description) {
  channel_.send_command(stream_id, on_status(level, code, description));
}

ServerProtocol::Stream* ServerProtocol::find(std::uint32_t stream_id) {
  for (auto& stream : streams_)
    if (stream.id == stream_id) return &stream;
  return nullptr;
}

// Clients publish or play on the id createStream gave them; a few skip
// createStream and use 1. Accept that within the stream limit.
ServerProtocol::Stream* ServerProtocol::stream_for(std::uint32_t stream_id) {
  if (Stream* stream = find(stream_id)) return stream;
  if (stream_id == 0 || streams_.size() >= config_.max_streams) return nullptr;
  streams_.push_back(Stream{});
  streams_.back().id = stream_id;
  return &streams_.back();
}

ServerProtocol::Stream* ServerProtocol::by_name_publishing(std::string_view name) {
  for (auto& stream : streams_)
    if (stream.name == name &&
        (stream.state == StreamState::Publishing || stream.state == StreamState::PublishPending))
      return &stream;
  return nullptr;
}

void ServerProtocol::close(std::string reason) {
  if (state_ == State::Closed) return;
  state_ = State::Closed;
  close_reason_ = std::move(reason);
}

void ServerProtocol::fail(std::string reason) {
  if (state_ == State::Closed) return;
  state_ = State::Closed;
  close_reason_ = std::move(reason);
  events_.push_back(event::Closed{close_reason_, true});
}

}  // namespace streamgate::rtmp
