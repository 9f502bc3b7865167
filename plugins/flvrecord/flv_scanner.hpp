#pragma once
// Reads an FLV file the recorder wrote, front to back, tag by tag, checking
// each tag header and PreviousTagSize, and rebuilds what the closing metadata
// needs (duration, keyframe index). Fed in chunks, so a large file never has
// to be in memory at once; it stops at the first tag that is torn or invalid.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "file_indexer.hpp"
#include "flv_metadata.hpp"

namespace streamgate::flvrecord {

/// Where a writer can continue an existing file (append mode).
struct ResumePoint {
  std::uint64_t size = 0;  ///< valid bytes: truncate the file here first
  bool has_audio = false;
  bool has_video = false;
  std::uint64_t metadata_offset = 0;  ///< body of the reserved onMetaData tag
  std::size_t metadata_size = 0;
  FileMetadata metadata;  ///< its base properties and capacity
  FileIndexer indexer;    ///< duration and index so far
};

class FlvScanner {
 public:
  explicit FlvScanner(IndexRules rules = {});

  /// Feeds the bytes after those already used; returns how many it used.
  /// Bytes not used (the start of a tag not yet complete) must be fed again
  /// with the following ones appended.
  std::size_t feed(std::span<const std::byte> bytes);

  /// True once the scan cannot continue: a bad file header or an invalid
  /// tag. Everything from valid_size() on is then garbage.
  bool stopped() const noexcept { return !problem_.empty(); }
  /// Why the scan stopped; empty while it can go on.
  const std::string& problem() const noexcept { return problem_; }

  bool header_ok() const noexcept { return header_ok_; }
  std::uint64_t valid_size() const noexcept { return offset_; }  ///< end of the last whole tag
  std::size_t tags() const noexcept { return tags_; }
  bool has_audio() const noexcept { return has_audio_; }
  bool has_video() const noexcept { return has_video_; }
  const FileIndexer& indexer() const noexcept { return indexer_; }
  /// The reserved metadata, when the first tag has the recorder's layout.
  const std::optional<FileMetadata>& metadata() const noexcept { return metadata_; }
  std::uint64_t metadata_offset() const noexcept { return metadata_offset_; }
  std::size_t metadata_size() const noexcept { return metadata_size_; }

  /// Where to continue writing; nullopt unless the file has our metadata.
  std::optional<ResumePoint> resume_point() const;

 private:
  void tag(std::uint8_t type, std::span<const std::byte> body, std::uint32_t timestamp_ms);

  IndexRules rules_;
  FileIndexer indexer_;
  std::string problem_;
  bool header_ok_ = false;
  bool has_audio_ = false;
  bool has_video_ = false;
  std::uint64_t offset_ = 0;
  std::size_t tags_ = 0;
  std::optional<FileMetadata> metadata_;
  std::uint64_t metadata_offset_ = 0;
  std::size_t metadata_size_ = 0;
};

}  // namespace streamgate::flvrecord
