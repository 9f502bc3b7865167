#include "segmenter.hpp"

#include <algorithm>
#include <utility>

namespace streamgate::hls {

namespace {

constexpr std::size_t kTsPacketSize = 188;
constexpr std::byte kTsSyncByte{0x47};
// A segment always lasts at least this long, so no EXTINF reads 0.000.
constexpr MediaTime kMinSegmentDuration{std::chrono::milliseconds(1)};

// ISO/IEC 13818-1 §2.4.3.2: sync_byte(8) TEI(1) PUSI(1) priority(1) PID(13) ...
std::uint16_t pid_of_first_packet(const SharedBytes& payload) noexcept {
  return static_cast<std::uint16_t>((std::to_integer<unsigned>(payload[1]) & 0x1fu) << 8 |
                                    std::to_integer<unsigned>(payload[2]));
}

}  // namespace

std::string_view to_string(CutReason reason) noexcept {
  switch (reason) {
    case CutReason::Invalid: return "invalid";
    case CutReason::Fragment: return "fragment";
    case CutReason::MaxDuration: return "max-duration";
    case CutReason::MaxBytes: return "max-bytes";
    case CutReason::MediaLost: return "media-lost";
    case CutReason::Jump: return "timestamp-jump";
    case CutReason::Republish: return "republish";
    case CutReason::End: return "end";
  }
  return "unknown";
}

std::string_view to_string(UnitStatus status) noexcept {
  switch (status) {
    case UnitStatus::Invalid: return "invalid";
    case UnitStatus::Accepted: return "accepted";
    case UnitStatus::WaitingForKeyframe: return "waiting-for-keyframe";
    case UnitStatus::Malformed: return "malformed";
  }
  return "unknown";
}

Segmenter::Segmenter(SegmenterConfig config) : config_(config) {}

bool Segmenter::whole_ts_packets(const SharedBytes& payload) noexcept {
  if (payload.empty() || payload.size() % kTsPacketSize != 0) return false;
  for (std::size_t at = 0; at < payload.size(); at += kTsPacketSize)
    if (payload[at] != kTsSyncByte) return false;
  return true;
}

bool Segmenter::is_jump(MediaTime delta, WallTime now) const noexcept {
  if (delta < -kGapTolerance) return true;
  // Never let one gap make a segment longer than max-fragment.
  if (delta > config_.max_fragment) return true;
  // A pause in which the timestamps kept up with the wall clock is not a jump.
  if (delta > kGapTolerance)
    return delta > std::chrono::duration_cast<MediaTime>(now - last_wall_) + kGapTolerance;
  return false;
}

Segmenter::PushResult Segmenter::push(MediaTime dts, bool keyframe, const SharedBytes& payload,
                                      WallTime now) {
  PushResult result;
  if (!whole_ts_packets(payload) ||
      (keyframe && (payload.size() < kPsiPrefixBytes || pid_of_first_packet(payload) != 0))) {
    result.status = UnitStatus::Malformed;
    return result;
  }

  if (last_dts_) {
    const MediaTime delta = dts - *last_dts_;
    if (is_jump(delta, now)) {
      result.completed = close_after_last(CutReason::Jump);
      if (emitted_any_) next_discontinuous_ = true;
      forget_timing();
    } else if (delta > MediaTime::zero()) {
      spacing_ = spacing_ == MediaTime::zero() ? delta : spacing_ + (delta - spacing_) / 8;
    }
  }
  if (keyframe) latest_psi_ = payload.slice(0, kPsiPrefixBytes);

  if (open_) {
    const MediaTime elapsed = dts - open_->start_dts;
    if (keyframe && elapsed >= config_.fragment)
      result.completed = close(dts, CutReason::Fragment);
    else if (elapsed >= config_.max_fragment)
      result.completed = close(dts, CutReason::MaxDuration);
    else if (open_->bytes + payload.size() > config_.max_segment_bytes)
      result.completed = close(dts, CutReason::MaxBytes);
  }

  result.status = UnitStatus::Accepted;
  if (open_) {
    open_->parts.push_back(payload);
    open_->bytes += payload.size();
  } else if (keyframe || !latest_psi_.empty()) {
    // Without a keyframe a segment may only open after one was cut short
    // (forced cut, jump, lost media): it then starts with the latest PAT+PMT.
    open_segment(dts, keyframe, payload, now);
  } else {
    result.status = UnitStatus::WaitingForKeyframe;
  }

  last_dts_ = last_dts_ ? std::max(*last_dts_, dts) : dts;
  last_wall_ = now;
  return result;
}

std::optional<Segment> Segmenter::begin_publish(bool republish) {
  auto out = close_after_last(CutReason::Republish);
  if (emitted_any_ && (republish || out)) next_discontinuous_ = true;
  forget_timing();
  latest_psi_ = {};  // a new publisher may bring other tracks
  return out;
}

std::optional<Segment> Segmenter::lost_media() {
  auto out = close_after_last(CutReason::MediaLost);
  if (emitted_any_) next_discontinuous_ = true;
  forget_timing();
  return out;
}

std::optional<Segment> Segmenter::finish() {
  auto out = close_after_last(CutReason::End);
  if (emitted_any_) next_discontinuous_ = true;
  forget_timing();
  latest_psi_ = {};
  return out;
}

void Segmenter::open_segment(MediaTime dts, bool keyframe, const SharedBytes& payload,
                             WallTime now) {
  Segment& segment = open_.emplace();
  segment.start_dts = dts;
  segment.program_date_time = now;
  segment.discontinuity = std::exchange(next_discontinuous_, false);
  segment.starts_with_keyframe = keyframe;
  if (!keyframe) {
    segment.parts.push_back(latest_psi_);
    segment.bytes += latest_psi_.size();
  }
  segment.parts.push_back(payload);
  segment.bytes += payload.size();
}

Segment Segmenter::close(MediaTime end_dts, CutReason reason) {
  Segment segment = std::move(*open_);
  open_.reset();
  segment.duration = std::max(end_dts - segment.start_dts, kMinSegmentDuration);
  segment.end_reason = reason;
  emitted_any_ = true;
  return segment;
}

std::optional<Segment> Segmenter::close_after_last(CutReason reason) {
  if (!open_ || !last_dts_) return std::nullopt;
  return close(*last_dts_ + spacing_, reason);
}

void Segmenter::forget_timing() noexcept {
  last_dts_.reset();
  spacing_ = MediaTime::zero();
}

}  // namespace streamgate::hls
