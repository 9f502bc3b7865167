#include "host/worker_pool.hpp"

#include <spdlog/logger.h>
#include <stdexcept>
#include <thread>

#include "host/worker.hpp"

namespace streamgate {

WorkerPool::WorkerPool(std::size_t threads, std::shared_ptr<spdlog::logger> logger)
    : logger_(std::move(logger)) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  workers_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) workers_.push_back(std::make_unique<Worker>(i, logger_));
}

WorkerPool::~WorkerPool() {
  stop();
  reset();
}

void WorkerPool::start() {
  for (auto& worker : workers_) worker->start();
}

void WorkerPool::stop() {
  for (auto& worker : workers_) worker->stop();
}

void WorkerPool::reset() { workers_.clear(); }

Executor& WorkerPool::worker(std::size_t index) {
  if (index >= workers_.size())
    throw std::out_of_range("worker " + std::to_string(index) + " does not exist");
  return *workers_[index];
}

Executor& WorkerPool::next_worker() noexcept {
  return *workers_[next_.fetch_add(1, std::memory_order_relaxed) % workers_.size()];
}

std::vector<boost::asio::io_context*> WorkerPool::io_contexts() const {
  std::vector<boost::asio::io_context*> out;
  for (const auto& worker : workers_) out.push_back(&worker->io_context());
  return out;
}

}  // namespace streamgate
