#pragma once
// Writes one playable, seekable FLV file from bus packets (FLV 10.1 Annex E):
//   header (flags of the tracks present) | onMetaData (reserved, rewritten at
//   close) | sequence headers | frames.
// Metadata and codec configs that arrive before the first frame are held, so
// the header flags and the metadata describe the tracks really present.
// Timestamps come from the caller (see Timeline); packets are relayed as
// their original FLV tag body when they have one.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "byte_sink.hpp"
#include "file_indexer.hpp"
#include "flv_metadata.hpp"
#include "flv_scanner.hpp"
#include "streamgate/media.hpp"

namespace streamgate::flvrecord {

struct FlvWriterOptions {
  /// Keyframes the metadata has room for (18 bytes each), and the audio-only
  /// index interval. 2000 covers 66 minutes at one keyframe every 2 s; a
  /// longer file's index is thinned evenly to fit. At most 30 000 (the AMF0
  /// decoder's element limit).
  IndexRules index;
};

/// The bytes that replace the reserved metadata at close: same size, so no
/// other byte of the file (nor any PreviousTagSize) changes.
struct MetadataRewrite {
  std::uint64_t offset = 0;  ///< file offset of the script tag body
  std::vector<std::byte> bytes;
};

struct WriterStats {
  std::uint64_t frames = 0;
  std::uint64_t dropped_before_keyframe = 0;  ///< video frames before the first keyframe
  std::uint64_t dropped_unwritable = 0;       ///< no FLV form, or over 16 MiB
};

class FlvWriter {
 public:
  explicit FlvWriter(ByteSink& sink, FlvWriterOptions options = {});

  /// Continues an existing file (append mode) that the sink appends to
  /// after `point.size`: header, metadata and index are the file's own.
  void resume(const ResumePoint& point);

  /// Adds one packet at file time `timestamp_ms`. False once a sink write
  /// has failed (the file is then over; every later call is refused).
  bool write(const MediaPacket& packet, std::uint32_t timestamp_ms);

  /// The metadata rewrite for a file that got at least one frame; nullopt
  /// when nothing was written (the file is empty) or a write failed.
  std::optional<MetadataRewrite> finish() const;

  bool started() const noexcept { return started_; }
  bool failed() const noexcept { return failed_; }
  bool has_video() const noexcept { return has_video_; }
  std::uint64_t size() const noexcept { return size_; }
  /// End of the media so far: the last timestamp plus that track's frame spacing.
  std::uint32_t duration_ms() const noexcept { return indexer_.end_ms(); }
  const KeyframeIndex& index() const noexcept { return indexer_.index(); }
  const WriterStats& stats() const noexcept { return stats_; }

 private:
  bool start(const MediaPacket& first, std::uint32_t timestamp_ms);
  bool write_tag(std::uint8_t type, std::span<const std::byte> body, std::uint32_t timestamp_ms);
  bool write_frame(const MediaPacket& packet, std::uint32_t timestamp_ms);
  amf0::Properties derived_metadata() const;

  ByteSink& sink_;
  FlvWriterOptions options_;
  FileIndexer indexer_;
  WriterStats stats_;
  bool started_ = false;
  bool failed_ = false;
  bool has_video_ = false;
  bool has_audio_ = false;
  bool video_key_seen_ = false;
  std::uint64_t size_ = 0;

  // Held until the first frame.
  std::optional<amf0::Properties> publisher_metadata_;
  std::shared_ptr<const MediaPacket> video_config_;
  std::shared_ptr<const MediaPacket> audio_config_;

  // Where the reserved metadata sits, to rebuild it at close.
  std::uint64_t metadata_offset_ = 0;
  std::size_t metadata_size_ = 0;
  amf0::Properties metadata_base_;
};

}  // namespace streamgate::flvrecord
