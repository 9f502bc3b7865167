#pragma once
// Timer over an Asio steady_timer. Asio may already have queued the expiry
// handler when cancel() runs; a per-start ticket makes sure the callback of
// a cancelled (or destroyed) timer never runs, as executor.hpp promises.

#include <cstdint>
#include <functional>
#include <memory>

#include "streamgate/asio.hpp"
#include "streamgate/executor.hpp"

namespace streamgate {

class AsioTimer final : public Timer {
 public:
  explicit AsioTimer(boost::asio::io_context& io);
  ~AsioTimer() override;

  void start(std::chrono::milliseconds after, std::function<void()> on_expiry) override;
  void cancel() noexcept override;

 private:
  struct State {
    std::uint64_t ticket = 0;  // bumped by every start/cancel
    std::function<void()> on_expiry;
  };
  boost::asio::steady_timer timer_;
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace streamgate
