#pragma once
// The tool's I/O threads: one io_context each, with the read buffer its
// connections share, and a probe timer that measures how late the thread's
// event loop runs (inside the window). A busy loop delays reads, which would
// show up as server latency: the probe says how much of it is the tool's.

#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "measure_window.hpp"
#include "streamgate/asio.hpp"

namespace streamgate::bench {

class IoThreads {
 public:
  IoThreads(int count, const MeasureWindow& window);
  ~IoThreads();
  IoThreads(const IoThreads&) = delete;
  IoThreads& operator=(const IoThreads&) = delete;

  boost::asio::io_context& io(std::size_t i);
  std::vector<std::byte>& buffer(std::size_t i);
  /// Stops the probes and waits until everything posted has run and every
  /// connection has closed.
  void join();
  /// Lateness of the probe timer inside the window, all threads (after join).
  std::vector<std::int64_t> loop_lag_us() const;

 private:
  struct Thread;
  void probe(Thread& thread);

  const MeasureWindow& window_;
  std::vector<std::unique_ptr<Thread>> threads_;
  bool joined_ = false;
};

}  // namespace streamgate::bench
