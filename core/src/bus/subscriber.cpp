#include "bus/subscriber.hpp"

#include <spdlog/spdlog.h>

namespace streamgate::bus {

Subscriber::Subscriber(std::uint64_t id, StreamKey key, const SubscribeOptions& options,
                       std::function<void()> on_ready, std::shared_ptr<spdlog::logger> logger)
    : id_(id),
      key_(std::move(key)),
      replay_cache_(options.replay_cache),
      logger_(std::move(logger)),
      queue_(QueueLimits{options.max_queue_bytes,
                         std::chrono::duration_cast<MediaTime>(options.max_queue_duration)}),
      on_ready_(std::move(on_ready)) {}

void Subscriber::offer(const PacketPtr& packet, TrackKind resync) {
  OfferResult result;
  {
    std::lock_guard lock(mutex_);
    result = queue_.offer(packet, resync);
  }
  flag(result);
  if (result.overflowed)
    logger_->debug(
        "bus: subscriber {} on {} dropped {} packets ({} bytes): queue full, {}", id_, key_.str(),
        result.dropped_packets, result.dropped_bytes,
        resync == TrackKind::Invalid ? "resuming at once" : "skipping to the next keyframe");
}

void Subscriber::start(const std::shared_ptr<const PublishInfo>& info) {
  OfferResult result;
  {
    std::lock_guard lock(mutex_);
    result = queue_.start(info);
  }
  flag(result);
}

void Subscriber::end() {
  OfferResult result;
  {
    std::lock_guard lock(mutex_);
    result = queue_.end();
  }
  flag(result);
}

void Subscriber::clear() {
  std::lock_guard lock(mutex_);
  queue_.clear();
}

void Subscriber::flag(const OfferResult& result) {
  if (result.became_non_empty) notify_pending_.store(true, std::memory_order_release);
}

void Subscriber::notify_if_pending() {
  // Cheap load first: this runs once per packet per subscriber.
  if (!notify_pending_.load(std::memory_order_relaxed)) return;
  if (!notify_pending_.exchange(false, std::memory_order_acq_rel)) return;
  if (on_ready_.call() == CallResult::Threw)
    logger_->error("bus: subscriber {} on {} on_ready threw; ignored", id_, key_.str());
}

std::size_t Subscriber::drain(std::vector<BusItem>& out) {
  std::lock_guard lock(mutex_);
  return queue_.drain(out);
}

SubscriptionStats Subscriber::stats() const {
  std::lock_guard lock(mutex_);
  return queue_.stats();
}

}  // namespace streamgate::bus
