#include "writer_thread.hpp"

namespace streamgate::flvrecord {

using Clock = std::chrono::steady_clock;

WriterThread::WriterThread(std::chrono::milliseconds tick_interval, std::function<void()> on_tick,
                           ErrorHandler on_error)
    : tick_interval_(tick_interval),
      on_tick_(std::move(on_tick)),
      on_error_(std::move(on_error)),
      thread_([this] { loop(); }) {}

WriterThread::~WriterThread() { stop(); }

void WriterThread::post(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void WriterThread::sync() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return jobs_.empty() && !busy_; });
}

void WriterThread::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void WriterThread::run_guarded(const std::function<void()>& work) noexcept {
  try {
    work();
  } catch (const std::exception& e) {
    if (on_error_) on_error_(e.what());
  } catch (...) {
    if (on_error_) on_error_("unknown exception");
  }
}

void WriterThread::loop() {
  std::unique_lock lock(mutex_);
  auto next_tick = Clock::now() + tick_interval_;
  for (;;) {
    wake_.wait_until(lock, next_tick, [this] { return stopping_ || !jobs_.empty(); });
    // The tick also runs between jobs, so a busy thread still flushes on time.
    if (Clock::now() >= next_tick) {
      busy_ = true;
      lock.unlock();
      if (on_tick_) run_guarded(on_tick_);
      lock.lock();
      busy_ = false;
      next_tick = Clock::now() + tick_interval_;
    }
    if (jobs_.empty()) {
      idle_.notify_all();
      if (stopping_) return;
      continue;
    }
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    busy_ = true;
    lock.unlock();
    run_guarded(job);
    job = nullptr;  // what it captured goes here, on this thread
    lock.lock();
    busy_ = false;
    if (jobs_.empty()) idle_.notify_all();
  }
}

}  // namespace streamgate::flvrecord
