#include "chunk_writer.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>

#include "byte_order.hpp"

namespace streamgate::rtmp {
namespace {

constexpr std::uint32_t kExtendedMarker = 0xFFFFFF;
// Bodies this small are copied next to their header: one buffer instead of
// two in the gathered write costs less than the copy.
constexpr std::size_t kInlineBodyMax = 512;

std::size_t basic_header_size(std::uint32_t csid) noexcept {
  return csid < 64 ? 1 : csid < 320 ? 2 : 3;
}

void append_chunks(std::vector<std::byte>& out, std::span<const std::byte> payload,
                   std::uint32_t chunk_size, std::uint32_t csid, bool extended,
                   std::uint32_t extended_value) {
  std::array<std::byte, 3> continuation{};
  const std::size_t continuation_size = basic_header(continuation.data(), 3, csid);
  std::size_t offset = std::min<std::size_t>(chunk_size, payload.size());
  out.insert(out.end(), payload.begin(), payload.begin() + std::ptrdiff_t(offset));
  while (offset < payload.size()) {
    out.insert(out.end(), continuation.begin(),
               continuation.begin() + std::ptrdiff_t(continuation_size));
    if (extended) append_be(out, extended_value, 4);
    const std::size_t n = std::min<std::size_t>(chunk_size, payload.size() - offset);
    out.insert(out.end(), payload.begin() + std::ptrdiff_t(offset),
               payload.begin() + std::ptrdiff_t(offset + n));
    offset += n;
  }
}

}  // namespace

std::size_t basic_header(std::byte* out, std::uint8_t fmt, std::uint32_t csid) noexcept {
  const auto top = std::uint8_t(fmt << 6);
  if (csid < 64) {
    out[0] = std::byte(top | csid);
    return 1;
  }
  if (csid < 320) {
    out[0] = std::byte(top);
    out[1] = std::byte(std::uint8_t(csid - 64));
    return 2;
  }
  out[0] = std::byte(top | 1);
  out[1] = std::byte(std::uint8_t((csid - 64) & 0xFF));
  out[2] = std::byte(std::uint8_t((csid - 64) >> 8));
  return 3;
}

ChunkedBody chunk_body(SharedBytes payload, std::uint32_t chunk_size, std::uint32_t csid) {
  ChunkedBody out;
  out.chunk_size = chunk_size;
  out.csid = csid;
  out.payload = payload;
  if (payload.size() <= chunk_size) {
    out.bytes = std::move(payload);  // one chunk: the payload itself
    return out;
  }
  std::vector<std::byte> bytes;
  const std::size_t chunks = (payload.size() + chunk_size - 1) / chunk_size;
  bytes.reserve(payload.size() + (chunks - 1) * basic_header_size(csid));
  append_chunks(bytes, payload, chunk_size, csid, false, 0);
  out.bytes = SharedBytes::copy(bytes);
  return out;
}

const void* chunked_body_key(std::uint32_t chunk_size, std::uint32_t csid) {
  static std::mutex mutex;
  static std::map<std::pair<std::uint32_t, std::uint32_t>, std::unique_ptr<char>> keys;
  std::lock_guard lock(mutex);
  auto& key = keys[{chunk_size, csid}];
  if (!key) key = std::make_unique<char>();
  return key.get();
}

void ChunkWriter::set_chunk_size(std::uint32_t size, OutputQueue& out) {
  size = std::clamp<std::uint32_t>(size, 1, kMaxChunkSize);
  write(kControlChunkStream, MessageType::SetChunkSize, 0, 0, u32_body(size), out);
  chunk_size_ = size;
}

// §5.3.1.2: type 0 starts a chunk stream or goes back in time; type 1 keeps the
// stream id; type 2 also keeps length and type. Type 3 is never used for a new
// message (readers disagree on what delta it repeats).
ChunkWriter::FirstHeader ChunkWriter::first_header(std::uint32_t csid, MessageType type,
                                                   std::uint32_t stream_id,
                                                   std::int64_t timestamp_ms, std::uint32_t length,
                                                   bool compact) {
  FirstHeader h;
  std::uint8_t fmt = 0;
  std::uint32_t field = std::uint32_t(timestamp_ms);  // the 32-bit wire clock wraps
  StreamState* last = find(csid);
  if (compact && last != nullptr && last->stream_id == stream_id &&
      timestamp_ms >= last->timestamp_ms &&
      timestamp_ms - last->timestamp_ms <= std::int64_t(UINT32_MAX)) {
    field = std::uint32_t(timestamp_ms - last->timestamp_ms);
    fmt = (last->length == length && last->type == type) ? 2 : 1;
  }
  h.extended = field >= kExtendedMarker;
  h.extended_value = field;
  std::byte* p = h.bytes.data();
  p += basic_header(p, fmt, csid);
  p = store_be(p, h.extended ? kExtendedMarker : field, 3);
  if (fmt <= 1) {
    p = store_be(p, length, 3);
    *p++ = std::byte(std::uint8_t(type));
  }
  if (fmt == 0) p = store_le32(p, stream_id);
  if (h.extended) p = store_be(p, field, 4);
  h.size = std::size_t(p - h.bytes.data());
  const StreamState state{csid, stream_id, length, type, timestamp_ms};
  if (last != nullptr)
    *last = state;
  else
    streams_.push_back(state);
  return h;
}

ChunkWriter::StreamState* ChunkWriter::find(std::uint32_t csid) noexcept {
  for (auto& state : streams_)
    if (state.csid == csid) return &state;
  return nullptr;
}

void ChunkWriter::write(std::uint32_t csid, MessageType type, std::uint32_t stream_id,
                        std::int64_t timestamp_ms, std::span<const std::byte> body,
                        OutputQueue& out, bool compact) {
  const FirstHeader h =
      first_header(csid, type, stream_id, timestamp_ms, std::uint32_t(body.size()), compact);
  write_chunks(h, csid, body, out);
}

void ChunkWriter::write_chunks(const FirstHeader& h, std::uint32_t csid,
                               std::span<const std::byte> payload, OutputQueue& out) const {
  out.append_with([&](std::vector<std::byte>& arena) {
    arena.insert(arena.end(), h.bytes.begin(), h.bytes.begin() + std::ptrdiff_t(h.size));
    append_chunks(arena, payload, chunk_size_, csid, h.extended, h.extended_value);
  });
}

void ChunkWriter::write_shared(MessageType type, std::uint32_t stream_id, std::int64_t timestamp_ms,
                               const ChunkedBody& body, OutputQueue& out) {
  const FirstHeader h = first_header(body.csid, type, stream_id, timestamp_ms,
                                     std::uint32_t(body.payload.size()), true);
  const bool single_chunk = body.payload.size() <= chunk_size_;
  if (!single_chunk && (h.extended || body.chunk_size != chunk_size_)) {
    write_chunks(h, body.csid, body.payload, out);
    return;
  }
  const SharedBytes& bytes = single_chunk ? body.payload : body.bytes;
  if (bytes.size() <= kInlineBodyMax) {
    out.append_with([&](std::vector<std::byte>& arena) {
      arena.insert(arena.end(), h.bytes.begin(), h.bytes.begin() + std::ptrdiff_t(h.size));
      arena.insert(arena.end(), bytes.span().begin(), bytes.span().end());
    });
    return;
  }
  out.append(std::span<const std::byte>(h.bytes.data(), h.size));
  out.append(bytes);
}

}  // namespace streamgate::rtmp
