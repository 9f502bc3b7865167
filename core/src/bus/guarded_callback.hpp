#pragma once
// A plugin's callback that its handle can switch off: once close() returns,
// the callback never runs again, even if another thread was about to call it.

#include <cstdint>
#include <functional>
#include <mutex>
#include <utility>

namespace streamgate::bus {

enum class CallResult : std::uint8_t { Invalid = 0, Ran, Closed, Threw };

template <class... Args>
class GuardedCallback {
 public:
  explicit GuardedCallback(std::function<void(Args...)> fn) : fn_(std::move(fn)) {}

  // The callback runs under mutex_, and close() takes it too, so close() waits
  // for a call in flight on another thread. The mutex is recursive so that a
  // callback may destroy its own handle (close() on the calling thread).
  CallResult call(const Args&... args) {
    std::lock_guard lock(mutex_);
    if (closed_ || !fn_) return CallResult::Closed;
    ++depth_;
    CallResult result = CallResult::Ran;
    try {
      fn_(args...);
    } catch (...) {
      // Plugin code must not throw into the publisher's thread; the caller logs.
      result = CallResult::Threw;
    }
    --depth_;
    if (closed_ && depth_ == 0) fn_ = nullptr;
    return result;
  }

  /// After this returns the callback is never called again. Its captures are
  /// released here (or, when closed from inside the callback, right after it).
  void close() {
    std::function<void(Args...)> doomed;
    std::lock_guard lock(mutex_);
    closed_ = true;
    if (depth_ == 0) {
      doomed = std::move(fn_);
      fn_ = nullptr;
    }
  }

 private:
  std::recursive_mutex mutex_;
  std::function<void(Args...)> fn_;
  int depth_ = 0;  // calls in progress on the thread holding mutex_
  bool closed_ = false;
};

}  // namespace streamgate::bus
