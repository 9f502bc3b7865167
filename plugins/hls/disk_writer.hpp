#pragma once
// Writes HLS files on its own thread, so no network worker ever waits on the
// disk. Jobs run in the order they were queued: a segment queued before its
// playlist is on disk before the playlist names it. Every file is written to
// a temporary name and renamed, so a reader never sees a torn file.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "streamgate/bytes.hpp"

namespace spdlog {
class logger;
}

namespace streamgate::hls {

class DiskWriter {
 public:
  /// Past `max_pending_bytes` of queued file content, new writes are refused
  /// (logged): a stalled disk must not grow memory without bound.
  DiskWriter(std::shared_ptr<spdlog::logger> logger, std::size_t max_pending_bytes);
  /// Runs what is queued, then joins the thread.
  ~DiskWriter();
  DiskWriter(const DiskWriter&) = delete;
  DiskWriter& operator=(const DiskWriter&) = delete;

  /// Queues `parts` to be written as `path`; false when refused.
  bool write(std::filesystem::path path, std::vector<SharedBytes> parts);
  bool write(std::filesystem::path path, const std::string& text);
  /// Queues the removal of one file (absent is fine).
  void remove(std::filesystem::path path);
  /// Queues the removal of folder `dir` with its content, then of its parents
  /// up to (not including) `root` while they are empty.
  void remove_tree(std::filesystem::path dir, std::filesystem::path root);
  /// Blocks until everything queued so far has run.
  void flush();

  /// The temporary name `path` is written under before the rename.
  static std::filesystem::path temp_path(const std::filesystem::path& path);

 private:
  struct Job {
    std::function<void()> run;
    std::size_t bytes = 0;
  };
  bool enqueue(Job job);  ///< false when a write would pass max_pending_bytes
  void loop();
  void write_now(const std::filesystem::path& path, const std::vector<SharedBytes>& parts);

  std::shared_ptr<spdlog::logger> logger_;
  std::size_t max_pending_bytes_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<Job> jobs_;
  std::size_t pending_bytes_ = 0;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace streamgate::hls
