#pragma once
// One source stream's muxing session: subscribes to app/name on the bus, runs
// a TsMuxer on one worker, and publishes the units as the derived stream
// app/name#mpegts (kind Mux, codec MpegTs; see TsUnit for what `keyframe`
// promises). A republish of the source republishes the derived stream (a new
// generation, a fresh muxer); the source ending ends it.
//
// Threads: everything but schedule() runs on `executor`.

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "mpegts_config.hpp"
#include "muxer.hpp"
#include "streamgate/bus.hpp"
#include "streamgate/executor.hpp"

namespace spdlog {
class logger;
}

namespace streamgate::mpegts {

inline constexpr const char* kVariant = "mpegts";

class StreamMuxer : public std::enable_shared_from_this<StreamMuxer> {
 public:
  // `on_idle` runs on the executor after the source ended and everything
  // queued was handled; the owner may then close() and forget the session.
  StreamMuxer(StreamKey source, const MpegtsConfig& config, Bus& bus, Executor& executor,
              std::shared_ptr<spdlog::logger> logger,
              std::function<void(const std::shared_ptr<StreamMuxer>&)> on_idle);
  ~StreamMuxer();
  StreamMuxer(const StreamMuxer&) = delete;
  StreamMuxer& operator=(const StreamMuxer&) = delete;

  // Subscribes and handles the replayed cache. Any thread.
  void start();
  // Detaches from the source and ends the derived stream. On the executor.
  void close();
  // True when the source ended, the derived stream is ended and nothing is
  // queued. On the executor.
  bool idle() const;

  const StreamKey& source() const noexcept { return source_; }
  Executor& executor() noexcept { return executor_; }

 private:
  void schedule();
  void drain();
  void handle(BusItem& item);
  void begin(const BusItem& start);
  void finish();
  void publish_unit(TsUnit&& unit);
  void on_problem(MuxProblem problem, std::string_view detail);

  StreamKey source_;
  StreamKey derived_;
  const MpegtsConfig& config_;
  Bus& bus_;
  Executor& executor_;
  std::shared_ptr<spdlog::logger> logger_;
  std::function<void(const std::shared_ptr<StreamMuxer>&)> on_idle_;

  std::unique_ptr<Subscription> subscription_;
  std::atomic<bool> drain_scheduled_{false};
  std::vector<BusItem> items_;  // reused between drains

  std::unique_ptr<TsMuxer> muxer_;
  std::unique_ptr<Publisher> publisher_;
  std::string peer_;  // the source's publisher (address or protocol), for log lines
  bool ended_ = false;
  bool closed_ = false;
};

}  // namespace streamgate::mpegts
