#include "host/worker.hpp"

#include <spdlog/logger.h>

#include "host/asio_timer.hpp"

namespace streamgate {

Worker::Worker(std::size_t index, std::shared_ptr<spdlog::logger> logger)
    : index_(index), logger_(std::move(logger)) {}

Worker::~Worker() { stop(); }

void Worker::post(std::function<void()> task) { boost::asio::post(io_, std::move(task)); }

std::unique_ptr<Timer> Worker::make_timer() { return std::make_unique<AsioTimer>(io_); }

bool Worker::running_in_this_thread() const noexcept {
  return executor_.running_in_this_thread();
}

void Worker::start() {
  if (thread_.joinable()) return;
  io_.restart();
  guard_.emplace(io_.get_executor());
  thread_ = std::thread([this] { run(); });
}

void Worker::stop() {
  guard_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

void Worker::run() noexcept {
  // A handler that throws must not take the process down with it; the loop
  // carries on with the next handler.
  while (!io_.stopped()) {
    try {
      io_.run();
    } catch (const std::exception& e) {
      logger_->error("core: worker {} caught an exception from a handler: {}", index_, e.what());
    } catch (...) {
      logger_->error("core: worker {} caught an unknown exception from a handler", index_);
    }
  }
}

}  // namespace streamgate
