#pragma once
// One subscriber's bounded queue and its overflow policy. Not thread-safe: the
// Subscriber that owns it holds a mutex around every call.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "streamgate/bus.hpp"

namespace streamgate::bus {

struct QueueLimits {
  std::size_t max_bytes = 0;
  MediaTime max_duration{0};
};

struct OfferResult {
  bool became_non_empty = false;      // the queue went from empty to non-empty
  bool overflowed = false;            // this offer dropped queued media
  std::uint64_t dropped_packets = 0;  // dropped by this offer (queued ones and the offered one)
  std::uint64_t dropped_bytes = 0;
};

// Policy (bus.hpp): when a media packet would push the queue past its byte or
// duration bound, the queued media is dropped (StreamStart/StreamEnd items and
// the newest config per track and newest metadata stay), then incoming media is
// skipped until a keyframe of `resync` (the stream's video, or mux, track;
// TrackKind::Invalid resumes at once). The first media packet delivered after a
// drop is marked `after_drop`; config and metadata packets never are, since
// they are not part of the lost sequence.
class SubscriberQueue {
 public:
  explicit SubscriberQueue(QueueLimits limits) : limits_(limits) {}

  OfferResult offer(const PacketPtr& packet, TrackKind resync);
  /// A StreamStart item; its generation counts this queue's starts (1, 2, ...).
  OfferResult start(std::shared_ptr<const PublishInfo> info);
  OfferResult end();

  /// Moves every item into `out` (appending); returns how many.
  std::size_t drain(std::vector<BusItem>& out);
  /// Drops everything without counting it (bus shutdown).
  void clear();

  SubscriptionStats stats() const;
  bool empty() const { return items_.empty(); }

 private:
  bool would_overflow(const MediaPacket& packet) const;
  void drop_queued(OfferResult& result);
  OfferResult append(BusItem item);

  QueueLimits limits_;
  std::vector<BusItem> items_;
  std::size_t bytes_ = 0;          // payload bytes of every queued packet
  std::size_t packets_ = 0;        // queued packets of any kind
  std::size_t timed_packets_ = 0;  // queued packets that count for the duration bound
  MediaTime oldest_dts_{0};        // of the first of those
  std::uint64_t starts_ = 0;
  bool skipping_ = false;     // dropped; waiting for a resync point
  bool mark_next_ = false;    // the next delivered media packet gets after_drop
  SubscriptionStats totals_;  // delivered/dropped counters
};

/// Config records and metadata: kept across drops, not timed.
bool is_side_data(const MediaPacket& packet) noexcept;

}  // namespace streamgate::bus
