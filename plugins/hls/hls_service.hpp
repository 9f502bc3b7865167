#pragma once
// The adapter layer: watches the mpegts streams on the bus, runs one
// StreamPackager per stream on a worker, serves playlists and segments over
// the host's HTTP router, and mirrors them to disk when configured.
//
// Threads: each stream's bus items are handled on one worker (its executor);
// HTTP handlers run on the server's threads and read the packager under the
// stream's mutex; disk writes run on the DiskWriter's own thread.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "disk_writer.hpp"
#include "hls_config.hpp"
#include "streamgate/host.hpp"

namespace streamgate::hls {

class HlsService {
 public:
  using Clock = std::function<WallTime()>;

  HlsService(HlsConfig config, Host& host, Clock clock = [] { return WallClock::now(); });
  ~HlsService();
  HlsService(const HlsService&) = delete;
  HlsService& operator=(const HlsService&) = delete;

  /// Registers the routes and starts watching the bus.
  void start();
  /// Unregisters, detaches from the bus, removes the disk output and waits
  /// until nothing of the service runs any more.
  void stop() noexcept;

  /// Waits until the disk writes queued so far are done (tests, shutdown).
  void flush_disk();
  /// Streams currently packaged (live, or ended and within end-delay).
  std::size_t stream_count() const;

 private:
  struct Stream;
  using Name = std::pair<std::string, std::string>;  // app, stream

  void on_stream_event(const StreamEvent& event);
  void drain(const std::shared_ptr<Stream>& stream);
  void handle(const std::shared_ptr<Stream>& shared, BusItem& item);
  void apply(Stream& stream, const PackagerChanges& changes, const std::string& disk_playlist);
  void add_endlist(const std::weak_ptr<Stream>& weak);
  void remove_if_idle(const std::weak_ptr<Stream>& weak);
  std::shared_ptr<Stream> find(const std::string& app, const std::string& name) const;

  using Serve = void (HlsService::*)(const HttpRequest&, HttpResponder&);
  // Asks access control whether the client may play the stream (as HTTP-TS
  // does), then `serve`s it or answers 403. The decision may come later, on
  // another thread (an on-play callback).
  void check_then(const HttpRequest& request, std::shared_ptr<HttpResponder> responder, Serve serve);
  void serve_playlist(const HttpRequest& request, HttpResponder& responder);
  void serve_segment(const HttpRequest& request, HttpResponder& responder);
  // Waits (bounded) for access decisions still due.
  void wait_for_decisions() noexcept;

  HlsConfig config_;
  PackagerConfig packager_config_;
  Host& host_;
  Clock clock_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<DiskWriter> disk_;

  mutable std::mutex registry_mutex_;
  std::map<Name, std::shared_ptr<Stream>> streams_;
  std::set<std::filesystem::path> disk_dirs_;  ///< in use, to refuse two names sanitized alike
  std::atomic<bool> stopping_{false};

  // Access decisions not yet handled; a decision that comes after stop()
  // finds `gate_` closed and answers 503 without touching the service.
  struct Gate;
  std::shared_ptr<Gate> gate_;

  std::vector<std::unique_ptr<HttpRoute>> routes_;
  std::unique_ptr<Watch> watch_;
};

}  // namespace streamgate::hls
