#include "hls_service.hpp"

#include <spdlog/logger.h>

#include <algorithm>
#include <charconv>
#include <future>
#include <shared_mutex>
#include <stdexcept>
#include <thread>

#include "streamgate/names.hpp"

namespace streamgate::hls {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxPendingDiskBytes = 256u << 20;

std::string label(const StreamKey& key) { return key.app + "/" + key.name; }

// Runs `task` on `executor` and waits for it (or runs it here when already there).
void run_on(Executor& executor, const std::function<void()>& task) {
  if (executor.running_in_this_thread()) {
    task();
    return;
  }
  std::promise<void> done;
  auto finished = done.get_future();
  executor.post([&] {
    task();
    done.set_value();
  });
  finished.wait();
}

std::optional<std::uint64_t> parse_sequence(std::string_view text) {
  std::uint64_t value = 0;
  if (text.empty() || text.size() > 20) return std::nullopt;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string seconds_text(MediaTime duration) { return format_extinf(duration); }

// How long stop() waits for access decisions still due (an on-play callback
// that has not answered yet).
constexpr std::chrono::seconds kDecisionWait{3};

// The request's query as it may follow a segment URI in the playlist: bytes
// RFC 3986 §3.4 allows in a query as they are ('%' included: the client
// percent-encoded already), anything else percent-encoded, so nothing the
// client sent can break a playlist line.
std::string playlist_query(std::string_view query) {
  static constexpr std::string_view kAllowed = "-._~!$&'()*+,;=:@/?%";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : query) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') || (byte >= '0' && byte <= '9') ||
        kAllowed.find(c) != std::string_view::npos) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

}  // namespace

struct HlsService::Stream {
  Stream(StreamKey stream_key, Executor& stream_executor, const PackagerConfig& config)
      : key(std::move(stream_key)),
        executor(stream_executor),
        packager(config, percent_encode_segment(key.name) + "/") {}

  const StreamKey key;
  Executor& executor;

  // Guarded by `mutex`: HTTP threads read it.
  mutable std::mutex mutex;
  StreamPackager packager;
  std::unique_ptr<Subscription> subscription;

  // Executor thread only.
  std::unique_ptr<Timer> removal_timer;
  std::unique_ptr<Timer> endlist_timer;
  std::vector<BusItem> items;
  std::string peer;
  std::uint64_t malformed_units = 0;

  // Guarded by the registry mutex: publishes the watch saw vs StreamStarts
  // handled; while they differ a StreamStart is on its way, so the stream
  // must not be removed.
  std::uint64_t publishes_seen = 0;
  std::uint64_t starts_handled = 0;

  // Fixed at creation.
  bool disk = false;
  fs::path disk_dir;
  fs::path disk_playlist;
  std::string disk_prefix;
};

struct HlsService::Gate {
  std::shared_mutex mutex;
  HlsService* service = nullptr;  // null once stop() began; shared lock to use it
  std::atomic<int> pending{0};    // decisions asked for and not yet handled
};

HlsService::HlsService(HlsConfig config, Host& host, Clock clock)
    : config_(std::move(config)),
      packager_config_(config_.packager()),
      host_(host),
      clock_(std::move(clock)),
      logger_(host.logger()),
      gate_(std::make_shared<Gate>()) {
  gate_->service = this;
}

HlsService::~HlsService() { stop(); }

void HlsService::start() {
  for (const auto& app : config_.apps)
    if (!host_.app_declared(app)) logger_->warn("hls: app '{}' is not declared; nothing to package", app);
  if (config_.disk) {
    // Control plane: an unusable folder stops start-up with the reason.
    std::error_code ec;
    fs::create_directories(config_.disk_path, ec);
    if (ec || !fs::is_directory(config_.disk_path))
      throw std::runtime_error("hls: folder '" + config_.disk_path.string() +
                               "' cannot be used: " + (ec ? ec.message() : "not a folder"));
    disk_ = std::make_unique<DiskWriter>(logger_, kMaxPendingDiskBytes);
  }
  logger_->info("hls: serving /{{app}}/{{stream}}.m3u8, fragment {} ms, window {}{}",
                config_.fragment.count(),
                config_.playlist_segments ? std::to_string(config_.playlist_segments) + " segments"
                                          : std::to_string(config_.playlist_duration.count()) + " ms",
                config_.disk ? ", also to '" + config_.disk_path.string() + "'" : std::string{});
  routes_.push_back(host_.http().add("/{app}/{stream}.m3u8", [this](const HttpRequest& request, auto responder) {
    check_then(request, std::move(responder), &HlsService::serve_playlist);
  }));
  routes_.push_back(host_.http().add("/{app}/{stream}/{seq}.ts", [this](const HttpRequest& request, auto responder) {
    check_then(request, std::move(responder), &HlsService::serve_segment);
  }));
  watch_ = host_.bus().watch(WatchFilter{config_.apps, "mpegts"},
                             [this](const StreamEvent& event) { on_stream_event(event); });
}

void HlsService::stop() noexcept {
  if (stopping_.exchange(true)) return;
  routes_.clear();
  wait_for_decisions();
  watch_.reset();
  std::map<Name, std::shared_ptr<Stream>> streams;
  {
    std::lock_guard lock(registry_mutex_);
    streams.swap(streams_);
    disk_dirs_.clear();
  }
  for (auto& [name, stream] : streams) {
    // Detach on the stream's own thread: after this no bus callback or timer of it can run.
    run_on(stream->executor, [&stream = *stream] {
      {
        std::lock_guard lock(stream.mutex);
        stream.subscription.reset();
      }
      stream.removal_timer.reset();
      stream.endlist_timer.reset();
    });
    if (disk_ && stream->disk) {
      disk_->remove(stream->disk_playlist);
      disk_->remove_tree(stream->disk_dir, config_.disk_path);
    }
  }
  // A removal timer that fired before `stopping_` was set may still be running
  // on some worker: let every worker finish what it has before going on.
  for (std::size_t i = 0; i < host_.worker_count(); ++i) run_on(host_.worker(i), [] {});
  disk_.reset();  // runs what is queued, then joins
}

void HlsService::flush_disk() {
  if (disk_) disk_->flush();
}

std::size_t HlsService::stream_count() const {
  std::lock_guard lock(registry_mutex_);
  return streams_.size();
}

void HlsService::on_stream_event(const StreamEvent& event) {
  if (event.type != StreamEvent::Type::Published) return;
  if (!host_.app_declared(event.key.app)) return;
  std::lock_guard lock(registry_mutex_);
  if (stopping_) return;
  const Name name{event.key.app, event.key.name};
  if (auto it = streams_.find(name); it != streams_.end()) {
    ++it->second->publishes_seen;  // a republish: its StreamStart reaches the subscription
    return;
  }

  auto config = packager_config_;
  config.playlist.first_sequence = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(clock_().time_since_epoch()).count());
  auto stream = std::make_shared<Stream>(event.key, host_.next_worker(), config);
  stream->publishes_seen = 1;

  if (disk_) {
    try {
      const auto app = sanitize_path_component(event.key.app);
      const auto file = sanitize_path_component(event.key.name);
      stream->disk_dir = path_inside(config_.disk_path, fs::path(app) / file);
      stream->disk_playlist = path_inside(config_.disk_path, fs::path(app) / (file + ".m3u8"));
      stream->disk_prefix = file + "/";
      stream->disk = disk_dirs_.insert(stream->disk_dir).second;
      if (!stream->disk)
        logger_->warn("hls: {} not written to disk: another stream already uses '{}'",
                      label(event.key), stream->disk_dir.string());
    } catch (const std::exception& e) {
      logger_->warn("hls: {} not written to disk: {}", label(event.key), e.what());
    }
    if (stream->disk) {
      // Leftovers of an earlier run must not mix with this stream's files.
      disk_->remove(stream->disk_playlist);
      disk_->remove_tree(stream->disk_dir, config_.disk_path);
    }
  }

  SubscribeOptions options;
  options.max_queue_bytes = 16u << 20;
  std::weak_ptr<Stream> weak = stream;
  auto subscription = host_.bus().subscribe(event.key, options, [this, weak] {
    if (auto locked = weak.lock())
      locked->executor.post([this, weak] {
        if (auto alive = weak.lock()) drain(alive);
      });
  });
  {
    std::lock_guard stream_lock(stream->mutex);
    stream->subscription = std::move(subscription);
  }
  // What subscribe() queued (StreamStart, a cached GOP) is announced only by
  // the publisher's next push: drain it now.
  stream->executor.post([this, weak] {
    if (auto alive = weak.lock()) drain(alive);
  });
  streams_.emplace(name, std::move(stream));
  logger_->debug("hls: {} watched", label(event.key));
}

void HlsService::drain(const std::shared_ptr<Stream>& stream) {
  if (stopping_) return;
  stream->items.clear();
  {
    std::lock_guard lock(stream->mutex);
    if (!stream->subscription) return;
    stream->subscription->drain(stream->items);
  }
  for (auto& item : stream->items) handle(stream, item);
  stream->items.clear();
}

void HlsService::handle(const std::shared_ptr<Stream>& shared, BusItem& item) {
  Stream& stream = *shared;
  PackagerChanges changes;
  std::string disk_playlist;
  const auto render_for_disk = [&] {
    if (stream.disk && changes.playlist_changed) disk_playlist = stream.packager.render(stream.disk_prefix);
  };

  switch (item.type) {
    case BusItem::Type::StreamStart: {
      {
        std::lock_guard lock(registry_mutex_);
        ++stream.starts_handled;
      }
      if (stream.removal_timer) stream.removal_timer->cancel();
      if (stream.endlist_timer) stream.endlist_timer->cancel();
      stream.peer = item.info ? item.info->peer : std::string{};
      {
        std::lock_guard lock(stream.mutex);
        changes = stream.packager.begin_publish(item.generation > 1);
        render_for_disk();
      }
      logger_->info("hls: {} packaging started (generation {}, peer {})", label(stream.key),
                    item.generation, stream.peer);
      break;
    }
    case BusItem::Type::Media: {
      const MediaPacket* packet = item.packet.get();
      if (!packet || packet->kind != TrackKind::Mux || packet->codec != Codec::MpegTs) return;
      {
        std::lock_guard lock(stream.mutex);
        changes = stream.packager.push(packet->dts, packet->keyframe, packet->payload, clock_(),
                                       item.after_drop);
        render_for_disk();
      }
      if (changes.unit == UnitStatus::Malformed && stream.malformed_units++ == 0)
        logger_->warn("hls: {} unit dropped: not whole TS packets or no PAT first (peer {})",
                      label(stream.key), stream.peer);
      break;
    }
    case BusItem::Type::StreamEnd: {
      {
        std::lock_guard lock(stream.mutex);
        changes = stream.packager.end();
        render_for_disk();
      }
      if (!stream.removal_timer) stream.removal_timer = stream.executor.make_timer();
      std::weak_ptr<Stream> weak = shared;
      stream.removal_timer->start(config_.end_delay, [this, weak] { remove_if_idle(weak); });
      if (config_.on_end == EndMode::Endlist && config_.endlist_delay.count() > 0) {
        // An encoder that reconnects within this keeps its players playing.
        if (!stream.endlist_timer) stream.endlist_timer = stream.executor.make_timer();
        stream.endlist_timer->start(config_.endlist_delay, [this, weak] { add_endlist(weak); });
      }
      logger_->info("hls: {} ended (peer {}); removal in {} ms", label(stream.key), stream.peer,
                    config_.end_delay.count());
      break;
    }
    case BusItem::Type::Invalid:
      return;
  }
  apply(stream, changes, disk_playlist);
}

void HlsService::apply(Stream& stream, const PackagerChanges& changes,
                       const std::string& disk_playlist) {
  for (const auto& [sequence, segment] : changes.added) {
    switch (segment.end_reason) {
      case CutReason::MaxDuration:
      case CutReason::MaxBytes:
        logger_->info("hls: {} segment {} cut without a keyframe after {} s, {} bytes ({})",
                      label(stream.key), sequence, seconds_text(segment.duration), segment.bytes,
                      to_string(segment.end_reason));
        break;
      case CutReason::Jump:
      case CutReason::MediaLost:
        logger_->warn("hls: {} segment {} ended early: {}; next segment discontinuous (peer {})",
                      label(stream.key), sequence, to_string(segment.end_reason), stream.peer);
        break;
      default:
        logger_->debug("hls: {} segment {} ready: {} s, {} bytes ({})", label(stream.key), sequence,
                       seconds_text(segment.duration), segment.bytes, to_string(segment.end_reason));
        break;
    }
    if (stream.disk) disk_->write(stream.disk_dir / (std::to_string(sequence) + ".ts"), segment.parts);
  }
  if (!stream.disk) return;
  if (!disk_playlist.empty()) disk_->write(stream.disk_playlist, disk_playlist);
  for (const auto sequence : changes.expired)
    disk_->remove(stream.disk_dir / (std::to_string(sequence) + ".ts"));
}

void HlsService::add_endlist(const std::weak_ptr<Stream>& weak) {
  auto stream = weak.lock();
  if (!stream || stopping_) return;
  {
    std::lock_guard lock(registry_mutex_);
    if (stream->publishes_seen != stream->starts_handled) return;  // it is coming back
  }
  PackagerChanges changes;
  std::string disk_playlist;
  {
    std::lock_guard lock(stream->mutex);
    changes = stream->packager.add_endlist();
    if (stream->disk && changes.playlist_changed)
      disk_playlist = stream->packager.render(stream->disk_prefix);
  }
  if (!changes.playlist_changed) return;
  logger_->info("hls: {} playlist finished (EXT-X-ENDLIST): no publisher for {} ms",
                label(stream->key), config_.endlist_delay.count());
  apply(*stream, changes, disk_playlist);
}

void HlsService::remove_if_idle(const std::weak_ptr<Stream>& weak) {
  auto stream = weak.lock();
  if (!stream || stopping_) return;
  {
    std::lock_guard lock(registry_mutex_);
    if (stream->publishes_seen != stream->starts_handled) return;  // it is coming back
    streams_.erase({stream->key.app, stream->key.name});
    if (stream->disk) disk_dirs_.erase(stream->disk_dir);
  }
  {
    std::lock_guard lock(stream->mutex);
    stream->subscription.reset();
    stream->packager.clear();
  }
  if (stream->disk) {
    disk_->remove(stream->disk_playlist);
    disk_->remove_tree(stream->disk_dir, config_.disk_path);
  }
  // The timer is running this callback: drop it once the callback returned.
  stream->executor.post([stream] {
    stream->removal_timer.reset();
    stream->endlist_timer.reset();
  });
  logger_->info("hls: {} removed", label(stream->key));
}

std::shared_ptr<HlsService::Stream> HlsService::find(const std::string& app,
                                                     const std::string& name) const {
  std::lock_guard lock(registry_mutex_);
  const auto it = streams_.find({app, name});
  return it == streams_.end() ? nullptr : it->second;
}

void HlsService::check_then(const HttpRequest& request, std::shared_ptr<HttpResponder> responder,
                            Serve serve) {
  const auto app = request.params.find("app");
  const auto name = request.params.find("stream");
  if (app == request.params.end() || name == request.params.end() || name_problem(app->second) ||
      name_problem(name->second)) {
    responder->respond(http_error(404, "hls: no such stream"));
    return;
  }
  AccessRequest access{AccessAction::Play, StreamKey{app->second, name->second, ""}, request.query,
                       request.peer, "http"};
  ++gate_->pending;
  host_.access().check(std::move(access), [gate = gate_, request, responder = std::move(responder),
                                           serve](const AccessDecision& decision) {
    {
      std::shared_lock lock(gate->mutex);
      HlsService* self = gate->service;
      if (self == nullptr) {
        responder->respond(http_error(503, "hls: the server is stopping"));
      } else if (!decision.allowed) {
        self->logger_->info("hls: http client {} refused for {}: {}", request.peer,
                            label(StreamKey{request.params.at("app"), request.params.at("stream"), ""}),
                            decision.reason);
        responder->respond(http_error(403, decision.reason));
      } else {
        (self->*serve)(request, *responder);
      }
    }
    --gate->pending;
  });
}

void HlsService::wait_for_decisions() noexcept {
  {
    std::unique_lock lock(gate_->mutex);  // waits for decisions being handled right now
    gate_->service = nullptr;
  }
  // A decision still due runs this plugin's code when it comes: give it time.
  const auto deadline = std::chrono::steady_clock::now() + kDecisionWait;
  while (gate_->pending.load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (gate_->pending.load() > 0)
    logger_->warn("hls: stop goes on with {} access decisions still due", gate_->pending.load());
}

void HlsService::serve_playlist(const HttpRequest& request, HttpResponder& responder) {
  const auto stream = find(request.params.at("app"), request.params.at("stream"));
  SharedBytes text;
  if (stream) {
    std::lock_guard lock(stream->mutex);
    // A token in the query must reach the segment requests too: players
    // resolve segment URIs against the playlist URL without its query.
    text = request.query.empty()
               ? stream->packager.playlist_text()
               : SharedBytes::copy(stream->packager.playlist_text_with("?" + playlist_query(request.query)));
  }
  if (text.empty()) {
    responder.respond(http_error(404, "hls: no such playlist"));
    return;
  }
  HttpResponse response;
  response.status = 200;
  response.content_type = "application/vnd.apple.mpegurl";
  // Short enough for a live edge, long enough that a cache tier absorbs a crowd.
  response.headers = {{"Cache-Control", "max-age=1"}, {"Access-Control-Allow-Origin", "*"}};
  response.body = std::move(text);
  responder.respond(std::move(response));
}

void HlsService::serve_segment(const HttpRequest& request, HttpResponder& responder) {
  const auto seq = request.params.find("seq");
  std::optional<std::vector<SharedBytes>> parts;
  if (seq != request.params.end()) {
    const auto sequence = parse_sequence(seq->second);
    if (auto stream = sequence ? find(request.params.at("app"), request.params.at("stream")) : nullptr) {
      std::lock_guard lock(stream->mutex);
      parts = stream->packager.segment(*sequence);
    }
  }
  if (!parts) {
    responder.respond(http_error(404, "hls: no such segment"));
    return;
  }
  HttpResponse response;
  response.status = 200;
  response.content_type = "video/mp2t";
  response.headers = {
      {"Cache-Control",
       "public, max-age=" + std::to_string(config_.segment_max_age.count()) + ", immutable"},
      {"Access-Control-Allow-Origin", "*"}};
  // The shared TS slices as they are: one gathered write with Content-Length,
  // no copy of the segment, and the connection stays open for the next one.
  response.body_parts = std::move(*parts);
  responder.respond(std::move(response));
}

}  // namespace streamgate::hls
