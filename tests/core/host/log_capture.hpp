#pragma once
// An spdlog sink that keeps every formatted line, so tests can assert what a
// plugin or the host logged (and wait for lines written on worker threads).

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <spdlog/sinks/base_sink.h>
#include <string>
#include <vector>

namespace streamgate::test {

class LogCapture final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }

  /// Waits until some line contains `text`.
  bool wait_for(const std::string& text, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return find_locked(text); });
  }

  bool contains(const std::string& text) {
    std::lock_guard lock(mutex_);
    return find_locked(text);
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    lines_.emplace_back(formatted.data(), formatted.size());
    changed_.notify_all();
  }
  void flush_() override {}

 private:
  bool find_locked(const std::string& text) const {
    for (const auto& line : lines_)
      if (line.find(text) != std::string::npos) return true;
    return false;
  }
  std::vector<std::string> lines_;
  std::condition_variable_any changed_;
};

}  // namespace streamgate::test
