#include "bus/subscriber_queue.hpp"

#include <array>
#include <iterator>
#include <utility>

namespace streamgate::bus {

namespace {

constexpr std::size_t kTrackKinds = static_cast<std::size_t>(TrackKind::Mux) + 1;

std::size_t kind_index(TrackKind kind) {
  const auto index = static_cast<std::size_t>(kind);
  return index < kTrackKinds ? index : 0;
}

std::size_t payload_size(const BusItem& item) {
  return item.packet ? item.packet->payload.size() : 0;
}

}  // namespace

bool is_side_data(const MediaPacket& packet) noexcept {
  return packet.config || packet.kind == TrackKind::Data;
}

OfferResult SubscriberQueue::offer(const PacketPtr& packet, TrackKind resync) {
  OfferResult result;
  if (would_overflow(*packet)) drop_queued(result);
  const bool side = is_side_data(*packet);
  if (!side && skipping_) {
    const bool resync_point =
        resync == TrackKind::Invalid || (packet->kind == resync && packet->keyframe);
    if (!resync_point) {
      ++result.dropped_packets;
      result.dropped_bytes += packet->payload.size();
      ++totals_.dropped_packets;
      totals_.dropped_bytes += packet->payload.size();
      return result;
    }
    skipping_ = false;
  }
  BusItem item;
  item.type = BusItem::Type::Media;
  item.packet = packet;
  if (!side) item.after_drop = std::exchange(mark_next_, false);
  result.became_non_empty = append(std::move(item)).became_non_empty;
  return result;
}

OfferResult SubscriberQueue::start(std::shared_ptr<const PublishInfo> info) {
  BusItem item;
  item.type = BusItem::Type::StreamStart;
  item.generation = ++starts_;
  item.info = std::move(info);
  return append(std::move(item));
}

OfferResult SubscriberQueue::end() {
  BusItem item;
  item.type = BusItem::Type::StreamEnd;
  return append(std::move(item));
}

bool SubscriberQueue::would_overflow(const MediaPacket& packet) const {
  if (items_.empty()) return false;
  if (bytes_ + packet.payload.size() > limits_.max_bytes) return true;
  return !is_side_data(packet) && timed_packets_ > 0 &&
         packet.dts - oldest_dts_ > limits_.max_duration;
}

void SubscriberQueue::drop_queued(OfferResult& result) {
  // Of the side data only the newest record per track kind is still useful.
  std::array<std::size_t, kTrackKinds> newest_side;
  newest_side.fill(SIZE_MAX);
  for (std::size_t i = 0; i < items_.size(); ++i) {
    const auto& packet = items_[i].packet;
    if (packet && is_side_data(*packet)) newest_side[kind_index(packet->kind)] = i;
  }
  bool dropped_media = false;
  std::size_t kept = 0;
  bytes_ = 0;
  packets_ = 0;
  for (std::size_t i = 0; i < items_.size(); ++i) {
    auto& item = items_[i];
    const auto& packet = item.packet;
    const bool side = packet && is_side_data(*packet);
    if (!packet || (side && newest_side[kind_index(packet->kind)] == i)) {
      bytes_ += payload_size(item);
      packets_ += packet ? 1 : 0;
      if (kept != i) items_[kept] = std::move(item);
      ++kept;
      continue;
    }
    dropped_media = dropped_media || !side;
    ++result.dropped_packets;
    result.dropped_bytes += packet->payload.size();
  }
  items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(kept), items_.end());
  timed_packets_ = 0;
  totals_.dropped_packets += result.dropped_packets;
  totals_.dropped_bytes += result.dropped_bytes;
  if (dropped_media) {
    result.overflowed = true;
    skipping_ = true;
    mark_next_ = true;
  }
}

OfferResult SubscriberQueue::append(BusItem item) {
  OfferResult result{.became_non_empty = items_.empty()};
  if (const auto& packet = item.packet) {
    bytes_ += packet->payload.size();
    ++packets_;
    if (!is_side_data(*packet) && timed_packets_++ == 0) oldest_dts_ = packet->dts;
  }
  items_.push_back(std::move(item));
  return result;
}

std::size_t SubscriberQueue::drain(std::vector<BusItem>& out) {
  const std::size_t count = items_.size();
  totals_.delivered_packets += packets_;
  if (out.empty()) {
    out.swap(items_);  // hand over the buffer; the caller's empty one comes back
  } else {
    out.insert(out.end(), std::make_move_iterator(items_.begin()),
               std::make_move_iterator(items_.end()));
    items_.clear();
  }
  bytes_ = 0;
  packets_ = 0;
  timed_packets_ = 0;
  return count;
}

void SubscriberQueue::clear() {
  std::vector<BusItem>().swap(items_);
  bytes_ = 0;
  packets_ = 0;
  timed_packets_ = 0;
  skipping_ = false;
  mark_next_ = false;
}

SubscriptionStats SubscriberQueue::stats() const {
  SubscriptionStats out = totals_;
  out.queued_bytes = bytes_;
  out.queued_items = items_.size();
  return out;
}

}  // namespace streamgate::bus
