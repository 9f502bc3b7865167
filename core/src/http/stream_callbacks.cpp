#include "http/stream_callbacks.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

namespace streamgate::http {
namespace {

// The streams whose running window this thread is in, innermost last: a
// callback may close its own stream without waiting for itself.
thread_local std::vector<const StreamCallbacks*> t_running_streams;

}  // namespace

StreamCallbacks::StreamCallbacks(std::shared_ptr<spdlog::logger> logger, std::string peer)
    : logger_(std::move(logger)), peer_(std::move(peer)) {}

StreamCallbacks::~StreamCallbacks() = default;

template <class F>
void StreamCallbacks::guarded(F&& call, const char* what) noexcept {
  // Plugin code: an exception escaping would end a worker's event loop or
  // cross back into the plugin that called close().
  try {
    call();
  } catch (const std::exception& e) {
    logger_->error("http: {} for {} threw: {}", what, peer_, e.what());
  } catch (...) {
    logger_->error("http: {} for {} threw a non-standard exception", what, peer_);
  }
}

void StreamCallbacks::run(std::unique_lock<std::mutex>& lock, Taken taken) {
  ++running_;
  lock.unlock();
  t_running_streams.push_back(this);
  for (auto& done : taken.writes) guarded([&] { done(taken.ok); }, "stream write callback");
  if (taken.run_on_closed && taken.on_closed) guarded(taken.on_closed, "stream on_closed");
  // The plugin's functions are destroyed inside the window too: their
  // destructors are plugin code (and may drop the last stream handle, which
  // closes this stream from here).
  taken.writes.clear();
  taken.on_closed = nullptr;
  t_running_streams.pop_back();
  lock.lock();
  --running_;
  lock.unlock();
  idle_.notify_all();
}

void StreamCallbacks::seal(std::unique_lock<std::mutex>& lock) {
  sealed_ = true;
  const auto own = std::count(t_running_streams.begin(), t_running_streams.end(), this);
  idle_.wait(lock, [&] { return running_ == own; });
}

std::uint64_t StreamCallbacks::add_write(Done done) {
  std::unique_lock lock(mutex_);
  if (!sealed_) {
    writes_.emplace_back(++last_write_, std::move(done));
    return last_write_;
  }
  Taken taken;
  taken.writes.push_back(std::move(done));
  run(lock, std::move(taken));
  return 0;
}

StreamCallbacks::OnClosed StreamCallbacks::set_on_closed(std::function<void()> callback) {
  std::unique_lock lock(mutex_);
  if (finished_ || fired_) {
    lock.unlock();
    return OnClosed::Finished;  // `callback` is dropped unrun
  }
  if (sealed_) {  // the server stopped: the stream is over, say so now
    fired_ = true;
    run(lock, Taken{{}, false, std::move(callback), true});
    return OnClosed::Finished;
  }
  std::swap(on_closed_, callback);  // a replaced one dies outside the lock
  return gone_ ? OnClosed::Due : OnClosed::Kept;
}

void StreamCallbacks::close() {
  std::unique_lock lock(mutex_);
  finished_ = true;
  seal(lock);
  Taken taken;
  for (auto& [id, done] : writes_) taken.writes.push_back(std::move(done));
  writes_.clear();
  taken.on_closed = std::move(on_closed_);  // dropped unrun
  run(lock, std::move(taken));
}

void StreamCallbacks::finish_write(std::uint64_t id, bool ok) {
  std::unique_lock lock(mutex_);
  if (sealed_) return;
  auto it = std::find_if(writes_.begin(), writes_.end(),
                         [id](const auto& entry) { return entry.first == id; });
  if (it == writes_.end()) return;
  Taken taken;
  taken.writes.push_back(std::move(it->second));
  taken.ok = ok;
  writes_.erase(it);
  run(lock, std::move(taken));
}

void StreamCallbacks::gone() {
  std::unique_lock lock(mutex_);
  if (gone_) return;
  gone_ = true;
  if (sealed_ || finished_ || !on_closed_) return;
  fired_ = true;
  run(lock, Taken{{}, false, std::move(on_closed_), true});
}

void StreamCallbacks::run_due_on_closed() {
  std::unique_lock lock(mutex_);
  if (!gone_ || sealed_ || finished_ || fired_ || !on_closed_) return;
  fired_ = true;
  run(lock, Taken{{}, false, std::move(on_closed_), true});
}

void StreamCallbacks::server_stopped() {
  std::unique_lock lock(mutex_);
  seal(lock);
  gone_ = true;
  Taken taken;
  for (auto& [id, done] : writes_) taken.writes.push_back(std::move(done));
  writes_.clear();
  taken.on_closed = std::move(on_closed_);
  taken.run_on_closed = !finished_ && !fired_;
  if (taken.run_on_closed && taken.on_closed) fired_ = true;
  run(lock, std::move(taken));
}

void StreamCallbacks::born_stopped() {
  std::lock_guard lock(mutex_);
  gone_ = true;
  sealed_ = true;
}

}  // namespace streamgate::http
