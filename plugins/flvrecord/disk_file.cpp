#include "disk_file.hpp"

#include <cerrno>
#include <climits>

#include "file_sync.hpp"

namespace streamgate::flvrecord {

namespace fs = std::filesystem;

namespace {

// Several writes per second at 2.5 Mbit/s; large frames bypass it.
constexpr std::size_t kBufferBytes = 64u << 10;

std::error_code last_error() { return {errno ? errno : EIO, std::generic_category()}; }

}  // namespace

DiskFile::DiskFile(Opened opened, fs::path path, std::uint64_t size)
    : file_(std::move(opened.file)), path_(std::move(path)), size_(size) {
  std::setvbuf(file_.get(), nullptr, _IOFBF, kBufferBytes);
}

std::unique_ptr<DiskFile> DiskFile::create(const fs::path& path, std::error_code& ec) {
  errno = 0;
  // "x" (C11): fails if the file exists, so a name is never reused by a race.
  FilePtr file(std::fopen(path.string().c_str(), "wbx"));
  if (!file) {
    ec = last_error();
    return nullptr;
  }
  ec.clear();
  return std::make_unique<DiskFile>(Opened{std::move(file)}, path, 0);
}

std::unique_ptr<DiskFile> DiskFile::continue_at(const fs::path& path, std::uint64_t size,
                                                std::error_code& ec) {
  fs::resize_file(path, size, ec);
  if (ec) return nullptr;
  errno = 0;
  FilePtr file(std::fopen(path.string().c_str(), "r+b"));
  if (!file || std::fseek(file.get(), 0, SEEK_END) != 0) {
    ec = last_error();
    return nullptr;
  }
  ec.clear();
  return std::make_unique<DiskFile>(Opened{std::move(file)}, path, size);
}

bool DiskFile::fail() noexcept {
  if (!error_) error_ = last_error();
  return false;
}

bool DiskFile::append(std::span<const std::span<const std::byte>> parts) {
  if (error_ || !file_) return false;
  errno = 0;
  for (const auto part : parts) {
    if (part.empty()) continue;
    if (std::fwrite(part.data(), 1, part.size(), file_.get()) != part.size()) return fail();
    size_ += part.size();
    unflushed_ += part.size();
  }
  return true;
}

bool DiskFile::write_at(std::uint64_t offset, std::span<const std::byte> bytes) {
  if (error_ || !file_) return false;
  errno = 0;
  // The rewritten metadata is the file's first tag: a long offset is plenty.
  if (offset > std::uint64_t(LONG_MAX) || std::fseek(file_.get(), long(offset), SEEK_SET) != 0 ||
      std::fwrite(bytes.data(), 1, bytes.size(), file_.get()) != bytes.size() ||
      std::fseek(file_.get(), 0, SEEK_END) != 0)
    return fail();
  return true;
}

bool DiskFile::flush() {
  if (error_ || !file_) return false;
  errno = 0;
  if (std::fflush(file_.get()) != 0) return fail();
  if (auto ec = sync_file_data(file_.get())) {
    error_ = ec;
    return false;
  }
  unflushed_ = 0;
  return true;
}

bool DiskFile::close() {
  if (!file_) return !error_;
  const bool flushed = flush();
  errno = 0;
  const bool closed = std::fclose(file_.release()) == 0;
  if (!closed) fail();
  return flushed && closed;
}

}  // namespace streamgate::flvrecord
