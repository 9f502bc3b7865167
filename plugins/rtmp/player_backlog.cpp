#include "player_backlog.hpp"

#include <array>
#include <iterator>

namespace streamgate::rtmp {

namespace {

// Codec configs and metadata: kept across a drop (the player needs the
// newest ones to decode what follows), never timed.
bool side_data(const MediaPacket& packet) noexcept {
  return packet.config || packet.kind == TrackKind::Data;
}

constexpr std::size_t kKinds = static_cast<std::size_t>(TrackKind::Mux) + 1;

std::size_t kind_slot(TrackKind kind) noexcept {
  const auto slot = static_cast<std::size_t>(kind);
  return slot < kKinds ? slot : 0;
}

}  // namespace

void PlayerBacklog::add(std::span<const BusItem> items) {
  for (const BusItem& item : items) add(item);
}

void PlayerBacklog::add(const BusItem& item) {
  const MediaPacket* packet = item.type == BusItem::Type::Media ? item.packet.get() : nullptr;
  if (packet == nullptr) {  // a notice
    items_.push_back(item);
    return;
  }
  const bool side = side_data(*packet);
  if (!side && packet->kind == TrackKind::Video) has_video_ = true;
  if (!side && would_overflow(*packet)) drop();
  if (!side && skipping_) {
    const bool resume = !has_video_ || (packet->kind == TrackKind::Video && packet->keyframe);
    if (!resume) {
      ++dropped_;
      return;
    }
    skipping_ = false;
  }
  items_.push_back(item);
  if (!side) {
    if (mark_next_) items_.back().after_drop = true;
    mark_next_ = false;
    if (timed_++ == 0) oldest_dts_ = packet->dts;
  }
  bytes_ += packet->payload.size();
}

bool PlayerBacklog::would_overflow(const MediaPacket& packet) const {
  if (items_.empty()) return false;
  if (bytes_ + packet.payload.size() > max_bytes_) return true;
  return timed_ > 0 && packet.dts - oldest_dts_ > max_duration_;
}

void PlayerBacklog::drop() {
  std::array<std::size_t, kKinds> newest;  // per kind, the last side item
  newest.fill(SIZE_MAX);
  for (std::size_t i = 0; i < items_.size(); ++i)
    if (const auto& p = items_[i].packet; p && side_data(*p)) newest[kind_slot(p->kind)] = i;
  std::vector<BusItem> kept;
  bytes_ = 0;
  for (std::size_t i = 0; i < items_.size(); ++i) {
    const auto& p = items_[i].packet;
    if (p && !(side_data(*p) && newest[kind_slot(p->kind)] == i)) {
      dropped_ += side_data(*p) ? 0 : 1;
      continue;
    }
    if (p) bytes_ += p->payload.size();
    kept.push_back(std::move(items_[i]));
  }
  items_.swap(kept);
  timed_ = 0;
  skipping_ = true;
  mark_next_ = true;
}

std::size_t PlayerBacklog::take(std::vector<BusItem>& out) {
  const std::size_t count = items_.size();
  out.insert(out.end(), std::make_move_iterator(items_.begin()),
             std::make_move_iterator(items_.end()));
  // A backlog is the exception: its storage is not kept.
  std::vector<BusItem>().swap(items_);
  bytes_ = 0;
  timed_ = 0;
  return count;
}

}  // namespace streamgate::rtmp
