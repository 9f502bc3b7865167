#pragma once
// What a late joiner needs before live packets: the newest metadata, the newest
// codec config per track kind, and the packets since the last keyframe.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "streamgate/media.hpp"

namespace streamgate::bus {

/// Bounds of one stream's cached GOP. A GOP that outgrows either is dropped
/// and caching resumes at the next keyframe.
struct GopLimits {
  std::size_t max_bytes = 32u << 20;               ///< payload bytes
  std::chrono::milliseconds max_duration{30'000};  ///< last minus first cached DTS
};

class GopCache {
 public:
  explicit GopCache(GopLimits limits) : limits_(limits) {}

  enum class AddResult : std::uint8_t { Invalid = 0, Cached, Ignored, Overflowed };

  /// Remembers `packet` if a late joiner needs it. Video and mux keyframes
  /// start a new GOP; streams without them cache no GOP at all.
  AddResult add(const PacketPtr& packet);

  /// Calls `sink(const PacketPtr&)` for every cached packet in replay order:
  /// metadata, configs (video, audio, mux), then the GOP.
  template <class Sink>
  void replay(Sink&& sink) const {
    if (metadata_) sink(metadata_);
    for (const auto& config : configs_)
      if (config) sink(config);
    for (const auto& packet : gop_) sink(packet);
  }

  void clear();

  std::size_t gop_packets() const { return gop_.size(); }
  std::size_t gop_bytes() const { return gop_bytes_; }

 private:
  void clear_gop();

  static constexpr std::size_t kTrackKinds = static_cast<std::size_t>(TrackKind::Mux) + 1;

  GopLimits limits_;
  PacketPtr metadata_;
  std::array<PacketPtr, kTrackKinds> configs_;  // indexed by TrackKind
  std::vector<PacketPtr> gop_;                  // from a keyframe on, or empty
  std::size_t gop_bytes_ = 0;
};

}  // namespace streamgate::bus
