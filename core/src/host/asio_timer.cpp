#include "host/asio_timer.hpp"

namespace streamgate {

AsioTimer::AsioTimer(boost::asio::io_context& io) : timer_(io) {}

AsioTimer::~AsioTimer() { cancel(); }

void AsioTimer::start(std::chrono::milliseconds after, std::function<void()> on_expiry) {
  const std::uint64_t ticket = ++state_->ticket;
  state_->on_expiry = std::move(on_expiry);
  timer_.expires_after(after);
  timer_.async_wait([weak = std::weak_ptr<State>(state_), ticket](boost::system::error_code ec) {
    auto state = weak.lock();
    if (ec || !state || state->ticket != ticket) return;
    // Taken out first: the callback may start the timer again.
    auto callback = std::move(state->on_expiry);
    state->on_expiry = nullptr;
    callback();
  });
}

void AsioTimer::cancel() noexcept {
  ++state_->ticket;
  state_->on_expiry = nullptr;
  timer_.cancel();
}

}  // namespace streamgate
