#pragma once
// MSB-first bit reader over a byte span. Reading past the end does not touch
// memory: it sets overrun() and returns zeros, so a parser reads a whole
// structure and checks once.

#include <cstddef>
#include <cstdint>
#include <span>

namespace streamgate::mpegts {

class BitReader {
 public:
  explicit BitReader(std::span<const std::byte> bytes) noexcept : bytes_(bytes) {}

  // Up to 32 bits.
  std::uint32_t read(unsigned count) noexcept {
    std::uint32_t value = 0;
    for (unsigned i = 0; i < count; ++i) {
      if (position_ >= bytes_.size() * 8) {
        overrun_ = true;
        return 0;
      }
      const auto byte = static_cast<std::uint8_t>(bytes_[position_ / 8]);
      value = (value << 1) | ((byte >> (7 - position_ % 8)) & 1u);
      ++position_;
    }
    return value;
  }

  bool overrun() const noexcept { return overrun_; }

 private:
  std::span<const std::byte> bytes_;
  std::size_t position_ = 0;
  bool overrun_ = false;
};

}  // namespace streamgate::mpegts
