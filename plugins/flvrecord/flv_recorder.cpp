#include "flv_recorder.hpp"

#include <spdlog/logger.h>

#include <algorithm>

#include "part_repair.hpp"
#include "recording_paths.hpp"

namespace streamgate::flvrecord {

namespace fs = std::filesystem;

namespace {

std::string label(const StreamKey& key) { return key.app + "/" + key.name; }

std::string joined(const std::vector<std::string>& items, std::string_view none) {
  if (items.empty()) return std::string(none);
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

}  // namespace

struct FlvRecorder::Lane {
  std::vector<std::shared_ptr<Stream>> streams;  // writer thread only
  std::unique_ptr<WriterThread> thread;          // last: stopped before the rest goes
};

struct FlvRecorder::Stream {
  Stream(StreamKey stream_key, Lane& stream_lane, RecorderContext& context)
      : key(std::move(stream_key)), lane(stream_lane), recorder(key, context) {}

  const StreamKey key;
  Lane& lane;

  std::mutex mutex;  // guards `subscription`: set on a bus thread, used on the writer thread
  std::unique_ptr<Subscription> subscription;
  std::atomic<bool> drain_posted{false};

  // Writer thread only.
  RecordedStream recorder;
  std::vector<BusItem> items;

  // Guarded by the registry mutex: publishes the watch saw vs StreamStarts
  // handled; while they differ a StreamStart is on its way.
  std::uint64_t publishes_seen = 0;
  std::uint64_t starts_handled = 0;
};

FlvRecorder::FlvRecorder(FlvRecordConfig config, Host& host, WallClock wall_clock)
    : host_(host), logger_(host.logger()), context_(std::move(config), logger_) {
  if (wall_clock) context_.naming.now = std::move(wall_clock);
}

FlvRecorder::~FlvRecorder() { stop(); }

void FlvRecorder::start() {
  const FlvRecordConfig& config = context_.config;
  for (const auto& app : config.apps)
    if (!host_.app_declared(app))
      logger_->warn("flvrecord: app '{}' is not declared; nothing to record", app);
  // Not fatal: the folder may become writable later (a disk mounted, a
  // permission fixed), and the streams must flow to players meanwhile.
  std::error_code ec;
  fs::create_directories(config.root, ec);
  if (ec)
    logger_->error("flvrecord: root folder '{}' not usable: {}; recordings fail until it is",
                   config.root.string(), ec.message());

  for (std::size_t i = 0; i < config.writer_threads; ++i) {
    auto lane = std::make_unique<Lane>();
    lane->thread = std::make_unique<WriterThread>(
        config.flush_interval,
        [lane = lane.get()] {
          for (const auto& stream : lane->streams) stream->recorder.flush();
        },
        [logger = logger_](const char* what) {
          logger->error("flvrecord: writer thread job failed: {}; going on", what);
        });
    lanes_.push_back(std::move(lane));
  }
  // The other writer threads wait for the repair: a stream published to
  // append must find the repaired file, not its .part.
  lanes_[0]->thread->post([this] {
    // Counted down however the repair ends: the other threads wait for it.
    const std::unique_ptr<std::latch, void (*)(std::latch*)> done(
        &repaired_, [](std::latch* latch) { latch->count_down(); });
    repair_leftovers();
  });
  for (std::size_t i = 1; i < lanes_.size(); ++i)
    lanes_[i]->thread->post([this] { repaired_.wait(); });
  started_ = true;

  logger_->info(
      "flvrecord: recording apps {} streams {} (mode {}) to '{}', max-duration {} ms, max-size {} "
      "bytes, flush every {} ms",
      joined(config.apps, "(all)"), joined(config.streams, "(all)"),
      config.mode == RecordMode::Record ? "record" : "all",
      (config.root / config.path_template).string(), config.max_duration.count(), config.max_bytes,
      config.flush_interval.count());
  watch_ = host_.bus().watch(WatchFilter{config.apps, ""},
                             [this](const StreamEvent& event) { on_stream_event(event); });
}

void FlvRecorder::repair_leftovers() {
  std::error_code ec;
  const auto parts = find_part_files(context_.config.root, ec);
  if (ec)
    logger_->warn("flvrecord: root folder '{}' not fully searched for unfinished files: {}",
                  context_.config.root.string(), ec.message());
  for (const auto& part : parts) {
    if (stopping_) return;
    const PartRepair repair = repair_part_file(part);
    switch (repair.result) {
      case PartRepair::Result::Repaired:
        logger_->warn(
            "flvrecord: file '{}' repaired after an unclean stop: {:.1f} s kept, {} of {} "
            "bytes{}{}",
            repair.final_path.string(), repair.plan.duration_ms / 1000.0, repair.plan.truncate_to,
            repair.original_size, repair.plan.problem.empty() ? "" : "; ", repair.plan.problem);
        break;
      case PartRepair::Result::Removed:
        logger_->warn("flvrecord: file '{}' removed after an unclean stop: no whole frame in it",
                      part.string());
        break;
      default:
        logger_->error("flvrecord: file '{}' not repaired: {}", part.string(), repair.error);
        break;
    }
  }
}

void FlvRecorder::on_stream_event(const StreamEvent& event) {
  if (event.type != StreamEvent::Type::Published) return;
  if (!context_.filter.wants_stream(event.key) || !host_.app_declared(event.key.app)) return;
  std::lock_guard lock(registry_mutex_);
  if (stopping_) return;
  const std::string name = label(event.key);
  if (auto it = streams_.find(name); it != streams_.end()) {
    ++it->second->publishes_seen;  // a republish: its StreamStart reaches the subscription
    return;
  }
  // Mode "record": a live publish is not recorded; no need to follow it.
  if (!event.info || !context_.filter.wants_publish(*event.info)) return;

  Lane& lane = *lanes_[next_lane_++ % lanes_.size()];
  auto stream = std::make_shared<Stream>(event.key, lane, context_);
  stream->publishes_seen = 1;
  SubscribeOptions options;
  options.max_queue_bytes = static_cast<std::size_t>(context_.config.max_queue_bytes);
  options.max_queue_duration = context_.config.max_queue_duration;
  options.replay_cache = true;
  std::weak_ptr<Stream> weak = stream;
  auto subscription = host_.bus().subscribe(event.key, options, [this, weak] {
    if (auto alive = weak.lock()) schedule_drain(alive);
  });
  {
    std::lock_guard stream_lock(stream->mutex);
    stream->subscription = std::move(subscription);
  }
  // What subscribe() queued (StreamStart, the cached GOP) is announced only
  // by the publisher's next push: drain it now.
  lane.thread->post([this, stream] {
    stream->lane.streams.push_back(stream);
    drain(stream);
  });
  streams_.emplace(name, std::move(stream));
}

void FlvRecorder::schedule_drain(const std::shared_ptr<Stream>& stream) {
  // One queued drain per stream at a time, however often the publisher pushes.
  if (stream->drain_posted.exchange(true)) return;
  stream->lane.thread->post([this, stream] {
    stream->drain_posted = false;
    drain(stream);
  });
}

void FlvRecorder::drain(const std::shared_ptr<Stream>& stream) {
  stream->items.clear();
  {
    std::lock_guard lock(stream->mutex);
    if (!stream->subscription) return;
    stream->subscription->drain(stream->items);
  }
  bool ended = false;
  for (const auto& item : stream->items) {
    if (item.type == BusItem::Type::StreamStart) {
      std::lock_guard lock(registry_mutex_);
      ++stream->starts_handled;
    }
    if (item.after_drop) log_drops(*stream);
    stream->recorder.handle(item);
    if (item.type != BusItem::Type::Media) ended = item.type == BusItem::Type::StreamEnd;
  }
  stream->items.clear();
  if (ended) remove_if_idle(stream);
}

void FlvRecorder::log_drops(Stream& stream) {
  SubscriptionStats stats;
  {
    std::lock_guard lock(stream.mutex);
    if (stream.subscription) stats = stream.subscription->stats();
  }
  logger_->warn(
      "flvrecord: {} media dropped: the disk falls behind ({} packets, {} bytes dropped so far); "
      "the file continues at the next keyframe",
      label(stream.key), stats.dropped_packets, stats.dropped_bytes);
}

void FlvRecorder::remove_if_idle(const std::shared_ptr<Stream>& stream) {
  {
    std::lock_guard lock(registry_mutex_);
    if (stopping_ || stream->publishes_seen != stream->starts_handled) return;  // coming back
    const auto it = streams_.find(label(stream->key));
    if (it != streams_.end() && it->second == stream) streams_.erase(it);
  }
  {
    std::lock_guard lock(stream->mutex);
    stream->subscription.reset();
  }
  std::erase(stream->lane.streams, stream);
}

void FlvRecorder::stop() noexcept {
  if (stopping_.exchange(true) || !started_) return;
  watch_.reset();
  {
    std::lock_guard lock(registry_mutex_);
    streams_.clear();
  }
  // Each writer thread records what its streams have queued, closes their
  // files and detaches; after that no bus callback of ours can run.
  for (auto& lane : lanes_) {
    lane->thread->post([this, lane = lane.get()] {
      for (const auto& stream : lane->streams) {
        drain(stream);
        stream->recorder.end();
        std::lock_guard lock(stream->mutex);
        stream->subscription.reset();
      }
      lane->streams.clear();
    });
  }
  for (auto& lane : lanes_) lane->thread->stop();
  logger_->info("flvrecord: stopped; every file closed");
}

void FlvRecorder::sync() {
  for (auto& lane : lanes_) lane->thread->sync();
}

std::size_t FlvRecorder::stream_count() const {
  std::lock_guard lock(registry_mutex_);
  return streams_.size();
}

}  // namespace streamgate::flvrecord
