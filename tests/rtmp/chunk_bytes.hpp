#pragma once
// RTMP chunk headers for tests that build long synthetic chunk streams
// (single cases are spelled out in hex where they are checked).

#include <cstdint>

#include "format/test_bytes.hpp"

namespace streamgate::test {

/// RTMP 1.0 §5.3.1.2.1: a type-0 header, the fields in order. Used to build long
/// synthetic streams; an extended timestamp follows when `ts` needs one.
inline Bytes type0(std::uint8_t csid, std::uint32_t ts, std::uint32_t length, std::uint8_t type,
                   std::uint32_t stream_id) {
  const bool ext = ts >= 0xFFFFFF;
  const std::uint32_t field = ext ? 0xFFFFFF : ts;
  Bytes out{std::byte(csid),
            std::byte(field >> 16),
            std::byte(field >> 8),
            std::byte(field),
            std::byte(length >> 16),
            std::byte(length >> 8),
            std::byte(length),
            std::byte(type),
            std::byte(stream_id),
            std::byte(stream_id >> 8),
            std::byte(stream_id >> 16),
            std::byte(stream_id >> 24)};
  if (ext)
    out.insert(out.end(),
               {std::byte(ts >> 24), std::byte(ts >> 16), std::byte(ts >> 8), std::byte(ts)});
  return out;
}

}  // namespace streamgate::test
