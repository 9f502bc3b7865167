#include "chunk_channel.hpp"

namespace streamgate::rtmp {

Parsed<std::size_t> ChunkChannel::feed(std::span<const std::byte> in, std::vector<Message>& out) {
  const std::size_t first = out.size();
  auto result = reader_.feed(in, out);
  if (!result.ok()) return result;
  for (std::size_t i = first; i < out.size(); ++i) {
    const Message& m = out[i];
    if (m.type == MessageType::WindowAckSize) {
      auto window = parse_u32_body(m.body);
      if (!window.ok())
        return Parsed<std::size_t>::fail("window acknowledgement size: " + window.error);
      acks_.set_window(window.value);
    } else if (m.type == MessageType::UserControl) {
      auto event = parse_user_control(m.body);
      if (!event.ok()) return Parsed<std::size_t>::fail(event.error);
      if (event.value.event == kPingRequest)
        send_user_control({kPingResponse, event.value.value, 0});
    }
  }
  // Encoders that never see an acknowledgement stop sending (SRS found this
  // with a 2.5 MB window).
  if (auto sequence = acks_.received(in.size()))
    send_control(MessageType::Acknowledgement, u32_body(*sequence));
  return result;
}

void ChunkChannel::send_control(MessageType type, std::span<const std::byte> body) {
  writer_.write(kControlChunkStream, type, 0, 0, body, output_);
}

void ChunkChannel::send_user_control(const UserControl& event) {
  send_control(MessageType::UserControl, user_control_body(event));
}

void ChunkChannel::send_command(std::uint32_t stream_id, std::span<const std::byte> body) {
  writer_.write(kCommandChunkStream, MessageType::CommandAmf0, stream_id, 0, body, output_);
}

void ChunkChannel::send_data(std::uint32_t stream_id, std::span<const std::byte> body,
                             std::int64_t timestamp_ms) {
  writer_.write(kDataChunkStream, MessageType::DataAmf0, stream_id, timestamp_ms, body, output_);
}

void ChunkChannel::send(std::uint32_t csid, MessageType type, std::uint32_t stream_id,
                        std::int64_t timestamp_ms, std::span<const std::byte> body, bool compact) {
  writer_.write(csid, type, stream_id, timestamp_ms, body, output_, compact);
}

void ChunkChannel::send_shared(MessageType type, std::uint32_t stream_id, std::int64_t timestamp_ms,
                               const ChunkedBody& body) {
  writer_.write_shared(type, stream_id, timestamp_ms, body, output_);
}

}  // namespace streamgate::rtmp
