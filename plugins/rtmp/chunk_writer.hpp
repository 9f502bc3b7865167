#pragma once
// Splits outgoing messages into chunks (RTMP 1.0 §5.3).
//
// Fan-out: a media message is chunked once per outgoing chunk size into a
// shared body (payload slices with the type-3 continuation headers between
// them, chunk_body()), cached on the packet. Each player's write is then its
// own small type-0/1/2 header followed by that shared body. A header that
// needs an extended timestamp (player time >= 0xFFFFFF ms) would need the
// 4-byte field in every continuation chunk too, which is what ffmpeg and
// librtmp expect; that rare case is chunked per player.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "message.hpp"
#include "output_queue.hpp"
#include "streamgate/bytes.hpp"

namespace streamgate::rtmp {

/// A message payload chunked for one chunk size and chunk stream, without
/// its first header.
struct ChunkedBody {
  SharedBytes bytes;    ///< payload with continuation headers interleaved
  SharedBytes payload;  ///< the plain payload (for per-player fallback)
  std::uint32_t chunk_size = 0;
  std::uint32_t csid = 0;
};

ChunkedBody chunk_body(SharedBytes payload, std::uint32_t chunk_size, std::uint32_t csid);

/// A stable key for MediaPacket::derived, one per (chunk size, chunk stream).
const void* chunked_body_key(std::uint32_t chunk_size, std::uint32_t csid);

/// The 1- to 3-byte basic header (§5.3.1.1); returns its length.
std::size_t basic_header(std::byte* out, std::uint8_t fmt, std::uint32_t csid) noexcept;

class ChunkWriter {
 public:
  explicit ChunkWriter(std::uint32_t chunk_size = kDefaultChunkSize) : chunk_size_(chunk_size) {}

  std::uint32_t chunk_size() const noexcept { return chunk_size_; }

  /// Queues Set Chunk Size (chunked at the old size), then uses `size`.
  void set_chunk_size(std::uint32_t size, OutputQueue& out);

  /// Chunks `body` into the queue (copied). For control messages, commands
  /// and anything not shared between players. Control messages and commands
  /// always get a full type-0 header (every client parses those); media may
  /// use the shorter type-1/2 forms (`compact`).
  void write(std::uint32_t csid, MessageType type, std::uint32_t stream_id,
             std::int64_t timestamp_ms, std::span<const std::byte> body, OutputQueue& out,
             bool compact = false);

  /// Queues a message whose chunks were built by chunk_body() for this
  /// writer's chunk size: only the first header is written here; the body is
  /// referenced. Falls back to write() when the header needs an extended
  /// timestamp or the body was chunked differently.
  void write_shared(MessageType type, std::uint32_t stream_id, std::int64_t timestamp_ms,
                    const ChunkedBody& body, OutputQueue& out);

  /// Forget header state (next message on each chunk stream gets a type-0 header).
  void reset() noexcept { streams_.clear(); }

 private:
  struct StreamState {
    std::uint32_t csid = 0;
    std::uint32_t stream_id = 0;
    std::uint32_t length = 0;
    MessageType type = MessageType::Invalid;
    std::int64_t timestamp_ms = 0;
  };
  struct FirstHeader {
    std::array<std::byte, 18> bytes{};
    std::size_t size = 0;
    bool extended = false;
    std::uint32_t extended_value = 0;
  };

  FirstHeader first_header(std::uint32_t csid, MessageType type, std::uint32_t stream_id,
                           std::int64_t timestamp_ms, std::uint32_t length, bool compact);
  void write_chunks(const FirstHeader& header, std::uint32_t csid,
                    std::span<const std::byte> payload, OutputQueue& out) const;

  StreamState* find(std::uint32_t csid) noexcept;

  std::uint32_t chunk_size_;
  // Per chunk stream we sent on: a handful (control, command, audio, data,
  // video), searched in a row; a map costs a cache miss per node on every
  // message of every player.
  std::vector<StreamState> streams_;
};

}  // namespace streamgate::rtmp
