#pragma once
// Repair of a recording left unfinished by a crash (a `.part` file): keep
// every whole tag, drop a torn or garbled tail, and rebuild the closing
// metadata (duration, filesize, keyframes) for the bytes kept.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "flv_scanner.hpp"
#include "flv_writer.hpp"

namespace streamgate::flvrecord {

struct RepairPlan {
  bool usable = false;                     ///< false: not even the file header is whole
  std::uint64_t truncate_to = 0;           ///< keep [0, truncate_to)
  std::optional<MetadataRewrite> rewrite;  ///< when the file has the recorder's metadata
  std::uint32_t duration_ms = 0;
  std::size_t tags = 0;
  std::string problem;  ///< what was wrong with the tail; empty if it ended on a tag
};

/// The plan for a file of `file_size` bytes that `scanner` has been fed up
/// to where it stopped or the data ended.
RepairPlan plan_repair(const FlvScanner& scanner, std::uint64_t file_size);

/// The same for a file held in memory.
RepairPlan plan_repair(std::span<const std::byte> file);

}  // namespace streamgate::flvrecord
