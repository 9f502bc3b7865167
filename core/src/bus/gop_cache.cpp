#include "bus/gop_cache.hpp"

namespace streamgate::bus {

GopCache::AddResult GopCache::add(const PacketPtr& packet) {
  if (packet->kind == TrackKind::Data) {
    metadata_ = packet;
    return AddResult::Cached;
  }
  if (packet->config) {
    const auto index = static_cast<std::size_t>(packet->kind);
    if (index >= kTrackKinds) return AddResult::Ignored;
    configs_[index] = packet;
    return AddResult::Cached;
  }
  const bool starts_gop =
      packet->keyframe && (packet->kind == TrackKind::Video || packet->kind == TrackKind::Mux);
  if (starts_gop) {
    gop_.clear();  // keeps capacity: no allocation per GOP in steady state
    gop_bytes_ = 0;
  } else if (gop_.empty()) {
    return AddResult::Ignored;  // no keyframe yet, or dropped until the next one
  } else if (gop_bytes_ + packet->payload.size() > limits_.max_bytes ||
             packet->dts - gop_.front()->dts > limits_.max_duration) {
    clear_gop();
    return AddResult::Overflowed;
  }
  gop_.push_back(packet);
  gop_bytes_ += packet->payload.size();
  return AddResult::Cached;
}

void GopCache::clear_gop() {
  gop_.clear();
  gop_bytes_ = 0;
}

void GopCache::clear() {
  metadata_.reset();
  configs_.fill(nullptr);
  std::vector<PacketPtr>().swap(gop_);
  gop_bytes_ = 0;
}

}  // namespace streamgate::bus
