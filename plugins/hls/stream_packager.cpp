#include "stream_packager.hpp"

#include <utility>

namespace streamgate::hls {

StreamPackager::StreamPackager(PackagerConfig config, std::string uri_prefix)
    : config_(config),
      uri_prefix_(std::move(uri_prefix)),
      segmenter_(config.segmenter),
      playlist_(config.playlist) {}

PackagerChanges StreamPackager::begin_publish(bool republish) {
  PackagerChanges changes;
  ended_ = false;
  publish(segmenter_.begin_publish(republish), changes);
  refresh_text(changes);
  return changes;
}

PackagerChanges StreamPackager::push(MediaTime dts, bool keyframe, const SharedBytes& payload,
                                     WallTime now, bool after_drop) {
  PackagerChanges changes;
  if (after_drop) publish(segmenter_.lost_media(), changes);
  auto result = segmenter_.push(dts, keyframe, payload, now);
  changes.unit = result.status;
  publish(std::move(result.completed), changes);
  refresh_text(changes);
  return changes;
}

PackagerChanges StreamPackager::end() {
  PackagerChanges changes;
  ended_ = true;
  publish(segmenter_.finish(), changes);
  if (config_.endlist_on_end) close_playlist(changes);
  refresh_text(changes);
  return changes;
}

PackagerChanges StreamPackager::add_endlist() {
  PackagerChanges changes;
  if (ended_) close_playlist(changes);
  refresh_text(changes);
  return changes;
}

void StreamPackager::close_playlist(PackagerChanges& changes) {
  if (playlist_.entries().empty() || playlist_.ended()) return;
  playlist_.end();
  changes.playlist_changed = true;
}

std::vector<std::uint64_t> StreamPackager::clear() {
  playlist_text_ = {};
  return window_.clear();
}

void StreamPackager::publish(std::optional<Segment> segment, PackagerChanges& changes) {
  if (!segment) return;
  std::vector<PlaylistEntry> removed;
  const std::uint64_t sequence = playlist_.append(segment->duration, segment->program_date_time,
                                                  segment->discontinuity, removed);
  auto expired = window_.add(sequence, segment->duration, segment->parts, segment->bytes);
  changes.expired.insert(changes.expired.end(), expired.begin(), expired.end());
  for (const PlaylistEntry& entry : removed) {
    // §6.2.2: available for its duration plus the longest playlist that held it.
    window_.retire(entry.sequence,
                   entry.duration + entry.duration + playlist_.total_duration());
    changes.left_playlist.push_back(entry.sequence);
  }
  changes.added.push_back({sequence, std::move(*segment)});
  changes.playlist_changed = true;
}

void StreamPackager::refresh_text(PackagerChanges& changes) {
  if (!changes.playlist_changed) return;
  playlist_text_ = SharedBytes::copy(playlist_.render(uri_prefix_));
}

}  // namespace streamgate::hls
