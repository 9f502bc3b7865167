#include "disk_writer.hpp"

#include <spdlog/logger.h>

#include <fstream>
#include <system_error>
#include <utility>

namespace streamgate::hls {

namespace fs = std::filesystem;

DiskWriter::DiskWriter(std::shared_ptr<spdlog::logger> logger, std::size_t max_pending_bytes)
    : logger_(std::move(logger)),
      max_pending_bytes_(max_pending_bytes),
      thread_([this] { loop(); }) {}

DiskWriter::~DiskWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

fs::path DiskWriter::temp_path(const fs::path& path) {
  fs::path temp = path;
  temp += ".tmp";
  return temp;
}

bool DiskWriter::write(fs::path path, std::vector<SharedBytes> parts) {
  std::size_t bytes = 0;
  for (const auto& part : parts) bytes += part.size();
  const std::string name = path.string();
  if (!enqueue({[this, path = std::move(path), parts = std::move(parts)] { write_now(path, parts); },
                bytes})) {
    logger_->warn("hls: file '{}' not written: too many bytes already wait for the disk", name);
    return false;
  }
  return true;
}

bool DiskWriter::write(fs::path path, const std::string& text) {
  return write(std::move(path), std::vector<SharedBytes>{SharedBytes::copy(text)});
}

void DiskWriter::remove(fs::path path) {
  enqueue({[this, path = std::move(path)] {
             std::error_code ec;
             fs::remove(path, ec);
             if (ec) logger_->warn("hls: file '{}' not removed: {}", path.string(), ec.message());
           },
           0});
}

void DiskWriter::remove_tree(fs::path dir, fs::path root) {
  enqueue({[this, dir = std::move(dir), root = std::move(root)] {
             std::error_code ec;
             fs::remove_all(dir, ec);
             if (ec) logger_->warn("hls: folder '{}' not removed: {}", dir.string(), ec.message());
             for (fs::path parent = dir.parent_path();
                  !parent.empty() && parent != root && parent != parent.parent_path();
                  parent = parent.parent_path()) {
               // fs::remove refuses a folder that is not empty: then we stop.
               if (!fs::remove(parent, ec) || ec) break;
             }
           },
           0});
}

void DiskWriter::flush() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return jobs_.empty() && !busy_; });
}

bool DiskWriter::enqueue(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (job.bytes > 0 && pending_bytes_ + job.bytes > max_pending_bytes_) return false;
    pending_bytes_ += job.bytes;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void DiskWriter::loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stopping, and everything queued has run
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    busy_ = true;
    lock.unlock();
    job.run();
    lock.lock();
    busy_ = false;
    pending_bytes_ -= job.bytes;
    if (jobs_.empty()) idle_.notify_all();
  }
}

void DiskWriter::write_now(const fs::path& path, const std::vector<SharedBytes>& parts) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) {
    logger_->warn("hls: folder '{}' not created: {}", path.parent_path().string(), ec.message());
    return;
  }
  const fs::path temp = temp_path(path);
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    for (const auto& part : parts)
      out.write(reinterpret_cast<const char*>(part.data()), static_cast<std::streamsize>(part.size()));
    out.close();
    if (!out) {
      logger_->warn("hls: file '{}' not written: write failed", temp.string());
      fs::remove(temp, ec);
      return;
    }
  }
  fs::rename(temp, path, ec);
  if (ec) {
    logger_->warn("hls: file '{}' not renamed to '{}': {}", temp.string(), path.string(), ec.message());
    fs::remove(temp, ec);
  }
}

}  // namespace streamgate::hls
