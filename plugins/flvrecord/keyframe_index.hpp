#pragma once
// The seek index of one FLV file: where each keyframe tag starts and when.
// Written into onMetaData as keyframes.filepositions / keyframes.times.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace streamgate::flvrecord {

struct KeyframeEntry {
  std::uint64_t position = 0;  ///< file offset of the keyframe's tag header
  std::uint32_t time_ms = 0;   ///< its tag timestamp

  friend bool operator==(const KeyframeEntry&, const KeyframeEntry&) = default;
};

/// Keeps at most 2 x `capacity` entries however long the recording: past
/// that, every other entry is dropped and only every second later keyframe is
/// taken (the stride doubles), so what remains stays evenly spread.
class KeyframeIndex {
 public:
  explicit KeyframeIndex(std::size_t capacity) : capacity_(capacity) {}

  void add(KeyframeEntry entry);

  /// At most `capacity` entries, evenly chosen, the first always kept.
  std::vector<KeyframeEntry> entries() const;

  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t seen() const noexcept { return seen_; }  ///< keyframes offered so far
  bool empty() const noexcept { return kept_.empty(); }
  const KeyframeEntry& last() const { return kept_.back(); }

 private:
  std::size_t capacity_;
  std::size_t stride_ = 1;
  std::size_t seen_ = 0;
  std::vector<KeyframeEntry> kept_;
};

}  // namespace streamgate::flvrecord
