#include "chunk_reader.hpp"

#include <algorithm>
#include <cstring>

#include "byte_order.hpp"

namespace streamgate::rtmp {
namespace {

constexpr std::uint32_t kExtendedMarker = 0xFFFFFF;
constexpr std::int64_t kWrap = std::int64_t(1) << 32;

// A type-0 header carries an absolute 32-bit timestamp: place it on the 64-bit
// line nearest to `reference`, so the 32-bit wrap (~49.7 days) goes on.
std::int64_t unwrap(std::uint32_t timestamp, std::int64_t reference) {
  std::int64_t candidate = (reference & ~(kWrap - 1)) | std::int64_t(timestamp);
  if (candidate + kWrap / 2 < reference)
    candidate += kWrap;
  else if (candidate > reference + kWrap / 2 && candidate >= kWrap)
    candidate -= kWrap;
  return candidate;
}

constexpr std::size_t kMessageHeaderSize[4] = {11, 7, 3, 0};  // §5.3.1.2

}  // namespace

ChunkReader::ChunkReader(Limits limits) : limits_(limits) {
  limits_.max_message_bytes = std::min<std::size_t>(limits_.max_message_bytes, kMaxMessageSize);
}

Parsed<std::size_t> ChunkReader::feed(std::span<const std::byte> in, std::vector<Message>& out) {
  if (failed_) return Parsed<std::size_t>::fail(error_);
  const std::size_t before = out.size();
  if (!process(in, out)) return Parsed<std::size_t>::fail(error_);
  return Parsed<std::size_t>::done(in.size(), out.size() - before);
}

bool ChunkReader::process(std::span<const std::byte> data, std::vector<Message>& out) {
  std::size_t pos = 0;
  while (pos < data.size()) {
    if (current_ != nullptr) {
      pos += copy_payload(data.subspan(pos), out);
      if (failed_) return false;
      continue;
    }
    if (stash_size_ == 0) {
      auto header = parse_header(data.subspan(pos));
      if (header.invalid()) return fail(header.error);
      if (header.need_more()) {
        // Less than a header is left (fewer than kMaxHeaderSize bytes).
        stash_size_ = data.size() - pos;
        std::copy(data.begin() + std::ptrdiff_t(pos), data.end(), stash_.begin());
        return true;
      }
      pos += header.consumed;
      if (!begin_chunk(header.value, out)) return false;
      continue;
    }
    // A header began in an earlier feed: complete it in the stash.
    const std::size_t old = stash_size_;
    const std::size_t take = std::min(kMaxHeaderSize - old, data.size() - pos);
    std::copy_n(data.begin() + std::ptrdiff_t(pos), take, stash_.begin() + std::ptrdiff_t(old));
    auto header = parse_header(std::span<const std::byte>(stash_).first(old + take));
    if (header.invalid()) return fail(header.error);
    if (header.need_more()) {
      stash_size_ = old + take;
      return true;  // took everything
    }
    stash_size_ = 0;
    // The header may end before the old stash did (a peeked extended
    // timestamp that was payload after all): those bytes come first.
    std::array<std::byte, kMaxHeaderSize> leftover{};
    std::size_t leftover_size = 0;
    if (header.consumed < old) {
      leftover_size = old - header.consumed;
      std::copy_n(stash_.begin() + std::ptrdiff_t(header.consumed), leftover_size,
                  leftover.begin());
    } else {
      pos += header.consumed - old;
    }
    if (!begin_chunk(header.value, out)) return false;
    if (leftover_size > 0 &&
        !process(std::span<const std::byte>(leftover).first(leftover_size), out))
      return false;
  }
  return true;
}

// §5.3.1.1 basic header, §5.3.1.2 message header, §5.3.1.3 extended timestamp.
Parsed<ChunkReader::Header> ChunkReader::parse_header(std::span<const std::byte> data) const {
  using Result = Parsed<Header>;
  if (data.empty()) return Result::more();
  Header h;
  const auto first = std::to_integer<std::uint8_t>(data[0]);
  h.fmt = first >> 6;
  std::size_t pos = 1;
  switch (first & 0x3F) {
    case 0:  // 2-byte form: id 64..319
      if (data.size() < 2) return Result::more();
      h.csid = 64 + std::to_integer<std::uint32_t>(data[1]);
      pos = 2;
      break;
    case 1:  // 3-byte form: id 64..65599, little-endian
      if (data.size() < 3) return Result::more();
      h.csid = 64 + std::to_integer<std::uint32_t>(data[1]) +
               256 * std::to_integer<std::uint32_t>(data[2]);
      pos = 3;
      break;
    default:
      h.csid = first & 0x3F;
  }
  const std::size_t header_size = kMessageHeaderSize[h.fmt];
  if (data.size() < pos + header_size) return Result::more();
  const std::byte* p = data.data() + pos;
  if (h.fmt <= 2) h.timestamp = load_be24(p);
  if (h.fmt <= 1) {
    h.length = load_be24(p + 3);
    h.type = MessageType(std::to_integer<std::uint8_t>(p[6]));
    if (h.type == MessageType::Invalid) return Result::fail("chunk header with message type 0");
  }
  if (h.fmt == 0) h.stream_id = load_le32(p + 7);
  pos += header_size;

  if (h.fmt <= 2) {
    if (h.timestamp == kExtendedMarker) {
      if (data.size() < pos + 4) return Result::more();
      h.timestamp = load_be32(data.data() + pos);
      h.extended = true;
      pos += 4;
    }
    return Result::done(pos, h);
  }

  // Type 3 repeats the previous header of its chunk stream, including its
  // extended timestamp field (§5.3.1.3; ffmpeg and librtmp send it).
  auto it = streams_.find(h.csid);
  if (it == streams_.end() || !it->second.has_header)
    return Result::fail("type-3 chunk on chunk stream " + std::to_string(h.csid) +
                        " with no previous header");
  const Stream& s = it->second;
  if (!s.extended) return Result::done(pos, h);
  if (data.size() < pos + 4) return Result::more();
  const std::uint32_t value = load_be32(data.data() + pos);
  if (!s.in_progress) {
    // A new message: the field is its timestamp delta and must be there.
    h.timestamp = value;
    h.extended = true;
    return Result::done(pos + 4, h);
  }
  // A continuation: some encoders omit the field. Present means it repeats
  // the header's value; anything else is already payload.
  if (value == s.extended_value) {
    h.extended = true;
    pos += 4;
  }
  return Result::done(pos, h);
}

bool ChunkReader::begin_chunk(const Header& h, std::vector<Message>& out) {
  auto it = streams_.find(h.csid);
  if (it == streams_.end()) {
    // librtmp opens chunk stream 2 with a type-1 header for pings (SRS
    // accepts it too); a type 2 or 3 has nothing to refer to.
    if (h.fmt >= 2)
      return fail("chunk stream " + std::to_string(h.csid) + " starts with a type-" +
                  std::to_string(h.fmt) + " header");
    if (streams_.size() >= limits_.max_chunk_streams)
      return fail("more than " + std::to_string(limits_.max_chunk_streams) + " chunk streams");
    it = streams_.emplace(h.csid, Stream{}).first;
  }
  Stream& s = it->second;
  const bool continuing = s.in_progress;
  if (continuing && h.fmt != 3)
    return fail("type-" + std::to_string(h.fmt) + " header on chunk stream " +
                std::to_string(h.csid) + " inside an unfinished message");

  switch (h.fmt) {
    case 0:
      s.timestamp_ms = unwrap(h.timestamp, s.has_header ? s.timestamp_ms : last_timestamp_ms_);
      s.stream_id = h.stream_id;
      [[fallthrough]];
    case 1:
      s.length = h.length;
      s.type = h.type;
      [[fallthrough]];
    case 2:
      if (h.fmt != 0) s.timestamp_ms += h.timestamp;
      s.delta = h.timestamp;
      s.extended = h.extended;
      s.extended_value = h.timestamp;
      break;
    default:  // 3
      if (!continuing) {
        if (h.extended) s.delta = s.extended_value = h.timestamp;
        s.timestamp_ms += s.delta;
      }
  }
  s.has_header = true;

  if (!continuing) {
    if (s.length > limits_.max_message_bytes)
      return fail("message of " + std::to_string(s.length) + " bytes on chunk stream " +
                  std::to_string(h.csid) + " exceeds the " +
                  std::to_string(limits_.max_message_bytes) + "-byte limit");
    s.in_progress = true;
    s.received = 0;
    if (s.length == 0) return complete(h.csid, s, out);
  }
  s.chunk_left = std::uint32_t(std::min<std::size_t>(chunk_size_, s.length - s.received));
  current_ = &s;
  current_csid_ = h.csid;
  return true;
}

std::size_t ChunkReader::copy_payload(std::span<const std::byte> data, std::vector<Message>& out) {
  Stream& s = *current_;
  const std::size_t take = std::min<std::size_t>(s.chunk_left, data.size());
  if (s.received + take > s.buffer.size() && !grow(s, s.received + take)) return take;
  std::memcpy(s.buffer.data() + s.received, data.data(), take);
  s.received += take;
  s.chunk_left -= std::uint32_t(take);
  if (s.received == s.length) {
    complete(current_csid_, s, out);
  } else if (s.chunk_left == 0) {
    current_ = nullptr;
  }
  return take;
}

// Capacity doubles from what has arrived, so a peer announcing 16 MiB and
// sending 1 byte costs 1 byte, and what is held stays under twice what was
// sent. (Sizing from the rest of the input instead lets many chunk streams
// each claim the same bytes.)
bool ChunkReader::grow(Stream& s, std::size_t need) {
  const std::size_t old_capacity = s.buffer.size();
  const std::size_t capacity = std::min<std::size_t>(std::max(need, 2 * old_capacity), s.length);
  if (held_bytes_ - old_capacity + capacity > limits_.max_held_bytes)
    return fail("unfinished messages would hold more than " +
                std::to_string(limits_.max_held_bytes) + " bytes");
  ByteBuffer bigger(capacity);
  if (s.received > 0) std::memcpy(bigger.data(), s.buffer.data(), s.received);
  s.buffer = std::move(bigger);
  held_bytes_ = held_bytes_ - old_capacity + capacity;
  return true;
}

bool ChunkReader::complete(std::uint32_t csid, Stream& s, std::vector<Message>& out) {
  Message message{s.type, s.stream_id, s.timestamp_ms, csid, {}};
  held_bytes_ -= s.buffer.size();
  if (s.length > 0) message.body = std::move(s.buffer).freeze();
  s.buffer = ByteBuffer{};
  s.in_progress = false;
  s.received = 0;
  s.chunk_left = 0;
  current_ = nullptr;
  last_timestamp_ms_ = s.timestamp_ms;

  // These two change how the following chunks are read, so they act here.
  if (message.type == MessageType::SetChunkSize) {
    auto size = parse_set_chunk_size(message.body);
    if (!size.ok()) return fail(size.error);
    chunk_size_ = size.value;
  } else if (message.type == MessageType::Abort) {
    auto target = parse_u32_body(message.body);
    if (!target.ok()) return fail("abort: " + target.error);
    auto it = streams_.find(target.value);
    if (it != streams_.end() && it->second.in_progress) drop_partial(it->second);
  }
  out.push_back(std::move(message));
  return true;
}

void ChunkReader::drop_partial(Stream& s) {
  held_bytes_ -= s.buffer.size();
  s.buffer = ByteBuffer{};
  s.in_progress = false;
  s.received = 0;
  s.chunk_left = 0;
}

bool ChunkReader::fail(std::string why) {
  failed_ = true;
  error_ = "chunk stream: " + std::move(why);
  current_ = nullptr;
  return false;
}

}  // namespace streamgate::rtmp
