#pragma once
// A payload assembled from several spans (a PES header, start codes,
// parameter sets, NAL units, ADTS headers...) read front to back straight
// into TS packets, so an access unit is copied once, from the publisher's
// buffer into the output.

#include <cstddef>
#include <cstring>
#include <span>

namespace streamgate::mpegts {

using ByteSpan = std::span<const std::byte>;

class GatherReader {
 public:
  // `head` first (e.g. a PES header), then every span of `parts`.
  GatherReader(ByteSpan head, std::span<const ByteSpan> parts) noexcept
      : head_(head), parts_(parts) {
    remaining_ = head_.size();
    for (const auto& part : parts_) remaining_ += part.size();
  }

  std::size_t remaining() const noexcept { return remaining_; }

  // Copies the next `count` bytes to `out`; `count` must not exceed remaining().
  void read(std::byte* out, std::size_t count) noexcept {
    remaining_ -= count;
    while (count > 0) {
      const ByteSpan part = index_ == 0 ? head_ : parts_[index_ - 1];
      const std::size_t left = part.size() - offset_;
      const std::size_t take = left < count ? left : count;
      if (take > 0) std::memcpy(out, part.data() + offset_, take);
      out += take;
      count -= take;
      offset_ += take;
      if (offset_ == part.size()) {
        ++index_;
        offset_ = 0;
      }
    }
  }

 private:
  ByteSpan head_;
  std::span<const ByteSpan> parts_;
  std::size_t index_ = 0;  // 0: head_, i: parts_[i - 1]
  std::size_t offset_ = 0;
  std::size_t remaining_ = 0;
};

}  // namespace streamgate::mpegts
