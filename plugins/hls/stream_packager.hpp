#pragma once
// One stream's HLS state machine: segmenter → playlist → window. No I/O:
// events in (publish, unit, end), changes out for the adapter to serve, write
// to disk and log.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "playlist.hpp"
#include "segmenter.hpp"
#include "window.hpp"

namespace streamgate::hls {

struct PackagerConfig {
  SegmenterConfig segmenter;
  PlaylistConfig playlist;
  /// Append EXT-X-ENDLIST as soon as the stream ends (else add_endlist() does, later).
  bool endlist_on_end = true;
};

struct PublishedSegment {
  std::uint64_t sequence = 0;
  Segment segment;
};

/// What one event changed.
struct PackagerChanges {
  UnitStatus unit = UnitStatus::Invalid;       ///< push() only
  std::vector<PublishedSegment> added;         ///< new segments, in order
  std::vector<std::uint64_t> left_playlist;    ///< still served during their grace
  std::vector<std::uint64_t> expired;          ///< gone from memory (and due for deletion)
  bool playlist_changed = false;
};

class StreamPackager {
 public:
  /// `uri_prefix` is put before "{seq}.ts" in the served playlist.
  StreamPackager(PackagerConfig config, std::string uri_prefix);

  PackagerChanges begin_publish(bool republish);
  /// One unit of the mpegts stream; `after_drop`: the bus lost media before it.
  PackagerChanges push(MediaTime dts, bool keyframe, const SharedBytes& payload, WallTime now,
                       bool after_drop = false);
  /// The stream ended: the open segment is published (and ENDLIST added if configured).
  PackagerChanges end();
  /// Adds ENDLIST to the playlist of a stream that ended and has not come
  /// back (for an ENDLIST that waits for a returning encoder first).
  PackagerChanges add_endlist();
  /// Drops every segment (the stream is being removed).
  std::vector<std::uint64_t> clear();

  /// The playlist text as served, or empty before the first segment.
  const SharedBytes& playlist_text() const noexcept { return playlist_text_; }
  /// The playlist text with another URI prefix (for the disk copy).
  std::string render(std::string_view uri_prefix) const { return playlist_.render(uri_prefix); }
  /// The served playlist with `uri_suffix` after every segment URI (a token
  /// query the segment requests must carry too), or empty before the first segment.
  std::string playlist_text_with(std::string_view uri_suffix) const {
    return playlist_text_.empty() ? std::string() : playlist_.render(uri_prefix_, uri_suffix);
  }
  std::optional<std::vector<SharedBytes>> segment(std::uint64_t sequence) const {
    return window_.find(sequence);
  }

  const Playlist& playlist() const noexcept { return playlist_; }
  const SegmentWindow& window() const noexcept { return window_; }
  bool ended() const noexcept { return ended_; }

 private:
  void publish(std::optional<Segment> segment, PackagerChanges& changes);
  void refresh_text(PackagerChanges& changes);
  void close_playlist(PackagerChanges& changes);

  PackagerConfig config_;
  std::string uri_prefix_;
  Segmenter segmenter_;
  Playlist playlist_;
  SegmentWindow window_;
  SharedBytes playlist_text_;
  bool ended_ = false;
};

}  // namespace streamgate::hls
