#include "streamgate/bytes.hpp"

#include <algorithm>
#include <cstring>

namespace streamgate {

ByteBuffer::ByteBuffer(std::size_t size)
    : data_(size ? std::make_shared_for_overwrite<std::byte[]>(size) : nullptr), size_(size) {}

void ByteBuffer::truncate(std::size_t size) noexcept { size_ = std::min(size, size_); }

SharedBytes ByteBuffer::freeze() && {
  SharedBytes out;
  out.data_ = data_.get();
  out.size_ = size_;
  out.owner_ = std::move(data_);
  size_ = 0;
  return out;
}

SharedBytes SharedBytes::copy(std::span<const std::byte> bytes) {
  ByteBuffer buffer(bytes.size());
  if (!bytes.empty()) std::memcpy(buffer.data(), bytes.data(), bytes.size());
  return std::move(buffer).freeze();
}

SharedBytes SharedBytes::copy(std::string_view text) { return copy(as_bytes(text)); }

SharedBytes SharedBytes::concat(std::span<const std::span<const std::byte>> parts) {
  std::size_t total = 0;
  for (const auto& part : parts) total += part.size();
  ByteBuffer buffer(total);
  std::size_t at = 0;
  for (const auto& part : parts) {
    if (!part.empty()) std::memcpy(buffer.data() + at, part.data(), part.size());
    at += part.size();
  }
  return std::move(buffer).freeze();
}

SharedBytes SharedBytes::slice(std::size_t offset, std::size_t length) const noexcept {
  SharedBytes out;
  offset = std::min(offset, size_);
  out.owner_ = owner_;
  out.data_ = data_ + offset;
  out.size_ = std::min(length, size_ - offset);
  return out;
}

bool SharedBytes::shares_storage_with(const SharedBytes& other) const noexcept {
  return owner_ && owner_ == other.owner_;
}

}  // namespace streamgate
