#pragma once
// The measurement window, shared by all threads: players count bytes, frames,
// latency and lag only for reads that fall inside it.

#include <atomic>
#include <cstdint>

namespace streamgate::bench {

class MeasureWindow {
 public:
  void open(std::int64_t at_us) noexcept { start_us_.store(at_us, std::memory_order_release); }
  void close(std::int64_t at_us) noexcept { end_us_.store(at_us, std::memory_order_release); }

  bool contains(std::int64_t at_us) const noexcept {
    const auto start = start_us_.load(std::memory_order_acquire);
    const auto end = end_us_.load(std::memory_order_acquire);
    return start != 0 && at_us >= start && (end == 0 || at_us < end);
  }
  std::int64_t start_us() const noexcept { return start_us_.load(std::memory_order_acquire); }
  std::int64_t end_us() const noexcept { return end_us_.load(std::memory_order_acquire); }

 private:
  std::atomic<std::int64_t> start_us_{0};
  std::atomic<std::int64_t> end_us_{0};
};

}  // namespace streamgate::bench
