#pragma once
// The host's workers: N io_contexts, one thread each, each seen by plugins as
// an Executor. Sessions are spread over them round-robin.

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include "streamgate/asio.hpp"
#include "streamgate/executor.hpp"

namespace spdlog {
class logger;
}

namespace streamgate {

class Worker;

class WorkerPool {
 public:
  /// `threads` 0 means one per hardware thread. Nothing runs until start().
  WorkerPool(std::size_t threads, std::shared_ptr<spdlog::logger> logger);
  /// Stops and joins if still running, then destroys the io_contexts.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void start();
  /// Stops every io_context and joins the threads. Handlers still queued are
  /// kept until the pool is destroyed (or reset() is called).
  void stop();
  /// After stop(): destroys the io_contexts and with them every pending
  /// handler, so it can happen while plugin libraries are still loaded.
  void reset();

  std::size_t size() const noexcept { return workers_.size(); }
  Executor& worker(std::size_t index);
  Executor& next_worker() noexcept;
  std::vector<boost::asio::io_context*> io_contexts() const;

 private:
  std::shared_ptr<spdlog::logger> logger_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace streamgate
