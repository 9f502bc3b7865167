#pragma once
// The adapter layer: watches the source streams of the enabled apps, runs one
// StreamMuxer per stream (each on a worker), and serves HTTP-TS clients.
//
// Threads: the bus's watch callback, the HTTP handler and access decisions run
// on foreign threads and only create sessions under `mutex_`; every session
// runs on its own worker. stop() runs on the main thread and returns only when
// nothing of the plugin can run any more.

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string_view>

#include "http_ts_session.hpp"
#include "mpegts_config.hpp"
#include "stream_muxer.hpp"
#include "streamgate/host.hpp"

namespace streamgate::mpegts {

class MpegtsService {
 public:
  MpegtsService(MpegtsConfig config, Host& host);
  ~MpegtsService();
  MpegtsService(const MpegtsService&) = delete;
  MpegtsService& operator=(const MpegtsService&) = delete;

  // Starts watching the bus and registers GET /{app}/{stream}.ts.
  void start();
  // Ends every derived stream and HTTP-TS response; waits for their workers.
  void stop() noexcept;

  // Source streams being muxed now (for tests and status).
  std::size_t stream_count() const;
  // HTTP-TS clients connected or waiting.
  std::size_t client_count() const;

 private:
  bool app_enabled(std::string_view app) const;
  void on_stream_event(const StreamEvent& event);
  void retire(const std::shared_ptr<StreamMuxer>& muxer);
  void serve(const HttpRequest& request, std::shared_ptr<HttpResponder> responder);
  void open_client(StreamKey key, std::string peer, std::shared_ptr<HttpResponder> responder);
  void end_client(const std::shared_ptr<HttpTsSession>& session);

  // An access decision may arrive after stop() (an on-play HTTP callback still
  // out): it reaches the service only through here, and stop() closes it.
  struct AccessDoor {
    std::mutex mutex;
    MpegtsService* service = nullptr;
  };

  MpegtsConfig config_;
  Host& host_;
  std::shared_ptr<spdlog::logger> logger_;

  mutable std::mutex mutex_;
  bool stopping_ = false;
  std::map<StreamKey, std::shared_ptr<StreamMuxer>> muxers_;
  std::set<std::shared_ptr<HttpTsSession>> clients_;
  std::shared_ptr<AccessDoor> access_door_ = std::make_shared<AccessDoor>();

  std::unique_ptr<Watch> watch_;
  std::unique_ptr<HttpRoute> route_;
};

}  // namespace streamgate::mpegts
