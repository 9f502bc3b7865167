#pragma once
// Where the FLV writer's bytes go. The adapter appends them to a file; tests
// collect them in memory. Gathered so a tag's header, body and trailer reach
// the file without being copied together first.

#include <cstddef>
#include <span>

namespace streamgate::flvrecord {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  /// Appends `parts` in order. False when the write failed (disk full, ...):
  /// the caller must then treat the file as ended.
  virtual bool append(std::span<const std::span<const std::byte>> parts) = 0;
};

}  // namespace streamgate::flvrecord
