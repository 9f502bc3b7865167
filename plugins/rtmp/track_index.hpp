#pragma once
// Per-track state (last timestamps and the like) lives in arrays of three:
// video, audio, and everything else (data).

#include <cstddef>

#include "streamgate/media.hpp"

namespace streamgate::rtmp {

constexpr std::size_t kTrackSlots = 3;

constexpr std::size_t track_index(TrackKind kind) noexcept {
  switch (kind) {
    case TrackKind::Video:
      return 0;
    case TrackKind::Audio:
      return 1;
    default:
      return 2;
  }
}

}  // namespace streamgate::rtmp
