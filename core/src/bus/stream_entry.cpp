#include "bus/stream_entry.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace streamgate::bus {

StreamEntry::StreamEntry(StreamKey key, GopLimits gop_limits,
                         std::shared_ptr<spdlog::logger> logger)
    : key_(std::move(key)),
      logger_(std::move(logger)),
      subscribers_(std::make_shared<const SubscriberList>()),
      cache_(gop_limits) {}

std::optional<std::uint64_t> StreamEntry::start(std::shared_ptr<const PublishInfo> info) {
  std::lock_guard lock(mutex_);
  if (live_) return std::nullopt;
  live_ = true;
  ++generation_;
  info_ = std::move(info);
  has_video_ = false;
  has_mux_ = false;
  packets_in_ = 0;
  bytes_in_ = 0;
  cache_.clear();
  for (const auto& subscriber : *subscribers_) subscriber->start(info_);
  return generation_;
}

bool StreamEntry::end(std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  if (!live_ || generation != generation_) return false;
  live_ = false;
  cache_.clear();  // the next publisher brings its own configs
  for (const auto& subscriber : *subscribers_) subscriber->end();
  return true;
}

void StreamEntry::push(const PacketPtr& packet, std::uint64_t generation) {
  if (!packet) return;
  std::shared_ptr<const SubscriberList> subscribers;
  {
    std::lock_guard lock(mutex_);
    if (!live_ || generation != generation_) return;
    ++packets_in_;
    bytes_in_ += packet->payload.size();
    has_video_ = has_video_ || packet->kind == TrackKind::Video;
    has_mux_ = has_mux_ || packet->kind == TrackKind::Mux;
    if (cache_.add(packet) == GopCache::AddResult::Overflowed)
      logger_->debug(
          "bus: stream {} GOP cache dropped: over its size or duration bound; "
          "caching resumes at the next keyframe",
          key_.str());
    const auto resync = resync_kind();
    for (const auto& subscriber : *subscribers_) subscriber->offer(packet, resync);
    subscribers = subscribers_;  // one reference count, no copy of the list
  }
  for (const auto& subscriber : *subscribers) subscriber->notify_if_pending();
}

void StreamEntry::attach(const std::shared_ptr<Subscriber>& subscriber) {
  std::lock_guard lock(mutex_);
  auto list = std::make_shared<SubscriberList>(*subscribers_);
  list->push_back(subscriber);
  subscribers_ = std::move(list);
  if (!live_) return;
  // Under the same lock as push(), so the replay and the live packets that
  // follow it have neither a gap nor an overlap.
  subscriber->start(info_);
  if (!subscriber->replay_cache()) return;
  const auto resync = resync_kind();
  cache_.replay([&](const PacketPtr& packet) { subscriber->offer(packet, resync); });
}

void StreamEntry::detach(const Subscriber* subscriber) {
  std::lock_guard lock(mutex_);
  auto list = std::make_shared<SubscriberList>();
  list->reserve(subscribers_->size());
  std::copy_if(subscribers_->begin(), subscribers_->end(), std::back_inserter(*list),
               [&](const auto& s) { return s.get() != subscriber; });
  subscribers_ = std::move(list);
}

void StreamEntry::notify_pending() const {
  const auto subscribers = snapshot();  // held: `*snapshot()` in the loop would dangle
  for (const auto& subscriber : *subscribers) subscriber->notify_if_pending();
}

bool StreamEntry::idle() const {
  std::lock_guard lock(mutex_);
  return !live_ && subscribers_->empty();
}

StreamStatus StreamEntry::status() const {
  std::lock_guard lock(mutex_);
  return StreamStatus{.key = key_,
                      .live = live_,
                      .subscribers = subscribers_->size(),
                      .generation = generation_,
                      .packets_in = packets_in_,
                      .bytes_in = bytes_in_,
                      .info = info_};
}

void StreamEntry::clear() {
  std::shared_ptr<const SubscriberList> dropped;
  {
    std::lock_guard lock(mutex_);
    live_ = false;
    cache_.clear();
    dropped = std::exchange(subscribers_, std::make_shared<const SubscriberList>());
  }
  for (const auto& subscriber : *dropped) subscriber->clear();
}

TrackKind StreamEntry::resync_kind() const {
  if (has_video_) return TrackKind::Video;
  if (has_mux_) return TrackKind::Mux;
  return TrackKind::Invalid;
}

std::shared_ptr<const SubscriberList> StreamEntry::snapshot() const {
  std::lock_guard lock(mutex_);
  return subscribers_;
}

}  // namespace streamgate::bus
