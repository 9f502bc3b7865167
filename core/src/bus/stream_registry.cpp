#include "bus/stream_registry.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "bus/local_publisher.hpp"
#include "bus/local_subscription.hpp"
#include "bus/stream_entry.hpp"
#include "bus/subscriber.hpp"
#include "bus/watcher.hpp"

namespace streamgate::bus {

namespace {

std::string describe(const PublishInfo& info) {
  if (info.peer.empty()) return info.protocol;
  return info.protocol + " " + info.peer;
}

}  // namespace

StreamRegistry::StreamRegistry(std::shared_ptr<spdlog::logger> logger, GopLimits gop_limits)
    : logger_(std::move(logger)), gop_limits_(gop_limits) {}

std::unique_ptr<Publisher> StreamRegistry::publish(const StreamKey& key, PublishInfo info) {
  auto shared_info = std::make_shared<const PublishInfo>(std::move(info));
  std::lock_guard events(events_mutex_);
  std::shared_ptr<StreamEntry> entry;
  std::optional<std::uint64_t> generation;
  WatcherList watchers;
  {
    std::lock_guard lock(mutex_);
    entry = find_or_create(key);
    generation = entry->start(shared_info);
    if (generation) watchers = watchers_;
  }
  if (!generation) {
    logger_->info("bus: stream {} publish refused: already live (from {})", key.str(),
                  describe(*shared_info));
    return nullptr;
  }
  logger_->info("bus: stream {} published by {} (generation {})", key.str(), describe(*shared_info),
                *generation);
  entry->notify_pending();  // subscribers waiting for the stream now hold StreamStart
  tell(watchers, StreamEvent{.type = StreamEvent::Type::Published,
                             .key = key,
                             .info = shared_info,
                             .generation = *generation});
  return std::make_unique<LocalPublisher>(shared_from_this(), std::move(entry), *generation);
}

void StreamRegistry::end(const std::shared_ptr<StreamEntry>& entry, std::uint64_t generation) {
  std::lock_guard events(events_mutex_);
  WatcherList watchers;
  StreamStatus last;
  {
    std::lock_guard lock(mutex_);
    last = entry->status();
    if (!entry->end(generation)) return;  // already ended, or the bus was cleared
    forget_if_idle(entry);
    watchers = watchers_;
  }
  logger_->info("bus: stream {} unpublished after {} packets, {} bytes (generation {})",
                entry->key().str(), last.packets_in, last.bytes_in, generation);
  entry->notify_pending();  // StreamEnd
  tell(watchers, StreamEvent{.type = StreamEvent::Type::Unpublished,
                             .key = entry->key(),
                             .info = last.info,
                             .generation = generation});
}

std::unique_ptr<Subscription> StreamRegistry::subscribe(const StreamKey& key,
                                                        const SubscribeOptions& options,
                                                        std::function<void()> on_ready) {
  auto subscriber = std::make_shared<Subscriber>(next_subscriber_id_++, key, options,
                                                 std::move(on_ready), logger_);
  std::shared_ptr<StreamEntry> entry;
  {
    std::lock_guard lock(mutex_);
    entry = find_or_create(key);
    entry->attach(subscriber);
  }
  // A replayed cache is announced by the publisher's next push (bus.hpp: on_ready
  // comes from the publisher's thread); drain() right away to start sooner.
  logger_->debug("bus: stream {} subscriber {} attached", key.str(), subscriber->id());
  return std::make_unique<LocalSubscription>(shared_from_this(), std::move(entry),
                                             std::move(subscriber));
}

void StreamRegistry::unsubscribe(const std::shared_ptr<StreamEntry>& entry,
                                 const std::shared_ptr<Subscriber>& subscriber) {
  {
    std::lock_guard lock(mutex_);
    entry->detach(subscriber.get());
    forget_if_idle(entry);
  }
  logger_->debug("bus: stream {} subscriber {} detached", entry->key().str(), subscriber->id());
}

std::unique_ptr<Watch> StreamRegistry::watch(WatchFilter filter,
                                             std::function<void(const StreamEvent&)> on_event) {
  auto watcher = std::make_shared<Watcher>(std::move(filter), std::move(on_event));
  std::lock_guard events(events_mutex_);
  std::vector<StreamStatus> live;
  {
    std::lock_guard lock(mutex_);
    watchers_.push_back(watcher);
    for (const auto& [key, entry] : streams_) {
      if (!watcher->matches(key)) continue;
      auto status = entry->status();
      if (status.live) live.push_back(std::move(status));
    }
  }
  for (const auto& status : live)
    tell({watcher}, StreamEvent{.type = StreamEvent::Type::Published,
                                .key = status.key,
                                .info = status.info,
                                .generation = status.generation});
  return std::make_unique<LocalWatch>(shared_from_this(), std::move(watcher));
}

void StreamRegistry::unwatch(const Watcher* watcher) {
  std::lock_guard lock(mutex_);
  std::erase_if(watchers_, [&](const auto& w) { return w.get() == watcher; });
}

std::vector<StreamStatus> StreamRegistry::streams() const {
  std::lock_guard lock(mutex_);
  std::vector<StreamStatus> out;
  out.reserve(streams_.size());
  for (const auto& [key, entry] : streams_) out.push_back(entry->status());
  return out;
}

std::optional<StreamStatus> StreamRegistry::stream(const StreamKey& key) const {
  std::lock_guard lock(mutex_);
  const auto found = streams_.find(key);
  if (found == streams_.end()) return std::nullopt;
  return found->second->status();
}

void StreamRegistry::clear() {
  std::map<StreamKey, std::shared_ptr<StreamEntry>> dropped;
  {
    std::lock_guard lock(mutex_);
    dropped.swap(streams_);
    watchers_.clear();
  }
  for (const auto& [key, entry] : dropped) entry->clear();
  if (!dropped.empty()) logger_->info("bus: cleared {} streams", dropped.size());
}

std::shared_ptr<StreamEntry> StreamRegistry::find_or_create(const StreamKey& key) {
  auto& slot = streams_[key];
  if (!slot) slot = std::make_shared<StreamEntry>(key, gop_limits_, logger_);
  return slot;
}

void StreamRegistry::forget_if_idle(const std::shared_ptr<StreamEntry>& entry) {
  if (!entry->idle()) return;
  const auto found = streams_.find(entry->key());
  // After clear() the key may name a newer entry (or none): leave that alone.
  if (found != streams_.end() && found->second == entry) streams_.erase(found);
}

void StreamRegistry::tell(const WatcherList& watchers, const StreamEvent& event) {
  for (const auto& watcher : watchers) {
    if (!watcher->matches(event.key)) continue;
    if (watcher->callback.call(event) == CallResult::Threw)
      logger_->error("bus: stream {} watcher threw on {}; ignored", event.key.str(),
                     event.type == StreamEvent::Type::Published ? "publish" : "unpublish");
  }
}

}  // namespace streamgate::bus
