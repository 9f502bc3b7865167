#pragma once
// Bus items held for one player while its socket is full. A player fed by
// its worker's Feed has no bus queue of its own, so this is where a slow
// player's backlog waits, bounded the way the bus bounds a subscriber's
// queue (SubscribeOptions: bytes and media time): past the bound the held
// media is dropped, except the newest codec config per track, the newest
// metadata and the (un)publish notices, and the player resumes at the next
// video keyframe (at once in a stream without video). The first media item
// after a drop is marked after_drop.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "streamgate/bus.hpp"

namespace streamgate::rtmp {

class PlayerBacklog {
 public:
  PlayerBacklog(std::size_t max_bytes, MediaTime max_duration)
      : max_bytes_(max_bytes), max_duration_(max_duration) {}

  /// Appends copies of `items` (the packets are shared, not copied).
  void add(std::span<const BusItem> items);
  /// Moves everything held into `out` (appending); returns how many.
  std::size_t take(std::vector<BusItem>& out);

  bool empty() const noexcept { return items_.empty(); }
  std::size_t bytes() const noexcept { return bytes_; }
  /// Media packets dropped so far.
  std::uint64_t dropped() const noexcept { return dropped_; }

 private:
  void add(const BusItem& item);
  bool would_overflow(const MediaPacket& packet) const;
  void drop();

  std::size_t max_bytes_;
  MediaTime max_duration_;
  std::vector<BusItem> items_;
  std::size_t bytes_ = 0;    // payload bytes held
  std::size_t timed_ = 0;    // held media that counts for the duration bound
  MediaTime oldest_dts_{0};  // of the first of those
  bool has_video_ = false;   // the stream has video: resume at a keyframe of it
  bool skipping_ = false;    // dropped; waiting for the point to resume at
  bool mark_next_ = false;   // the next media item held gets after_drop
  std::uint64_t dropped_ = 0;
};

}  // namespace streamgate::rtmp
