#pragma once
// One RTMP connection's message layer after the handshake, shared by the
// server and client state machines: the chunk reader and writer, the output
// queue, acknowledgements (§5.4.3) and the control messages that need no
// decision (Window Acknowledgement Size, Ping Request, §7.1.7).

#include <cstdint>
#include <span>
#include <vector>

#include "chunk_reader.hpp"
#include "chunk_writer.hpp"
#include "message.hpp"
#include "output_queue.hpp"

namespace streamgate::rtmp {

// Chunk streams used for what we send (what ffmpeg and nginx-rtmp use).
constexpr std::uint32_t kCommandChunkStream = 3;
constexpr std::uint32_t kAudioChunkStream = 4;
constexpr std::uint32_t kDataChunkStream = 5;
constexpr std::uint32_t kVideoChunkStream = 6;

class ChunkChannel {
 public:
  explicit ChunkChannel(ChunkReader::Limits limits = {}) : reader_(limits) {}

  /// Reads chunks, appends whole messages to `out` (control messages too,
  /// after acting on them), queues acknowledgements and ping responses.
  Parsed<std::size_t> feed(std::span<const std::byte> in, std::vector<Message>& out);

  void send_control(MessageType type, std::span<const std::byte> body);
  void send_user_control(const UserControl& event);
  void send_command(std::uint32_t stream_id, std::span<const std::byte> body);
  void send_data(std::uint32_t stream_id, std::span<const std::byte> body,
                 std::int64_t timestamp_ms = 0);
  /// Any message; `compact` allows type-1/2 headers (media).
  void send(std::uint32_t csid, MessageType type, std::uint32_t stream_id,
            std::int64_t timestamp_ms, std::span<const std::byte> body, bool compact = false);
  void send_shared(MessageType type, std::uint32_t stream_id, std::int64_t timestamp_ms,
                   const ChunkedBody& body);
  void set_chunk_size(std::uint32_t size) { writer_.set_chunk_size(size, output_); }

  std::uint32_t out_chunk_size() const noexcept { return writer_.chunk_size(); }
  const ChunkReader& reader() const noexcept { return reader_; }
  const AckCounter& acks() const noexcept { return acks_; }

  bool has_output() const noexcept { return !output_.empty(); }
  std::size_t output_bytes() const noexcept { return output_.size_bytes(); }
  OutputQueue& output() noexcept { return output_; }
  OutputBatch take_output() { return output_.take(); }
  void recycle(OutputBatch&& done) { output_.recycle(std::move(done)); }

 private:
  ChunkReader reader_;
  ChunkWriter writer_;
  OutputQueue output_;
  AckCounter acks_;
};

}  // namespace streamgate::rtmp
