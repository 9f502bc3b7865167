#pragma once
// The file each stream recorded last, for append mode: a publisher that
// comes back with type "append" continues that file. Shared by the writer
// threads; bounded (the oldest entries are forgotten first).

#include <cstddef>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>

namespace streamgate::flvrecord {

class LastFiles {
 public:
  explicit LastFiles(std::size_t capacity = 4096) : capacity_(capacity) {}

  void set(const std::string& stream, const std::filesystem::path& file) {
    std::lock_guard lock(mutex_);
    auto [it, added] = files_.insert_or_assign(stream, file);
    if (!added) return;
    order_.push_back(stream);
    if (order_.size() > capacity_) {
      files_.erase(order_.front());
      order_.pop_front();
    }
  }

  /// Empty when the stream recorded nothing (that is remembered).
  std::filesystem::path get(const std::string& stream) const {
    std::lock_guard lock(mutex_);
    const auto it = files_.find(stream);
    return it == files_.end() ? std::filesystem::path{} : it->second;
  }

 private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::map<std::string, std::filesystem::path> files_;
  std::deque<std::string> order_;  ///< insertion order, for forgetting
};

}  // namespace streamgate::flvrecord
