#pragma once
// Fixed-width integer loads and stores. RTMP is big-endian everywhere except
// the message stream id of a type-0 chunk header (RTMP 1.0 §5.3.1.2.1),
// which is little-endian. Callers check lengths before calling.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace streamgate::rtmp {

inline std::uint32_t load_be(const std::byte* p, std::size_t width) noexcept {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < width; ++i)
    value = (value << 8) | std::to_integer<std::uint32_t>(p[i]);
  return value;
}
inline std::uint32_t load_be16(const std::byte* p) noexcept { return load_be(p, 2); }
inline std::uint32_t load_be24(const std::byte* p) noexcept { return load_be(p, 3); }
inline std::uint32_t load_be32(const std::byte* p) noexcept { return load_be(p, 4); }
inline std::uint32_t load_le32(const std::byte* p) noexcept {
  return std::to_integer<std::uint32_t>(p[0]) | std::to_integer<std::uint32_t>(p[1]) << 8 |
         std::to_integer<std::uint32_t>(p[2]) << 16 | std::to_integer<std::uint32_t>(p[3]) << 24;
}

inline std::byte* store_be(std::byte* p, std::uint32_t value, std::size_t width) noexcept {
  for (std::size_t i = width; i-- > 0;) *p++ = std::byte(std::uint8_t(value >> (8 * i)));
  return p;
}
inline std::byte* store_le32(std::byte* p, std::uint32_t value) noexcept {
  for (int i = 0; i < 4; ++i) *p++ = std::byte(std::uint8_t(value >> (8 * i)));
  return p;
}

inline void append_be(std::vector<std::byte>& out, std::uint32_t value, std::size_t width) {
  for (std::size_t i = width; i-- > 0;) out.push_back(std::byte(std::uint8_t(value >> (8 * i))));
}

}  // namespace streamgate::rtmp
