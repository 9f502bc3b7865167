#include "message.hpp"

#include <string>

#include "byte_order.hpp"

namespace streamgate::rtmp {

std::string_view to_string(MessageType type) noexcept {
  switch (type) {
    case MessageType::Invalid:
      return "invalid";
    case MessageType::SetChunkSize:
      return "set-chunk-size";
    case MessageType::Abort:
      return "abort";
    case MessageType::Acknowledgement:
      return "acknowledgement";
    case MessageType::UserControl:
      return "user-control";
    case MessageType::WindowAckSize:
      return "window-ack-size";
    case MessageType::SetPeerBandwidth:
      return "set-peer-bandwidth";
    case MessageType::Audio:
      return "audio";
    case MessageType::Video:
      return "video";
    case MessageType::DataAmf3:
      return "data-amf3";
    case MessageType::SharedObjectAmf3:
      return "shared-object-amf3";
    case MessageType::CommandAmf3:
      return "command-amf3";
    case MessageType::DataAmf0:
      return "data-amf0";
    case MessageType::SharedObjectAmf0:
      return "shared-object-amf0";
    case MessageType::CommandAmf0:
      return "command-amf0";
    case MessageType::Aggregate:
      return "aggregate";
  }
  return "unknown";
}

std::vector<std::byte> u32_body(std::uint32_t value) {
  std::vector<std::byte> out;
  append_be(out, value, 4);
  return out;
}

Parsed<std::uint32_t> parse_u32_body(std::span<const std::byte> body) {
  if (body.size() < 4)
    return Parsed<std::uint32_t>::fail("control message of " + std::to_string(body.size()) +
                                       " bytes, 4 expected");
  return Parsed<std::uint32_t>::done(4, load_be32(body.data()));
}

Parsed<std::uint32_t> parse_set_chunk_size(std::span<const std::byte> body) {
  auto value = parse_u32_body(body);
  if (!value.ok()) return value;
  if (value.value == 0 || value.value > 0x7FFFFFFFu)
    return Parsed<std::uint32_t>::fail("set chunk size " + std::to_string(value.value) +
                                       " is outside 1..2^31-1");
  if (value.value > kMaxChunkSize) value.value = kMaxChunkSize;
  return value;
}

std::vector<std::byte> peer_bandwidth_body(PeerBandwidth bandwidth) {
  std::vector<std::byte> out;
  append_be(out, bandwidth.window_bytes, 4);
  out.push_back(std::byte{bandwidth.limit_type});
  return out;
}

Parsed<PeerBandwidth> parse_peer_bandwidth(std::span<const std::byte> body) {
  if (body.size() < 5)
    return Parsed<PeerBandwidth>::fail("set peer bandwidth of " + std::to_string(body.size()) +
                                       " bytes, 5 expected");
  PeerBandwidth out{load_be32(body.data()), std::to_integer<std::uint8_t>(body[4])};
  if (out.limit_type > kLimitDynamic)
    return Parsed<PeerBandwidth>::fail("set peer bandwidth limit type " +
                                       std::to_string(out.limit_type) + " is not 0, 1 or 2");
  return Parsed<PeerBandwidth>::done(5, out);
}

std::vector<std::byte> user_control_body(const UserControl& event) {
  std::vector<std::byte> out;
  append_be(out, event.event, 2);
  append_be(out, event.value, 4);
  if (event.event == kSetBufferLength) append_be(out, event.buffer_length_ms, 4);
  return out;
}

Parsed<UserControl> parse_user_control(std::span<const std::byte> body) {
  if (body.size() < 2)
    return Parsed<UserControl>::fail("user control message without an event type");
  UserControl out;
  out.event = std::uint16_t(load_be16(body.data()));
  const auto data = body.subspan(2);
  const bool known =
      out.event <= kStreamIsRecorded || out.event == kPingRequest || out.event == kPingResponse;
  const std::size_t need = out.event == kSetBufferLength ? 8 : 4;
  if (known && data.size() < need)
    return Parsed<UserControl>::fail("user control event " + std::to_string(out.event) + " with " +
                                     std::to_string(data.size()) + " data bytes, " +
                                     std::to_string(need) + " expected");
  if (data.size() >= 4) out.value = load_be32(data.data());
  if (out.event == kSetBufferLength) out.buffer_length_ms = load_be32(data.data() + 4);
  return Parsed<UserControl>::done(body.size(), out);
}

Parsed<std::vector<Message>> split_aggregate(const Message& aggregate) {
  using Result = Parsed<std::vector<Message>>;
  constexpr std::size_t kTagHeader = 11;
  constexpr std::size_t kBackPointer = 4;
  std::vector<Message> out;
  const auto body = aggregate.body.span();
  std::size_t pos = 0;
  std::int64_t first = 0;
  while (pos < body.size()) {
    if (body.size() - pos < kTagHeader)
      return Result::fail("aggregate: sub-message header cut short");
    const std::byte* p = body.data() + pos;
    const auto type = MessageType(std::to_integer<std::uint8_t>(p[0]));
    const std::uint32_t size = load_be24(p + 1);
    const std::int64_t ts =
        std::int64_t(load_be24(p + 4) | std::to_integer<std::uint32_t>(p[7]) << 24);
    if (type != MessageType::Audio && type != MessageType::Video && type != MessageType::DataAmf0)
      return Result::fail("aggregate: sub-message of type " + std::to_string(int(type)));
    if (body.size() - pos - kTagHeader < std::size_t(size) + kBackPointer)
      return Result::fail("aggregate: sub-message of " + std::to_string(size) +
                          " bytes runs past the end");
    if (out.empty()) first = ts;
    out.push_back(Message{type, aggregate.stream_id, aggregate.timestamp_ms + (ts - first),
                          aggregate.csid, aggregate.body.slice(pos + kTagHeader, size)});
    pos += kTagHeader + size + kBackPointer;
  }
  return Result::done(body.size(), std::move(out));
}

std::optional<std::uint32_t> AckCounter::received(std::size_t bytes) noexcept {
  total_ += bytes;
  if (window_ == 0 || total_ - last_ack_ < window_) return std::nullopt;
  last_ack_ = total_;
  return std::uint32_t(total_);
}

}  // namespace streamgate::rtmp
