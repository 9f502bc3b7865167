#pragma once
// The adapter layer: watches the source streams on the bus, subscribes to
// each one the filter wants (with the replay cache, so a file starts with
// metadata, codec configs and a keyframe), and records it on one of the
// recorder's writer threads. At start the first writer thread repairs the
// .part files a crash left under the root before anything is recorded.
//
// Threads: bus callbacks (publisher threads) only queue work for a writer
// thread; every file operation runs there. A stream's subscription queue is
// the bounded queue to the disk: when a slow disk lets it overflow, the bus
// drops media up to the next keyframe and the recorder logs it.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "flvrecord_config.hpp"
#include "recorded_stream.hpp"
#include "streamgate/host.hpp"
#include "writer_thread.hpp"

namespace streamgate::flvrecord {

class FlvRecorder {
 public:
  using WallClock = std::function<std::chrono::system_clock::time_point()>;

  /// `wall_clock` names files ({date}, {time}, {unix}); the system clock when empty.
  FlvRecorder(FlvRecordConfig config, Host& host, WallClock wall_clock = {});
  ~FlvRecorder();
  FlvRecorder(const FlvRecorder&) = delete;
  FlvRecorder& operator=(const FlvRecorder&) = delete;

  /// Starts the writer threads (the first one repairs leftovers) and watches the bus.
  void start();
  /// Stops watching, records what is queued, closes every file (metadata
  /// rewritten, renamed) and joins the writer threads.
  void stop() noexcept;

  /// Waits until each writer thread has done what was queued for it so far (tests).
  void sync();
  /// Streams subscribed to right now.
  std::size_t stream_count() const;

 private:
  struct Stream;
  struct Lane;

  void repair_leftovers();
  void on_stream_event(const StreamEvent& event);
  void schedule_drain(const std::shared_ptr<Stream>& stream);
  void drain(const std::shared_ptr<Stream>& stream);
  void log_drops(Stream& stream);
  void remove_if_idle(const std::shared_ptr<Stream>& stream);

  Host& host_;
  std::shared_ptr<spdlog::logger> logger_;
  RecorderContext context_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  std::size_t next_lane_ = 0;  // guarded by registry_mutex_
  std::latch repaired_{1};

  mutable std::mutex registry_mutex_;
  std::map<std::string, std::shared_ptr<Stream>> streams_;  // by "app/name"
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  std::unique_ptr<Watch> watch_;
};

}  // namespace streamgate::flvrecord
