#pragma once
// The host's worker threads, seen without Asio. Each worker is one event loop
// on one thread; everything posted to an executor runs on its thread, in order.
// Plugins that need sockets include streamgate/asio.hpp instead.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

namespace streamgate {

/// A one-shot timer bound to one executor. Use it only from that executor's
/// thread: after cancel() or destruction there, the callback will not run.
class Timer {
 public:
  virtual ~Timer() = default;
  virtual void start(std::chrono::milliseconds after, std::function<void()> on_expiry) = 0;
  virtual void cancel() noexcept = 0;
};

class Executor {
 public:
  virtual ~Executor() = default;
  /// Runs `task` on this executor's thread, after what is already queued.
  virtual void post(std::function<void()> task) = 0;
  virtual std::unique_ptr<Timer> make_timer() = 0;
  virtual bool running_in_this_thread() const noexcept = 0;
  virtual std::size_t index() const noexcept = 0;
  /// The native event loop (an Asio io_context); see streamgate/asio.hpp.
  virtual void* native_handle() noexcept = 0;
};

}  // namespace streamgate
