#pragma once
// Immutable, reference-counted byte buffers. A packet is received once and its
// bytes are shared by every subscriber: copying a SharedBytes copies a pointer.
// Memory is allocated inside the core library, so a buffer may safely outlive
// the plugin that filled it.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace streamgate {

class SharedBytes;

/// A writable buffer owned by one writer; freeze() turns it into SharedBytes
/// without copying.
class ByteBuffer {
 public:
  ByteBuffer() = default;
  explicit ByteBuffer(std::size_t size);  ///< uninitialised bytes
  ByteBuffer(ByteBuffer&&) noexcept = default;
  ByteBuffer& operator=(ByteBuffer&&) noexcept = default;

  std::byte* data() noexcept { return data_.get(); }
  const std::byte* data() const noexcept { return data_.get(); }
  std::size_t size() const noexcept { return size_; }
  std::span<std::byte> span() noexcept { return {data_.get(), size_}; }

  /// Shrinks the visible size (capacity is kept until freeze).
  void truncate(std::size_t size) noexcept;

  /// Hands the bytes over as an immutable buffer; this buffer becomes empty.
  SharedBytes freeze() &&;

 private:
  std::shared_ptr<std::byte[]> data_;
  std::size_t size_ = 0;
};

/// An immutable view into a shared buffer. Cheap to copy and to slice.
class SharedBytes {
 public:
  SharedBytes() = default;

  /// Copies `bytes` into a new buffer.
  static SharedBytes copy(std::span<const std::byte> bytes);
  static SharedBytes copy(std::string_view text);
  /// Concatenates several spans into one new buffer.
  static SharedBytes concat(std::span<const std::span<const std::byte>> parts);

  const std::byte* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  std::span<const std::byte> span() const noexcept { return {data_, size_}; }
  operator std::span<const std::byte>() const noexcept { return span(); }  // NOLINT
  std::byte operator[](std::size_t i) const noexcept { return data_[i]; }

  /// A view of [offset, offset+length) sharing the same storage. Clamped to size().
  SharedBytes slice(std::size_t offset, std::size_t length = SIZE_MAX) const noexcept;

  /// True if both views are into the same allocation (used by tests to prove zero-copy).
  bool shares_storage_with(const SharedBytes& other) const noexcept;

 private:
  friend class ByteBuffer;
  std::shared_ptr<const std::byte[]> owner_;
  const std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

/// Helpers for writing byte literals in tests and parsers.
inline std::span<const std::byte> as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

}  // namespace streamgate
