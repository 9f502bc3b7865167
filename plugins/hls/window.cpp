#include "window.hpp"

#include <utility>

namespace streamgate::hls {

std::vector<std::uint64_t> SegmentWindow::add(std::uint64_t sequence, MediaTime duration,
                                              std::vector<SharedBytes> parts, std::size_t bytes) {
  std::vector<std::uint64_t> dropped;
  if (auto old = segments_.find(sequence); old != segments_.end()) drop(old, dropped);
  segments_.emplace(sequence, Stored{std::move(parts), bytes, std::nullopt});
  bytes_ += bytes;
  clock_ += duration;

  for (auto it = segments_.begin(); it != segments_.end();) {
    const auto next = std::next(it);
    if (it->second.expires_at && *it->second.expires_at <= clock_) drop(it, dropped);
    it = next;
  }
  // Oldest first: sequences rise, so the map's order is age.
  while (segments_.size() > kMaxSegments) drop(segments_.begin(), dropped);
  return dropped;
}

void SegmentWindow::retire(std::uint64_t sequence, MediaTime grace) {
  if (auto it = segments_.find(sequence); it != segments_.end()) it->second.expires_at = clock_ + grace;
}

std::optional<std::vector<SharedBytes>> SegmentWindow::find(std::uint64_t sequence) const {
  const auto it = segments_.find(sequence);
  if (it == segments_.end()) return std::nullopt;
  return it->second.parts;
}

std::vector<std::uint64_t> SegmentWindow::clear() {
  std::vector<std::uint64_t> dropped;
  dropped.reserve(segments_.size());
  for (const auto& [sequence, stored] : segments_) dropped.push_back(sequence);
  segments_.clear();
  bytes_ = 0;
  return dropped;
}

void SegmentWindow::drop(std::map<std::uint64_t, Stored>::iterator it,
                         std::vector<std::uint64_t>& dropped) {
  bytes_ -= it->second.bytes;
  dropped.push_back(it->first);
  segments_.erase(it);
}

}  // namespace streamgate::hls
