#include "play_link.hpp"

#include <vector>

#include "feed.hpp"

namespace streamgate::rtmp {

namespace {

// A 200 ms coalescing window at 30 fps holds about 15 items.
constexpr std::size_t kMaxKeptItems = 64;

// One scratch list per thread rather than per player: a thousand idle
// players should not each keep a GOP's worth of slots. The bus may swap its
// queue's storage with this list's, so a late joiner's large one is freed
// here rather than handed on to the next player drained.
std::vector<BusItem>& scratch() {
  thread_local std::vector<BusItem> items;
  return items;
}

void release(std::vector<BusItem>& items) {
  items.clear();
  if (items.capacity() > kMaxKeptItems) items = {};
}

}  // namespace

PlayLink::Pumped& PlayLink::Pumped::operator+=(const Pumped& other) {
  items += other.items;
  dropped += other.dropped;
  video_frames += other.video_frames;
  other_media += other.other_media;
  notices += other.notices;
  joined_feed = joined_feed || other.joined_feed;
  return *this;
}

PlayLink::PlayLink(Session& session, std::uint32_t stream_id,
                   std::unique_ptr<Subscription> subscription, std::shared_ptr<Feed> feed,
                   const SubscribeOptions& bounds)
    : session_(session),
      stream_id_(stream_id),
      key_(subscription->key()),
      subscription_(std::move(subscription)),
      feed_(std::move(feed)),
      backlog_(bounds.max_queue_bytes,
               std::chrono::duration_cast<MediaTime>(bounds.max_queue_duration)) {
  feed_->add_joiner(*this);
}

PlayLink::~PlayLink() {
  if (joining())
    feed_->remove_joiner(*this);
  else
    feed_->detach(*this);
}

PlayLink::Pumped PlayLink::pump(ServerProtocol& protocol) {
  if (!joining()) return {};
  auto& items = scratch();
  items.clear();
  subscription_->drain(items);
  Pumped pumped = handle(protocol, items);
  if (!items.empty()) {
    const BusItem& last = items.back();
    last_packet_ = last.type == BusItem::Type::Media ? last.packet : nullptr;
  }
  release(items);
  // Both handed out this packet last (the same object: a packet is pushed
  // once and shared), so what the feed hands out next is what follows it.
  if (last_packet_ && last_packet_ == feed_->last_packet()) {
    subscription_.reset();
    last_packet_ = nullptr;
    feed_->remove_joiner(*this);
    feed_->attach(*this);
    pumped.joined_feed = true;
  }
  return pumped;
}

PlayLink::Pumped PlayLink::deliver(ServerProtocol& protocol, std::span<const BusItem> items,
                                   Bodies bodies) {
  return handle(protocol, items, bodies);
}

PlayLink::Pumped PlayLink::deliver_backlog(ServerProtocol& protocol) {
  if (backlog_.empty()) return {};
  auto& items = scratch();
  items.clear();
  backlog_.take(items);
  const Pumped pumped = handle(protocol, items);
  release(items);
  return pumped;
}

bool PlayLink::send(ServerProtocol& protocol, const MediaPacket& packet, const ChunkedBody* body,
                    bool chunked) {
  // A batch from the feed comes chunked (null: RTMP does not carry it).
  if (chunked) return body != nullptr && protocol.send_media(stream_id_, packet, *body);
  return protocol.send_media(stream_id_, packet);
}

PlayLink::Pumped PlayLink::handle(ServerProtocol& protocol, std::span<const BusItem> items,
                                  Bodies bodies) {
  Pumped pumped;
  pumped.items = items.size();
  for (std::size_t i = 0; i < items.size(); ++i) {
    const BusItem& item = items[i];
    switch (item.type) {
      case BusItem::Type::StreamStart:
        // The first start is the one Play.Start already announced.
        if (seen_stream_) {
          protocol.notify_published(stream_id_);
          ++pumped.notices;
        }
        seen_stream_ = true;
        break;
      case BusItem::Type::Media:
        seen_stream_ = true;
        if (item.after_drop) ++pumped.dropped;
        if (item.packet && send(protocol, *item.packet,
                                i < bodies.size() ? bodies[i].get() : nullptr, i < bodies.size())) {
          if (item.packet->kind == TrackKind::Video && !item.packet->config)
            ++pumped.video_frames;
          else
            ++pumped.other_media;
        }
        break;
      case BusItem::Type::StreamEnd:
        seen_stream_ = true;
        protocol.notify_unpublished(stream_id_);
        ++pumped.notices;
        break;
      case BusItem::Type::Invalid:
        break;
    }
  }
  return pumped;
}

}  // namespace streamgate::rtmp
