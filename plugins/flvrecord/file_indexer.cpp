#include "file_indexer.hpp"

#include <algorithm>

namespace streamgate::flvrecord {

void FileIndexer::frame(TrackKind kind, bool keyframe, std::uint64_t position,
                        std::uint32_t timestamp_ms) {
  const bool video = kind == TrackKind::Video;
  if (video && keyframe) {
    index_.add({position, timestamp_ms});
  } else if (!video && !has_video_ &&
             (!audio_indexed_ ||
              timestamp_ms >= last_audio_index_ms_ + rules_.audio_index_interval_ms)) {
    index_.add({position, timestamp_ms});
    audio_indexed_ = true;
    last_audio_index_ms_ = timestamp_ms;
  }
  Clock& clock = video ? video_ : audio_;
  if (clock.seen && timestamp_ms > clock.last_ms) clock.spacing_ms = timestamp_ms - clock.last_ms;
  clock.seen = true;
  clock.last_ms = timestamp_ms;
  end_ms_ = std::max(end_ms_, timestamp_ms + clock.spacing_ms);
  last_ms_ = std::max(last_ms_, timestamp_ms);
}

}  // namespace streamgate::flvrecord
