#include "keyframe_index.hpp"

namespace streamgate::flvrecord {

void KeyframeIndex::add(KeyframeEntry entry) {
  const bool take = seen_ % stride_ == 0;
  ++seen_;
  if (!take || capacity_ == 0) return;
  kept_.push_back(entry);
  if (kept_.size() <= 2 * capacity_) return;
  // Thin: keep entries 0, 2, 4, ... and take every 2*stride-th keyframe from
  // now on, so the spacing stays even.
  std::size_t out = 0;
  for (std::size_t i = 0; i < kept_.size(); i += 2) kept_[out++] = kept_[i];
  kept_.resize(out);
  stride_ *= 2;
}

std::vector<KeyframeEntry> KeyframeIndex::entries() const {
  if (kept_.size() <= capacity_) return kept_;
  std::vector<KeyframeEntry> out;
  out.reserve(capacity_);
  for (std::size_t i = 0; i < capacity_; ++i) out.push_back(kept_[i * kept_.size() / capacity_]);
  return out;
}

}  // namespace streamgate::flvrecord
