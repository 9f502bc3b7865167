#pragma once
// One HLS media segment as the segmenter cuts it: a run of whole TS packets
// kept as the slices the MPEG-TS muxer produced (no copy), plus its timing.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "streamgate/bytes.hpp"
#include "streamgate/media.hpp"

namespace streamgate::hls {

using WallClock = std::chrono::system_clock;
using WallTime = WallClock::time_point;

/// Why a segment ended.
enum class CutReason : std::uint8_t {
  Invalid = 0,
  Fragment,     ///< a keyframe unit at or after the fragment duration
  MaxDuration,  ///< no keyframe came before max-fragment: forced
  MaxBytes,     ///< the segment reached its byte limit: forced
  MediaLost,    ///< the bus dropped media before the next unit; the next segment is discontinuous
  Jump,         ///< the timestamps jumped; the next segment is discontinuous
  Republish,    ///< the publisher came back; the next segment is discontinuous
  End,          ///< the stream ended
};

std::string_view to_string(CutReason reason) noexcept;

struct Segment {
  MediaTime start_dts{0};
  MediaTime duration{0};
  WallTime program_date_time{};  ///< wall clock when its first unit arrived
  bool discontinuity = false;    ///< EXT-X-DISCONTINUITY goes before it
  bool starts_with_keyframe = false;  ///< false when it opens with a PAT/PMT prefix instead
  CutReason end_reason = CutReason::Invalid;
  std::vector<SharedBytes> parts;  ///< the TS packets, in order
  std::size_t bytes = 0;           ///< sum of parts' sizes
};

}  // namespace streamgate::hls
