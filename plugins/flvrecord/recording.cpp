#include "recording.hpp"

namespace streamgate::flvrecord {

namespace {

std::int64_t stream_ms(const MediaPacket& packet) {
  return std::chrono::floor<std::chrono::milliseconds>(packet.dts).count();
}

bool is_frame(const MediaPacket& packet) {
  return !packet.config && (packet.kind == TrackKind::Video || packet.kind == TrackKind::Audio);
}

}  // namespace

Recording::Recording(RecordingFiles& files, RecordingOptions options)
    : files_(files), options_(options), segmenter_(options.segments) {}

void Recording::resume(const ResumePoint& point) { resume_ = point; }

void Recording::remember(const MediaPacket& packet) {
  if (packet.kind == TrackKind::Video) stream_has_video_ = true;
  auto copy = [&] { return std::make_shared<const MediaPacket>(packet); };
  if (packet.kind == TrackKind::Data) {
    metadata_ = copy();
    // Video announced by the publisher: wait for a video keyframe to start.
    auto values = amf0::decode_all(packet.payload);
    if (values.ok() && values.value.size() == 2 &&
        announces(values.value[1].properties(), TrackKind::Video))
      stream_has_video_ = true;
  } else if (packet.config) {
    (packet.kind == TrackKind::Video ? video_config_ : audio_config_) = copy();
  }
}

// A file may open on any audio frame (audio that comes just before the
// first keyframe is kept) or on a video keyframe; video frames before the
// first keyframe are not decodable and the writer drops them anyway.
bool Recording::can_open_at(const MediaPacket& packet) const {
  return is_frame(packet) && (packet.kind == TrackKind::Audio || packet.keyframe);
}

void Recording::push(const MediaPacket& packet) {
  remember(packet);
  if (writer_) {
    Stamp stamp = timeline_->map(packet);
    const SegmentState state{stamp.timestamp_ms, writer_->size(), writer_->stats().frames > 0,
                             stream_has_video_};
    if (is_frame(packet) && segmenter_.should_cut(packet, state)) {
      close_file();
    } else {
      if (stamp.first_clamp)
        files_.note({RecordingNote::Type::TimestampClamped, std::int64_t(number_)});
      if (stamp.folded) files_.note({RecordingNote::Type::TimestampJump, stamp.jump_ms});
      if (writer_->write(packet, stamp.timestamp_ms)) return;
      files_.note({RecordingNote::Type::WriteFailed, std::int64_t(number_)});
      failed_at_ms_ = stream_ms(packet);
      close_file();
      return;
    }
  }
  // No file open: configs and metadata wait in remember(); after a failure
  // a new file is not tried before retry_after.
  if (!can_open_at(packet)) return;
  if (failed_at_ms_ && stream_ms(packet) - *failed_at_ms_ < options_.retry_after.count()) return;
  if (!open_file()) {
    failed_at_ms_ = stream_ms(packet);
    return;
  }
  failed_at_ms_.reset();
  Stamp stamp = timeline_->map(packet);
  segmenter_.file_started(stamp.timestamp_ms);
  if (!writer_->write(packet, stamp.timestamp_ms)) {
    files_.note({RecordingNote::Type::WriteFailed, std::int64_t(number_)});
    failed_at_ms_ = stream_ms(packet);
    close_file();
  }
}

bool Recording::open_file() {
  const std::uint32_t number = next_number_++;
  ByteSink* sink = files_.open(number);
  if (!sink) {
    files_.note({RecordingNote::Type::OpenFailed, std::int64_t(number)});
    return false;
  }
  number_ = number;
  writer_ = std::make_unique<FlvWriter>(*sink, options_.writer);
  TimelineOptions timeline{0, options_.jump_threshold_ms};
  if (resume_) {
    writer_->resume(*resume_);
    // Continue one frame after the existing media.
    timeline.start_ms = resume_->indexer.end_ms();
    resume_.reset();
  }
  timeline_.emplace(timeline);
  // The new file opens with what a decoder needs before `first`. Configs and
  // metadata take the file's first timestamp (Timeline gives them that).
  for (const auto& held : {metadata_, video_config_, audio_config_}) {
    if (held && !writer_->write(*held, timeline_->map(*held).timestamp_ms))
      break;  // the failure shows again on the first frame
  }
  return true;
}

void Recording::close_file() {
  if (!writer_) return;
  FileSummary summary{number_, writer_->size(), writer_->duration_ms(), writer_->stats().frames,
                      writer_->failed()};
  files_.close(writer_->finish(), summary);
  writer_.reset();
  timeline_.reset();
}

void Recording::end() { close_file(); }

}  // namespace streamgate::flvrecord
