#pragma once
// Big-endian appends to a byte vector: the writing side of ByteReader.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace streamgate::format {

class ByteWriter {
 public:
  explicit ByteWriter(std::vector<std::byte>& out) noexcept : out_(out) {}

  void u8(std::uint8_t v) { out_.push_back(std::byte{v}); }
  void u16(std::uint16_t v) { be(2, v); }
  void u24(std::uint32_t v) { be(3, v); }
  void u32(std::uint32_t v) { be(4, v); }
  void s24(std::int32_t v) { be(3, std::uint32_t(v) & 0xFFFFFFu); }
  void f64(double v) { be(8, std::bit_cast<std::uint64_t>(v)); }
  void bytes(std::span<const std::byte> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void text(std::string_view s) {
    const auto* p = reinterpret_cast<const std::byte*>(s.data());
    out_.insert(out_.end(), p, p + s.size());
  }

 private:
  template <class T>
  void be(std::size_t n, T v) {
    for (std::size_t i = n; i-- > 0;) out_.push_back(std::byte(std::uint8_t(v >> (8 * i))));
  }

  std::vector<std::byte>& out_;
};

}  // namespace streamgate::format
