#pragma once
// RTMP messages (RTMP 1.0 §6, §7): the type ids, the message record the chunk
// layer hands out, and the protocol control and user control messages.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "streamgate/bytes.hpp"
#include "streamgate/format/parse.hpp"

namespace streamgate::rtmp {

// Message type ids (§5.4, §7.1).
enum class MessageType : std::uint8_t {
  Invalid = 0,
  SetChunkSize = 1,
  Abort = 2,
  Acknowledgement = 3,
  UserControl = 4,
  WindowAckSize = 5,
  SetPeerBandwidth = 6,
  Audio = 8,
  Video = 9,
  DataAmf3 = 15,
  SharedObjectAmf3 = 16,
  CommandAmf3 = 17,
  DataAmf0 = 18,
  SharedObjectAmf0 = 19,
  CommandAmf0 = 20,
  Aggregate = 22,
};

std::string_view to_string(MessageType type) noexcept;

constexpr std::uint32_t kDefaultChunkSize = 128;     // §5.4.1, until Set Chunk Size
constexpr std::uint32_t kMaxChunkSize = 1u << 24;    // larger values are clamped
constexpr std::uint32_t kMaxMessageSize = 0xFFFFFF;  // 24-bit length field
// Chunk stream 2 is reserved for protocol control messages (§5.4).
constexpr std::uint32_t kControlChunkStream = 2;

/// One whole message as it came off (or goes onto) the chunk stream.
struct Message {
  MessageType type = MessageType::Invalid;
  std::uint32_t stream_id = 0;    ///< message stream id
  std::int64_t timestamp_ms = 0;  ///< unwrapped to 64 bits, never wraps
  std::uint32_t csid = 0;         ///< chunk stream it travelled on
  SharedBytes body;
};

// ---- protocol control messages (§5.4): bodies ----

/// Set Chunk Size, Abort (csid), Acknowledgement (sequence number) and Window
/// Acknowledgement Size all carry one 32-bit big-endian number.
std::vector<std::byte> u32_body(std::uint32_t value);
Parsed<std::uint32_t> parse_u32_body(std::span<const std::byte> body);

/// Set Chunk Size (§5.4.1): the first bit must be zero and 0 is meaningless;
/// values above kMaxChunkSize are clamped (no message needs larger chunks).
Parsed<std::uint32_t> parse_set_chunk_size(std::span<const std::byte> body);

// Set Peer Bandwidth limit types (§5.4.5).
constexpr std::uint8_t kLimitHard = 0;
constexpr std::uint8_t kLimitSoft = 1;
constexpr std::uint8_t kLimitDynamic = 2;

struct PeerBandwidth {
  std::uint32_t window_bytes = 0;
  std::uint8_t limit_type = kLimitDynamic;
};
std::vector<std::byte> peer_bandwidth_body(PeerBandwidth bandwidth);
Parsed<PeerBandwidth> parse_peer_bandwidth(std::span<const std::byte> body);

// ---- user control messages (§7.1.7): event type (16 bits) + data ----

// Wire values, so plain constants: 0 is a real event here.
constexpr std::uint16_t kStreamBegin = 0;
constexpr std::uint16_t kStreamEof = 1;
constexpr std::uint16_t kStreamDry = 2;
constexpr std::uint16_t kSetBufferLength = 3;
constexpr std::uint16_t kStreamIsRecorded = 4;
constexpr std::uint16_t kPingRequest = 6;
constexpr std::uint16_t kPingResponse = 7;

struct UserControl {
  std::uint16_t event = 0;
  std::uint32_t value = 0;             ///< stream id, or the ping timestamp
  std::uint32_t buffer_length_ms = 0;  ///< Set Buffer Length only
};
std::vector<std::byte> user_control_body(const UserControl& event);
/// Unknown event types are accepted with their first 4 data bytes (if any),
/// so a client's novelty does not end its session.
Parsed<UserControl> parse_user_control(std::span<const std::byte> body);

/// Splits an Aggregate message (§7.1.6) into its audio / video / data
/// sub-messages: each is an FLV-style tag header (type 1, size 3, timestamp
/// 3 + 1 high byte, stream id 3), the body, and a 4-byte back pointer. Bodies
/// are slices of the aggregate (no copy); timestamps are the aggregate's plus
/// each sub-message's offset from the first.
Parsed<std::vector<Message>> split_aggregate(const Message& aggregate);

/// Acknowledgement bookkeeping (§5.4.3): the peer announces a window with
/// Window Acknowledgement Size; we acknowledge each time that many bytes have
/// arrived since our last acknowledgement.
class AckCounter {
 public:
  void set_window(std::uint32_t window_bytes) noexcept { window_ = window_bytes; }
  std::uint32_t window() const noexcept { return window_; }
  std::uint64_t total_bytes() const noexcept { return total_; }

  /// Counts `bytes` received; returns the sequence number to acknowledge
  /// (total bytes so far, modulo 2^32) when an acknowledgement is due.
  std::optional<std::uint32_t> received(std::size_t bytes) noexcept;

 private:
  std::uint32_t window_ = 0;  // 0: the peer asked for none
  std::uint64_t total_ = 0;
  std::uint64_t last_ack_ = 0;
};

}  // namespace streamgate::rtmp
