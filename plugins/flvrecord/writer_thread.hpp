#pragma once
// A thread of the recorder's own that runs its disk work: posted jobs in
// order, and a tick at a fixed interval (the flush interval) between them.
// Network workers only post here; they never wait for the disk.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace streamgate::flvrecord {

class WriterThread {
 public:
  using ErrorHandler = std::function<void(const char* what)>;

  /// A job or tick that throws is reported to `on_error` and the thread goes
  /// on (nothing of the recorder throws by design; this is the last guard).
  WriterThread(std::chrono::milliseconds tick_interval, std::function<void()> on_tick,
               ErrorHandler on_error);
  /// stop().
  ~WriterThread();
  WriterThread(const WriterThread&) = delete;
  WriterThread& operator=(const WriterThread&) = delete;

  /// Queues `job`; ignored once stop() has begun.
  void post(std::function<void()> job);
  /// Waits until every job posted before this call has run (not from the thread itself).
  void sync();
  /// Runs what is queued, then joins. Idempotent.
  void stop();

 private:
  void loop();
  void run_guarded(const std::function<void()>& work) noexcept;

  std::chrono::milliseconds tick_interval_;
  std::function<void()> on_tick_;
  ErrorHandler on_error_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::function<void()>> jobs_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace streamgate::flvrecord
