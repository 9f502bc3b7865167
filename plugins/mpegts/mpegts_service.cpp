#include "mpegts_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>

#include "streamgate/names.hpp"

namespace streamgate::mpegts {
namespace {

using namespace std::chrono_literals;

// Runs `task` on `executor` and waits for it (main thread only).
void run_and_wait(Executor& executor, std::function<void()> task) {
  std::promise<void> done;
  auto future = done.get_future();
  executor.post([&task, &done] {
    task();
    done.set_value();
  });
  future.wait();
}

}  // namespace

MpegtsService::MpegtsService(MpegtsConfig config, Host& host)
    : config_(std::move(config)), host_(host), logger_(host.logger()) {
  access_door_->service = this;
}

MpegtsService::~MpegtsService() { stop(); }

void MpegtsService::start() {
  for (const auto& app : config_.apps)
    if (!host_.app_declared(app))
      logger_->warn("mpegts: app {} is enabled here but not declared: ignored", app);
  if (config_.http_ts)
    route_ = host_.http().add(
        "/{app}/{stream}.ts",
        [this](const HttpRequest& request, std::shared_ptr<HttpResponder> responder) {
          serve(request, std::move(responder));
        });
  // Subscribing from the callback misses nothing (bus.hpp): it runs at once
  // for streams already live.
  watch_ = host_.bus().watch(WatchFilter{config_.apps, ""},
                             [this](const StreamEvent& event) { on_stream_event(event); });
  logger_->info("mpegts: muxing {}{}",
                config_.apps.empty() ? std::string("every declared app") : "apps",
                config_.http_ts ? ", serving HTTP-TS" : "");
}

bool MpegtsService::app_enabled(std::string_view app) const {
  if (!host_.app_declared(app)) return false;
  return config_.apps.empty() ||
         std::find(config_.apps.begin(), config_.apps.end(), app) != config_.apps.end();
}

void MpegtsService::on_stream_event(const StreamEvent& event) {
  // A stream ending reaches its StreamMuxer as StreamEnd; only starts matter here.
  if (event.type != StreamEvent::Type::Published || !event.key.variant.empty() ||
      !app_enabled(event.key.app))
    return;
  std::lock_guard lock(mutex_);
  if (stopping_ || muxers_.contains(event.key))
    return;  // an existing session sees the republish itself
  auto muxer = std::make_shared<StreamMuxer>(
      event.key, config_, host_.bus(), host_.next_worker(), logger_,
      [this](const std::shared_ptr<StreamMuxer>& idle) { retire(idle); });
  muxers_.emplace(event.key, muxer);
  muxer->start();
}

// On the muxer's executor, after its source ended and its queue ran dry.
void MpegtsService::retire(const std::shared_ptr<StreamMuxer>& muxer) {
  {
    std::lock_guard lock(mutex_);
    // Not idle: the source came back (StreamStart is queued); keep going.
    if (!muxer->idle()) return;
    const auto found = muxers_.find(muxer->source());
    if (found == muxers_.end() || found->second != muxer) return;
    muxers_.erase(found);
  }
  // Outside the lock: ending a stream takes the bus's event lock, under which
  // the bus calls on_stream_event.
  muxer->close();
}

void MpegtsService::serve(const HttpRequest& request, std::shared_ptr<HttpResponder> responder) {
  const auto app = request.params.find("app");
  const auto stream = request.params.find("stream");
  if (app == request.params.end() || stream == request.params.end() || !app_enabled(app->second) ||
      name_problem(stream->second)) {
    responder->respond(http_error(404, "stream not found"));
    return;
  }
  AccessRequest access;
  access.action = AccessAction::Play;
  access.key = StreamKey{app->second, stream->second, ""};
  access.query = request.query;
  access.peer = request.peer;
  access.protocol = "http";
  StreamKey key{app->second, stream->second, kVariant};
  host_.access().check(
      std::move(access), [door = access_door_, key = std::move(key), peer = request.peer,
                          responder](AccessDecision decision) mutable {
        std::lock_guard lock(door->mutex);
        if (!door->service) {
          responder->respond(http_error(503, "server stopping"));
        } else if (!decision.allowed) {
          door->service->logger_->info("mpegts: http client {} refused for {}: {}", peer, key.str(),
                                       decision.reason);
          responder->respond(http_error(403, decision.reason));
        } else {
          door->service->open_client(std::move(key), std::move(peer), std::move(responder));
        }
      });
}

void MpegtsService::open_client(StreamKey key, std::string peer,
                                std::shared_ptr<HttpResponder> responder) {
  std::lock_guard lock(mutex_);
  if (stopping_) {
    responder->respond(http_error(503, "server stopping"));
    return;
  }
  auto session = std::make_shared<HttpTsSession>(
      std::move(key), std::move(peer), config_, host_.bus(), host_.next_worker(), logger_,
      std::move(responder),
      [this](const std::shared_ptr<HttpTsSession>& done) { end_client(done); });
  clients_.insert(session);
  session->start();
}

void MpegtsService::end_client(const std::shared_ptr<HttpTsSession>& session) {
  std::lock_guard lock(mutex_);
  clients_.erase(session);
}

std::size_t MpegtsService::stream_count() const {
  std::lock_guard lock(mutex_);
  return muxers_.size();
}

std::size_t MpegtsService::client_count() const {
  std::lock_guard lock(mutex_);
  return clients_.size();
}

void MpegtsService::stop() noexcept {
  std::unique_ptr<Watch> watch;
  std::unique_ptr<HttpRoute> route;
  std::map<StreamKey, std::shared_ptr<StreamMuxer>> muxers;
  std::set<std::shared_ptr<HttpTsSession>> clients;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    watch = std::move(watch_);
    route = std::move(route_);
  }
  watch.reset();
  route.reset();
  {
    // Waits for a decision being handed on now; later ones answer 503.
    std::lock_guard lock(access_door_->mutex);
    access_door_->service = nullptr;
  }
  {
    std::lock_guard lock(mutex_);
    muxers.swap(muxers_);
    clients.swap(clients_);
  }
  try {
    for (const auto& [key, muxer] : muxers)
      run_and_wait(muxer->executor(), [&muxer = muxer] { muxer->close(); });
    // After a session's stop() closed its HttpStream, none of that stream's
    // callbacks runs any more (http.hpp) ...
    for (const auto& client : clients)
      run_and_wait(client->executor(), [&client = client] { client->stop(); });
    // ... and what they or the bus posted before (write completions,
    // on_ready) has run once every worker passed this point.
    for (std::size_t i = 0; i < host_.worker_count(); ++i) run_and_wait(host_.worker(i), [] {});
  } catch (const std::exception& e) {
    logger_->error("mpegts: stop failed: {}", e.what());
  }
  logger_->info("mpegts: stopped ({} streams, {} HTTP clients ended)", muxers.size(),
                clients.size());
}

}  // namespace streamgate::mpegts
