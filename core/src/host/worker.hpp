#pragma once
// One worker: an io_context run by one thread, exposed as an Executor.

#include <memory>
#include <optional>
#include <thread>

#include "streamgate/asio.hpp"
#include "streamgate/executor.hpp"

namespace spdlog {
class logger;
}

namespace streamgate {

class Worker final : public Executor {
 public:
  Worker(std::size_t index, std::shared_ptr<spdlog::logger> logger);
  ~Worker() override;

  void post(std::function<void()> task) override;
  std::unique_ptr<Timer> make_timer() override;
  bool running_in_this_thread() const noexcept override;
  std::size_t index() const noexcept override { return index_; }
  void* native_handle() noexcept override { return &io_; }

  boost::asio::io_context& io_context() noexcept { return io_; }
  void start();
  /// Stops the loop and joins the thread; queued handlers stay queued.
  void stop();

 private:
  void run() noexcept;

  std::size_t index_;
  std::shared_ptr<spdlog::logger> logger_;
  boost::asio::io_context io_{1};
  boost::asio::io_context::executor_type executor_ = io_.get_executor();
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_;
  std::thread thread_;
};

}  // namespace streamgate
