#include "stream_muxer.hpp"

#include <spdlog/spdlog.h>

namespace streamgate::mpegts {

StreamMuxer::StreamMuxer(StreamKey source, const MpegtsConfig& config, Bus& bus, Executor& executor,
                         std::shared_ptr<spdlog::logger> logger,
                         std::function<void(const std::shared_ptr<StreamMuxer>&)> on_idle)
    : source_(std::move(source)),
      derived_{source_.app, source_.name, kVariant},
      config_(config),
      bus_(bus),
      executor_(executor),
      logger_(std::move(logger)),
      on_idle_(std::move(on_idle)) {}

StreamMuxer::~StreamMuxer() = default;

void StreamMuxer::start() {
  SubscribeOptions options;
  options.max_queue_bytes = static_cast<std::size_t>(config_.queue_bytes);
  options.max_queue_duration = config_.queue_duration;
  options.replay_cache = true;
  std::weak_ptr<StreamMuxer> weak = weak_from_this();
  subscription_ = bus_.subscribe(source_, options, [weak] {
    if (auto self = weak.lock()) self->schedule();
  });
  schedule();  // the replayed cache is only announced by the next push
}

void StreamMuxer::schedule() {
  if (drain_scheduled_.exchange(true)) return;
  executor_.post([weak = weak_from_this()] {
    if (auto self = weak.lock()) self->drain();
  });
}

void StreamMuxer::drain() {
  drain_scheduled_ = false;
  if (closed_ || !subscription_) return;
  items_.clear();
  subscription_->drain(items_);
  for (auto& item : items_) handle(item);
  items_.clear();
  if (ended_ && idle() && on_idle_) on_idle_(shared_from_this());
}

void StreamMuxer::handle(BusItem& item) {
  switch (item.type) {
    case BusItem::Type::StreamStart:
      begin(item);
      break;
    case BusItem::Type::Media:
      if (!muxer_ || !item.packet) break;
      if (item.after_drop) {
        logger_->warn("mpegts: stream {} from {} lost media: the muxer fell behind its source",
                      source_.str(), peer_);
        muxer_->lost_media();
      }
      muxer_->push(item.packet);
      break;
    case BusItem::Type::StreamEnd:
      finish();
      ended_ = true;
      break;
    case BusItem::Type::Invalid:
      break;
  }
}

void StreamMuxer::begin(const BusItem& start) {
  finish();  // a republish: the old derived generation ends first
  ended_ = false;
  // Who publishes, for log lines: the peer address, or the protocol of an internal producer.
  peer_ = !start.info                 ? std::string("unknown")
          : !start.info->peer.empty() ? start.info->peer
                                      : start.info->protocol;
  PublishInfo info;
  info.mode = start.info ? start.info->mode : PublishMode::Live;
  info.protocol = "internal";
  info.peer = start.info ? start.info->peer : std::string();
  publisher_ = bus_.publish(derived_, std::move(info));
  if (!publisher_) {
    logger_->error("mpegts: stream {} not muxed: {} is already published by someone else",
                   source_.str(), derived_.str());
    return;
  }
  muxer_ = std::make_unique<TsMuxer>(
      config_.muxer, [this](TsUnit&& unit) { publish_unit(std::move(unit)); },
      [this](MuxProblem problem, std::string_view detail) { on_problem(problem, detail); });
  // Consumers that stay across a republish (HTTP-TS) see one stream whose
  // time base and counters restart: say so in the packets.
  if (publisher_->generation() > 1) muxer_->mark_discontinuity();
  logger_->info("mpegts: stream {} from {} muxed as {} (generation {})", source_.str(), peer_,
                derived_.str(), publisher_->generation());
}

void StreamMuxer::finish() {
  if (muxer_) muxer_->flush();  // units still held go out before the end
  if (publisher_) {
    publisher_->end();
    if (muxer_) {
      const auto& stats = muxer_->stats();
      logger_->info(
          "mpegts: stream {} from {} ended: {} frames in, {} skipped, {} units, {} bytes out",
          source_.str(), peer_, stats.frames_in, stats.frames_skipped, stats.units_out,
          stats.bytes_out);
    }
  }
  publisher_.reset();
  muxer_.reset();
}

void StreamMuxer::publish_unit(TsUnit&& unit) {
  if (!publisher_) return;
  auto packet = std::make_shared<MediaPacket>();
  packet->kind = TrackKind::Mux;
  packet->codec = Codec::MpegTs;
  packet->dts = unit.dts;
  packet->pts = unit.pts;
  packet->keyframe = unit.keyframe;
  packet->payload = std::move(unit.packets);
  publisher_->push(std::move(packet));
}

void StreamMuxer::on_problem(MuxProblem problem, std::string_view detail) {
  std::string_view action = "skips frames";
  if (problem == MuxProblem::UnsupportedCodec) action = "leaves a track out";
  if (problem == MuxProblem::TimestampsBackward) action = "clamps timestamps";
  if (problem == MuxProblem::TimestampJump) action = "marks a time base discontinuity";
  // The muxer reports each kind once per publish, so this cannot flood the log.
  logger_->warn("mpegts: stream {} from {} {}: {}: {}", source_.str(), peer_, action,
                to_string(problem), detail);
}

bool StreamMuxer::idle() const {
  return !publisher_ && (!subscription_ || subscription_->stats().queued_items == 0);
}

void StreamMuxer::close() {
  if (closed_) return;
  closed_ = true;
  subscription_.reset();  // no on_ready after this
  finish();
}

}  // namespace streamgate::mpegts
