#pragma once
// One recording file on disk, written through a stdio buffer. Appends land in
// the buffer; flush() pushes them to the OS and then to the device, which the
// recorder does at its flush interval, so a crash loses at most that much.
// The first failure (disk full, I/O error) is kept: every later append is
// refused, and the caller ends the file.

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <span>
#include <system_error>

#include "byte_sink.hpp"

namespace streamgate::flvrecord {

class DiskFile final : public ByteSink {
 public:
  /// Creates `path`; fails (with `ec`) if it exists already: nothing is overwritten.
  static std::unique_ptr<DiskFile> create(const std::filesystem::path& path, std::error_code& ec);
  /// Opens the existing `path` to continue it after its first `size` bytes
  /// (anything beyond is cut off first).
  static std::unique_ptr<DiskFile> continue_at(const std::filesystem::path& path,
                                               std::uint64_t size, std::error_code& ec);
  DiskFile(const DiskFile&) = delete;
  DiskFile& operator=(const DiskFile&) = delete;

  bool append(std::span<const std::span<const std::byte>> parts) override;
  /// Overwrites bytes already written at `offset` (the metadata rewrite).
  bool write_at(std::uint64_t offset, std::span<const std::byte> bytes);
  /// Written data to the OS, then to the device. False (with error()) on failure.
  bool flush();
  /// Flushes and closes; false (with error()) when that failed. Idempotent.
  bool close();

  const std::filesystem::path& path() const noexcept { return path_; }
  /// The first error, or none.
  const std::error_code& error() const noexcept { return error_; }
  std::uint64_t size() const noexcept { return size_; }
  /// Bytes appended since the last flush.
  std::uint64_t unflushed() const noexcept { return unflushed_; }

 private:
  struct Closer {
    void operator()(std::FILE* file) const noexcept { std::fclose(file); }
  };
  using FilePtr = std::unique_ptr<std::FILE, Closer>;
  struct Opened {  // only create() and continue_at() make one
    FilePtr file;
  };

 public:
  DiskFile(Opened opened, std::filesystem::path path, std::uint64_t size);

 private:
  bool fail() noexcept;  ///< records errno as the error; returns false

  FilePtr file_;
  std::filesystem::path path_;
  std::uint64_t size_;
  std::uint64_t unflushed_ = 0;
  std::error_code error_;
};

}  // namespace streamgate::flvrecord
