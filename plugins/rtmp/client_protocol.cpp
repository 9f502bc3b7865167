#include "client_protocol.hpp"

#include <algorithm>

#include "streamgate/format/amf0.hpp"

namespace streamgate::rtmp {

using amf0::Value;

ClientProtocol::ClientProtocol(ClientConfig config)
    : channel_(config.limits), handshake_(std::move(config.handshake)) {}

void ClientProtocol::start() { channel_.output().append(handshake_.start()); }

void ClientProtocol::feed(std::span<const std::byte> in) {
  if (closed_) return;
  if (!handshake_.done()) {
    handshake_out_.clear();
    auto step = handshake_.feed(in, handshake_out_);
    channel_.output().append(handshake_out_);
    if (step.invalid()) return fail(step.error);
    if (step.need_more()) return;
    handshake_kind_ = step.value;
    for (auto& send : after_handshake_) send();
    after_handshake_.clear();
    in = in.subspan(step.consumed);
  }
  incoming_.clear();
  auto read = channel_.feed(in, incoming_);
  for (const auto& message : incoming_) handle(message);
  if (read.invalid()) fail(read.error);
}

void ClientProtocol::take_events(std::vector<ClientEvent>& out) {
  std::move(events_.begin(), events_.end(), std::back_inserter(out));
  events_.clear();
}

void ClientProtocol::when_ready(std::function<void()> send) {
  if (handshake_.done())
    send();
  else
    after_handshake_.push_back(std::move(send));
}

double ClientProtocol::call(std::string_view name, const Value& object,
                            std::initializer_list<Value> args) {
  const double transaction_id = next_transaction_++;
  calls_.emplace_back(transaction_id, std::string(name));
  auto body = encode_command(name, transaction_id, object, args);
  when_ready([this, body = std::move(body)] { channel_.send_command(0, body); });
  return transaction_id;
}

double ClientProtocol::connect(const ConnectOptions& options) {
  const double transaction_id = next_transaction_++;
  calls_.emplace_back(transaction_id, "connect");
  auto body = connect_command(transaction_id, options);
  when_ready([this, body = std::move(body)] { channel_.send_command(0, body); });
  return transaction_id;
}

double ClientProtocol::create_stream() { return call("createStream"); }

void ClientProtocol::stream_command(std::uint32_t stream_id, std::string_view name,
                                    std::initializer_list<Value> args) {
  auto body = encode_command(name, 0, Value::null(), args);
  when_ready([this, stream_id, body = std::move(body)] { channel_.send_command(stream_id, body); });
}

void ClientProtocol::publish(std::uint32_t stream_id, std::string_view name,
                             std::string_view type) {
  auto body = publish_command(0, name, type);
  when_ready([this, stream_id, body = std::move(body)] { channel_.send_command(stream_id, body); });
}

void ClientProtocol::play(std::uint32_t stream_id, std::string_view name, double start) {
  auto body = play_command(0, name, start);
  when_ready([this, stream_id, body = std::move(body)] { channel_.send_command(stream_id, body); });
}

void ClientProtocol::delete_stream(std::uint32_t stream_id) {
  auto body = delete_stream_command(0, stream_id);
  when_ready([this, body = std::move(body)] { channel_.send_command(0, body); });
}

void ClientProtocol::set_chunk_size(std::uint32_t size) {
  when_ready([this, size] { channel_.set_chunk_size(size); });
}

void ClientProtocol::send_media(std::uint32_t stream_id, MessageType type,
                                std::int64_t timestamp_ms, std::span<const std::byte> body) {
  const std::uint32_t csid = type == MessageType::Video   ? kVideoChunkStream
                             : type == MessageType::Audio ? kAudioChunkStream
                                                          : kDataChunkStream;
  if (handshake_.done()) return channel_.send(csid, type, stream_id, timestamp_ms, body, true);
  when_ready([this, csid, type, stream_id, timestamp_ms,
              copy = std::vector<std::byte>(body.begin(), body.end())] {
    channel_.send(csid, type, stream_id, timestamp_ms, copy, true);
  });
}

void ClientProtocol::send_metadata(std::uint32_t stream_id, const Value& metadata,
                                   std::int64_t timestamp_ms) {
  const Value values[] = {Value::string("@setDataFrame"), Value::string("onMetaData"), metadata};
  when_ready([this, stream_id, timestamp_ms, body = amf0::encode_all(values)] {
    channel_.send_data(stream_id, body, timestamp_ms);
  });
}

void ClientProtocol::send_user_control(const UserControl& event) {
  when_ready([this, event] { channel_.send_user_control(event); });
}

void ClientProtocol::handle(const Message& message) {
  switch (message.type) {
    case MessageType::Audio:
    case MessageType::Video:
    case MessageType::DataAmf0:
      events_.push_back(client_event::MediaReceived{message});
      return;
    case MessageType::UserControl: {
      auto event = parse_user_control(message.body);
      if (event.ok() && event.value.event != kPingRequest)
        events_.push_back(client_event::UserControlReceived{event.value});
      return;
    }
    case MessageType::CommandAmf0:
    case MessageType::CommandAmf3:
      break;
    default:
      return;
  }
  auto decoded = decode_command(message.type, message.body);
  if (!decoded.ok()) return fail(decoded.error);
  Command& command = decoded.value;
  if (command.name == "_result" || command.name == "_error") {
    client_event::Result result{
        command.transaction_id, command.name == "_error", {}, parse_status(command), 0};
    auto call = std::find_if(calls_.begin(), calls_.end(),
                             [&](const auto& c) { return c.first == command.transaction_id; });
    if (call != calls_.end()) {
      if (call->second == "createStream" && !result.error)
        result.stream_id =
            std::uint32_t(amf0::whole_number(command.number_arg(0).value_or(0), 0, UINT32_MAX).value_or(0));
      calls_.erase(call);
    }
    result.command = std::move(command);
    events_.push_back(std::move(result));
    return;
  }
  if (auto status = parse_status(command))
    return events_.push_back(
        client_event::StatusReceived{message.stream_id, command.name, std::move(*status)});
  events_.push_back(client_event::CommandReceived{message.stream_id, std::move(command)});
}

void ClientProtocol::fail(std::string reason) {
  if (closed_) return;
  closed_ = true;
  events_.push_back(client_event::Closed{std::move(reason)});
}

}  // namespace streamgate::rtmp
