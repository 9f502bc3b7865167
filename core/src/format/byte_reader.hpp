#pragma once
// Big-endian reads over a byte span. Every read checks the remaining length
// first and reports failure instead of reading past the end, so parsers built
// on it cannot overrun their input.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace streamgate::format {

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::byte> bytes, std::size_t pos = 0) noexcept
      : bytes_(bytes), pos_(pos <= bytes.size() ? pos : bytes.size()) {}

  std::size_t position() const noexcept { return pos_; }
  std::size_t remaining() const noexcept { return bytes_.size() - pos_; }
  bool empty() const noexcept { return remaining() == 0; }

  bool u8(std::uint8_t& out) noexcept { return be(1, out); }
  bool u16(std::uint16_t& out) noexcept { return be(2, out); }
  bool u24(std::uint32_t& out) noexcept { return be(3, out); }
  bool u32(std::uint32_t& out) noexcept { return be(4, out); }

  /// Signed 24-bit (FLV CompositionTime SI24).
  bool s24(std::int32_t& out) noexcept {
    std::uint32_t raw = 0;
    if (!u24(raw)) return false;
    out = (raw & 0x800000u) ? std::int32_t(raw | 0xFF000000u) : std::int32_t(raw);
    return true;
  }

  /// IEEE 754 double, big-endian (AMF0 Number).
  bool f64(double& out) noexcept {
    std::uint64_t raw = 0;
    if (!be(8, raw)) return false;
    out = std::bit_cast<double>(raw);
    return true;
  }

  bool peek_u8(std::uint8_t& out) const noexcept {
    if (remaining() < 1) return false;
    out = std::to_integer<std::uint8_t>(bytes_[pos_]);
    return true;
  }

  bool skip(std::size_t n) noexcept {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }

  /// The next `n` bytes as a sub-span of the input.
  bool take(std::size_t n, std::span<const std::byte>& out) noexcept {
    if (remaining() < n) return false;
    out = bytes_.subspan(pos_, n);
    pos_ += n;
    return true;
  }

  /// The next `n` bytes as a string (the length is checked before allocating).
  bool text(std::size_t n, std::string& out) {
    std::span<const std::byte> raw;
    if (!take(n, raw)) return false;
    out.assign(reinterpret_cast<const char*>(raw.data()), raw.size());
    return true;
  }

 private:
  template <class T>
  bool be(std::size_t n, T& out) noexcept {
    if (remaining() < n) return false;
    T value = 0;
    for (std::size_t i = 0; i < n; ++i)
      value = T(value << 8) | T(std::to_integer<std::uint8_t>(bytes_[pos_ + i]));
    pos_ += n;
    out = value;
    return true;
  }

  std::span<const std::byte> bytes_;
  std::size_t pos_;
};

}  // namespace streamgate::format
