#pragma once
// Cuts the MPEG-TS plugin's units into HLS segments. No I/O: units in,
// finished segments out.
//
// Input contract (the mpegts variant on the bus): each unit is whole 188-byte
// TS packets with the DTS of its first access unit; `keyframe` marks a unit
// where a segment may start (PAT, PMT, then a video keyframe, or for
// audio-only streams at least every 500 ms).
//
// Rules:
//  - a segment starts at a keyframe unit and is cut at the first keyframe unit
//    at or after `fragment`; audio-only streams get keyframe units often, so
//    they are cut by time the same way;
//  - past `max_fragment` (or `max_segment_bytes`) without a keyframe unit, the
//    segment is cut anyway and the next one opens with the latest PAT+PMT;
//  - a timestamp jump (backwards, or forwards by more than the wall clock
//    explains, or by more than max_fragment) ends the segment and marks the
//    next one discontinuous; so does a republish;
//  - durations come from unit DTS; a segment that ends without a following
//    unit (jump, republish, end) lasts until its last unit plus the usual unit
//    spacing.

#include <cstddef>
#include <cstdint>
#include <optional>

#include "segment.hpp"

namespace streamgate::hls {

struct SegmenterConfig {
  MediaTime fragment{std::chrono::seconds(2)};
  MediaTime max_fragment{std::chrono::seconds(6)};
  std::size_t max_segment_bytes = 64u << 20;
};

enum class UnitStatus : std::uint8_t {
  Invalid = 0,
  Accepted,
  WaitingForKeyframe,  ///< dropped: no segment is open and this unit cannot start one
  Malformed,           ///< dropped: not whole TS packets, or a keyframe unit without PAT first
};

std::string_view to_string(UnitStatus status) noexcept;

class Segmenter {
 public:
  /// Steps between consecutive units larger than this are checked against the
  /// wall clock; backward steps larger than this are always a jump.
  static constexpr MediaTime kGapTolerance{std::chrono::seconds(1)};
  /// The PAT and PMT packets that open a keyframe unit.
  static constexpr std::size_t kPsiPrefixBytes = 2 * 188;

  explicit Segmenter(SegmenterConfig config);

  struct PushResult {
    UnitStatus status = UnitStatus::Invalid;
    std::optional<Segment> completed;  ///< a segment this unit finished, if any
  };

  PushResult push(MediaTime dts, bool keyframe, const SharedBytes& payload, WallTime now);

  /// The publisher (re)started. A republish ends the open segment and makes
  /// the next one discontinuous.
  std::optional<Segment> begin_publish(bool republish);
  /// Media was lost before the next unit (the bus queue overflowed): ends the
  /// open segment; the next one is discontinuous.
  std::optional<Segment> lost_media();
  /// The stream ended: returns the open segment, if any.
  std::optional<Segment> finish();

  bool has_open_segment() const noexcept { return open_.has_value(); }
  const SegmenterConfig& config() const noexcept { return config_; }

 private:
  static bool whole_ts_packets(const SharedBytes& payload) noexcept;
  bool is_jump(MediaTime delta, WallTime now) const noexcept;
  void open_segment(MediaTime dts, bool keyframe, const SharedBytes& payload, WallTime now);
  /// Ends the open segment at `end_dts`.
  Segment close(MediaTime end_dts, CutReason reason);
  /// Ends the open segment after its last unit (no following unit to measure against).
  std::optional<Segment> close_after_last(CutReason reason);
  void forget_timing() noexcept;

  SegmenterConfig config_;
  std::optional<Segment> open_;
  bool next_discontinuous_ = false;
  bool emitted_any_ = false;
  SharedBytes latest_psi_;  ///< PAT+PMT of the latest keyframe unit
  std::optional<MediaTime> last_dts_;  ///< highest DTS seen since the last reset
  WallTime last_wall_{};
  MediaTime spacing_{0};  ///< running mean of the forward steps between units
};

}  // namespace streamgate::hls
