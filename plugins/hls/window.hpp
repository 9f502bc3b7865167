#pragma once
// The segments of one stream held in memory: those in the playlist plus those
// that left it recently, which players that loaded an older playlist may still
// ask for (RFC 8216 §6.2.2: available for the segment's duration plus the
// longest playlist containing it). Grace is measured in media time, so memory
// per stream stays bounded by the window whatever the wall clock does.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "segment.hpp"

namespace streamgate::hls {

class SegmentWindow {
 public:
  /// Hard cap on segments held (in the playlist or in grace).
  static constexpr std::size_t kMaxSegments = 2048;

  /// Stores a new segment's bytes (shared, not copied). Media time advances
  /// by `duration`; returns the sequences whose grace ran out (now dropped).
  std::vector<std::uint64_t> add(std::uint64_t sequence, MediaTime duration,
                                 std::vector<SharedBytes> parts, std::size_t bytes);
  /// The playlist dropped `sequence`: keep it `grace` more media time.
  void retire(std::uint64_t sequence, MediaTime grace);

  /// The bytes of segment `sequence`, or nullopt when it is not held.
  std::optional<std::vector<SharedBytes>> find(std::uint64_t sequence) const;
  bool contains(std::uint64_t sequence) const { return segments_.contains(sequence); }

  /// Drops everything; returns the sequences that were held.
  std::vector<std::uint64_t> clear();

  std::size_t size() const noexcept { return segments_.size(); }
  std::size_t bytes() const noexcept { return bytes_; }

 private:
  struct Stored {
    std::vector<SharedBytes> parts;
    std::size_t bytes = 0;
    std::optional<MediaTime> expires_at;  ///< set once retired, on the media clock
  };

  void drop(std::map<std::uint64_t, Stored>::iterator it, std::vector<std::uint64_t>& dropped);

  std::map<std::uint64_t, Stored> segments_;
  MediaTime clock_{0};  ///< sum of the durations added
  std::size_t bytes_ = 0;
};

}  // namespace streamgate::hls
