#pragma once
// Reassembles RTMP messages from the chunk stream (RTMP 1.0 §5.3).
//
// Bounded by construction: a message buffer grows as its bytes arrive (never
// to the announced length up front), the number of chunk streams and the
// bytes held in unfinished messages across all of them are capped, so a peer
// cannot make the reader hold much more than it has sent.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "message.hpp"
#include "streamgate/bytes.hpp"
#include "streamgate/format/parse.hpp"

namespace streamgate::rtmp {

class ChunkReader {
 public:
  struct Limits {
    std::size_t max_message_bytes = kMaxMessageSize;
    std::size_t max_chunk_streams = 64;
    /// Bytes held in unfinished messages, all chunk streams together.
    std::size_t max_held_bytes = 2 * std::size_t(kMaxMessageSize) + (1u << 20);
  };

  ChunkReader() : ChunkReader(Limits{}) {}
  explicit ChunkReader(Limits limits);

  /// Takes all of `in` (a header cut short is kept inside) and appends every
  /// message it completes to `out`; the value is how many. Set Chunk Size and
  /// Abort take effect here and are handed out too. Invalid: the peer broke
  /// the protocol (error says how); the reader stays failed.
  Parsed<std::size_t> feed(std::span<const std::byte> in, std::vector<Message>& out);

  std::uint32_t chunk_size() const noexcept { return chunk_size_; }
  /// Bytes allocated for unfinished messages right now.
  std::size_t held_bytes() const noexcept { return held_bytes_; }
  std::size_t chunk_streams() const noexcept { return streams_.size(); }

 private:
  struct Stream {
    bool has_header = false;
    MessageType type = MessageType::Invalid;
    std::uint32_t stream_id = 0;
    std::uint32_t length = 0;
    // What a type-3 header that starts a new message adds to the timestamp:
    // the last timestamp field (a type-0 absolute value counts, as in ffmpeg
    // and SRS).
    std::uint32_t delta = 0;
    bool extended = false;  // the last header carried an extended timestamp
    std::uint32_t extended_value = 0;
    std::int64_t timestamp_ms = 0;  // of the current or last message
    bool in_progress = false;
    std::size_t received = 0;
    std::uint32_t chunk_left = 0;  // payload bytes of the current chunk still due
    ByteBuffer buffer;             // capacity = buffer.size()
  };

  struct Header {
    std::uint8_t fmt = 0;
    std::uint32_t csid = 0;
    std::uint32_t timestamp = 0;  // absolute (fmt 0) or delta (fmt 1, 2); ext resolved
    std::uint32_t length = 0;
    MessageType type = MessageType::Invalid;
    std::uint32_t stream_id = 0;
    bool extended = false;  // an extended timestamp field was read
  };

  // Longest header: 3-byte basic header + 11-byte type-0 header + 4-byte
  // extended timestamp.
  static constexpr std::size_t kMaxHeaderSize = 18;

  bool process(std::span<const std::byte> data, std::vector<Message>& out);
  Parsed<Header> parse_header(std::span<const std::byte> data) const;
  bool begin_chunk(const Header& header, std::vector<Message>& out);
  std::size_t copy_payload(std::span<const std::byte> data, std::vector<Message>& out);
  bool grow(Stream& stream, std::size_t need);
  bool complete(std::uint32_t csid, Stream& stream, std::vector<Message>& out);
  void drop_partial(Stream& stream);
  bool fail(std::string why);

  Limits limits_;
  std::uint32_t chunk_size_ = kDefaultChunkSize;
  std::unordered_map<std::uint32_t, Stream> streams_;
  Stream* current_ = nullptr;  // receiving payload of a chunk
  std::uint32_t current_csid_ = 0;
  std::size_t held_bytes_ = 0;
  std::int64_t last_timestamp_ms_ = 0;  // of the last message, any chunk stream
  std::array<std::byte, kMaxHeaderSize> stash_{};
  std::size_t stash_size_ = 0;
  bool failed_ = false;
  std::string error_;
};

}  // namespace streamgate::rtmp
