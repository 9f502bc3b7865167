#include "flv_scanner.hpp"

#include "streamgate/format/flv.hpp"

namespace streamgate::flvrecord {

FlvScanner::FlvScanner(IndexRules rules) : rules_(rules), indexer_(rules) {}

std::size_t FlvScanner::feed(std::span<const std::byte> bytes) {
  std::size_t used = 0;
  if (stopped()) return 0;
  if (!header_ok_) {
    auto header = flv::parse_file_header(bytes);
    if (header.need_more()) return 0;
    if (header.invalid()) {
      problem_ = header.error;
      return 0;
    }
    header_ok_ = true;
    has_audio_ = header.value.has_audio;
    has_video_ = header.value.has_video;
    indexer_.set_has_video(has_video_);
    used = header.consumed;
    offset_ = used;
  }
  while (used < bytes.size()) {
    auto tag = flv::read_tag(bytes.subspan(used));
    if (tag.need_more()) break;
    if (tag.invalid()) {
      problem_ = "invalid tag at offset " + std::to_string(offset_) + ": " + tag.error;
      break;
    }
    this->tag(std::uint8_t(tag.value.type), tag.value.body, tag.value.timestamp_ms);
    used += tag.consumed;
    offset_ += tag.consumed;
  }
  return used;
}

void FlvScanner::tag(std::uint8_t type, std::span<const std::byte> body,
                     std::uint32_t timestamp_ms) {
  const std::uint64_t position = offset_;
  const bool first = tags_++ == 0;
  switch (flv::TagType(type)) {
    case flv::TagType::Script:
      if (first && (metadata_ = decode_metadata(body))) {
        metadata_offset_ = position + flv::kTagHeaderSize;
        metadata_size_ = body.size();
        // The file's own reservation decides the index size.
        indexer_ = FileIndexer({metadata_->capacity, rules_.audio_index_interval_ms});
        indexer_.set_has_video(has_video_);
      }
      return;
    case flv::TagType::Video: {
      auto header = flv::parse_video_tag_header(body);
      // Configs, sequence ends and command frames are not frames; a header
      // we cannot read was still a whole tag and keeps its place.
      if (!header.ok() || header.value.sequence_header || header.value.sequence_end ||
          header.value.is_metadata)
        return;
      const bool key = header.value.frame_type == 1 || header.value.frame_type == 4;
      indexer_.frame(TrackKind::Video, key, position, timestamp_ms);
      return;
    }
    case flv::TagType::Audio: {
      auto header = flv::parse_audio_tag_header(body);
      if (!header.ok() || header.value.sequence_header) return;
      indexer_.frame(TrackKind::Audio, false, position, timestamp_ms);
      return;
    }
  }
}

std::optional<ResumePoint> FlvScanner::resume_point() const {
  if (!header_ok_ || !metadata_) return std::nullopt;
  return ResumePoint{offset_,        has_audio_, has_video_, metadata_offset_,
                     metadata_size_, *metadata_, indexer_};
}

}  // namespace streamgate::flvrecord
