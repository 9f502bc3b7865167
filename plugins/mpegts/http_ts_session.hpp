#pragma once
// One HTTP-TS client (GET /{app}/{stream}.ts): subscribes to the derived
// stream, answers 200 video/mp2t once the stream is live (waiting up to
// `http-wait` for one that is not yet, then 404), and streams whole units
// from a keyframe unit on as chunked writes, one write in flight at a time.
// The bus subscription's queue is the only buffer: while a write is in
// flight nothing is drained, so a client that cannot keep up overflows its
// queue, and is then dropped with a log line rather than sent a broken
// stream — also when that write never completes (a client that stopped
// reading): a timer looks at the queue while a write is out. When the source
// ends, a republish within `http-wait` continues the response (the muxer
// marks the seam); otherwise the response ends.
//
// Threads: everything but schedule() and the HTTP callbacks (which post)
// runs on `executor`.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mpegts_config.hpp"
#include "streamgate/bus.hpp"
#include "streamgate/executor.hpp"
#include "streamgate/http.hpp"

namespace spdlog {
class logger;
}

namespace streamgate::mpegts {

class HttpTsSession : public std::enable_shared_from_this<HttpTsSession> {
 public:
  // `on_done` runs on the executor once the session is over (answered 404,
  // client gone, dropped, stream ended or stopped).
  HttpTsSession(StreamKey key, std::string peer, const MpegtsConfig& config, Bus& bus,
                Executor& executor, std::shared_ptr<spdlog::logger> logger,
                std::shared_ptr<HttpResponder> responder,
                std::function<void(const std::shared_ptr<HttpTsSession>&)> on_done);
  ~HttpTsSession();
  HttpTsSession(const HttpTsSession&) = delete;
  HttpTsSession& operator=(const HttpTsSession&) = delete;

  // Subscribes and arms the wait. Any thread.
  void start();
  // Ends the session (server stopping). On the executor.
  void stop();

  Executor& executor() noexcept { return executor_; }

 private:
  enum class State : std::uint8_t { Invalid = 0, Waiting, Streaming, Done };

  void schedule();
  void pump();
  bool fell_behind() const;
  void handle(BusItem& item);
  void start_response();
  void write_pending();
  void wait_for_republish();
  void on_written(bool ok);
  void check_stalled();
  void finish(std::string_view why, bool warn = false);

  StreamKey key_;
  std::string peer_;
  const MpegtsConfig& config_;
  Bus& bus_;
  Executor& executor_;
  std::shared_ptr<spdlog::logger> logger_;
  std::shared_ptr<HttpResponder> responder_;
  std::function<void(const std::shared_ptr<HttpTsSession>&)> on_done_;

  State state_ = State::Invalid;
  std::unique_ptr<Subscription> subscription_;
  std::unique_ptr<Timer> wait_timer_;
  std::unique_ptr<Timer> stall_timer_;  // runs while streaming
  std::shared_ptr<HttpStream> stream_;
  std::atomic<bool> pump_scheduled_{false};
  std::vector<BusItem> items_;
  std::vector<SharedBytes> pending_;  // units drained, waiting for the next write
  bool writing_ = false;
  bool synced_ = false;  // a keyframe unit was sent for this generation
  bool ending_ = false;  // the source ended: wait for a republish after the pending bytes
  std::uint64_t bytes_sent_ = 0;
};

}  // namespace streamgate::mpegts
