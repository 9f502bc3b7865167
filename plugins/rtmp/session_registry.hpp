#pragma once
// The live sessions of the rtmp plugin, so stop() can close them all and wait
// until the last one is gone. Sessions live on several worker threads; the
// registry is the one place they meet, under a mutex held only briefly.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace streamgate::rtmp {

class Session;

class SessionRegistry {
 public:
  /// Registers `session`; returns its id (for logs and remove()).
  std::uint64_t add(const std::shared_ptr<Session>& session);
  /// Called by a session's destructor.
  void remove(std::uint64_t id);
  /// Calls `visit` for every live session (outside the lock).
  void for_each(const std::function<void(const std::shared_ptr<Session>&)>& visit);
  /// Waits until no session is registered; false at the timeout.
  bool wait_empty(std::chrono::milliseconds timeout);
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable emptied_;
  std::map<std::uint64_t, std::weak_ptr<Session>> sessions_;
  std::uint64_t next_id_ = 1;
};

}  // namespace streamgate::rtmp
