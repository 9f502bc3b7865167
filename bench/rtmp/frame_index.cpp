#include "frame_index.hpp"

#include <algorithm>

namespace streamgate::bench {

std::uint64_t frame_fingerprint(std::span<const std::byte> body) noexcept {
  // FNV-1a over the size, the first 64 and the last 64 bytes: the start holds
  // the slice header (frame number), the end entropy-coded data.
  constexpr std::size_t kEdge = 64;
  constexpr std::uint64_t kPrime = 0x100000001b3ULL;
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  auto mix = [&](std::uint8_t byte) { hash = (hash ^ byte) * kPrime; };
  for (int shift = 0; shift < 32; shift += 8) mix(std::uint8_t(body.size() >> shift));
  const std::size_t head = std::min(kEdge, body.size());
  for (std::size_t i = 0; i < head; ++i) mix(std::uint8_t(body[i]));
  const std::size_t tail_from = std::max(head, body.size() - std::min(kEdge, body.size()));
  for (std::size_t i = tail_from; i < body.size(); ++i) mix(std::uint8_t(body[i]));
  return hash;
}

FrameIndex::FrameIndex(const FlvSource& source) : video_frames_(source.video_frames()) {
  for (const auto& frame : source.frames()) {
    if (!frame.video_frame) continue;
    auto [it, inserted] =
        by_fingerprint_.emplace(frame_fingerprint(frame.body), frame.video_ordinal);
    if (!inserted && it->second != kAmbiguous) {
      it->second = kAmbiguous;
      ambiguous_ += 2;
    } else if (!inserted) {
      ++ambiguous_;
    }
  }
}

std::optional<std::uint32_t> FrameIndex::find(std::span<const std::byte> body) const {
  auto it = by_fingerprint_.find(frame_fingerprint(body));
  if (it == by_fingerprint_.end() || it->second == kAmbiguous) return std::nullopt;
  return it->second;
}

SendLog::SendLog(std::uint32_t video_frames)
    : sent_us_(std::make_unique<std::atomic<std::int64_t>[]>(video_frames)) {
  for (std::uint32_t i = 0; i < video_frames; ++i) sent_us_[i].store(0);
}

}  // namespace streamgate::bench
