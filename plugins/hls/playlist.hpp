#pragma once
// An HLS media playlist (RFC 8216) for one live stream: the sliding window of
// segment entries and its text. No I/O.
//
// The invariants players rely on:
//  - EXT-X-TARGETDURATION is at least every EXTINF rounded to the nearest
//    integer (§4.3.3.1). It is a running maximum over the playlist's life,
//    seeded with the fragment duration, so it never decreases and in a steady
//    stream never changes (§6.2.1 forbids changing it).
//  - EXT-X-MEDIA-SEQUENCE is the sequence number of the first entry; numbers
//    only ever rise, across republishes too (§6.2.1).
//  - EXT-X-DISCONTINUITY-SEQUENCE counts the EXT-X-DISCONTINUITY tags that
//    slid out (§6.2.2).
//  - An entry is removed only while the playlist keeps at least three target
//    durations after it (§6.2.2).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "segment.hpp"

namespace streamgate::hls {

struct PlaylistConfig {
  /// Window length in segments; 0 means `max_duration` decides.
  std::size_t max_segments = 6;
  /// Window length in media time, used when max_segments is 0.
  MediaTime max_duration{0};
  /// The usual segment duration: seeds EXT-X-TARGETDURATION.
  MediaTime fragment{std::chrono::seconds(2)};
  /// Sequence number of the first segment.
  std::uint64_t first_sequence = 0;
};

struct PlaylistEntry {
  std::uint64_t sequence = 0;
  MediaTime duration{0};
  WallTime program_date_time{};
  bool discontinuity = false;
};

class Playlist {
 public:
  /// Hard cap on entries, whatever the configured window: bounds memory when
  /// a broken stream produces tiny segments.
  static constexpr std::size_t kMaxEntries = 1024;

  explicit Playlist(PlaylistConfig config);

  /// Appends a segment and returns its sequence number; entries that slid out
  /// of the window are appended to `removed`. Appending to an ended playlist
  /// reopens it (the publisher came back before it was removed).
  std::uint64_t append(MediaTime duration, WallTime program_date_time, bool discontinuity,
                       std::vector<PlaylistEntry>& removed);
  /// Marks the playlist complete (EXT-X-ENDLIST).
  void end() noexcept { ended_ = true; }
  bool ended() const noexcept { return ended_; }

  /// The playlist text; each URI is `uri_prefix` + sequence + ".ts" + `uri_suffix`
  /// (e.g. a query the segment requests must carry).
  std::string render(std::string_view uri_prefix, std::string_view uri_suffix = {}) const;

  const std::deque<PlaylistEntry>& entries() const noexcept { return entries_; }
  std::uint64_t media_sequence() const noexcept;
  std::uint64_t discontinuity_sequence() const noexcept { return discontinuity_sequence_; }
  std::int64_t target_duration_s() const noexcept { return target_duration_s_; }
  MediaTime total_duration() const noexcept { return total_; }

 private:
  PlaylistConfig config_;
  std::deque<PlaylistEntry> entries_;
  std::uint64_t next_sequence_;
  std::uint64_t discontinuity_sequence_ = 0;
  std::int64_t target_duration_s_;
  MediaTime total_{0};
  bool ended_ = false;
};

/// EXTINF's value: seconds with 3 decimals, rounded to the nearest millisecond.
std::string format_extinf(MediaTime duration);
/// That EXTINF value rounded to the nearest integer (halves up), as §4.3.3.1 compares it.
std::int64_t rounded_extinf_s(MediaTime duration) noexcept;
/// EXT-X-PROGRAM-DATE-TIME's value: ISO 8601 in UTC with milliseconds, e.g.
/// "2024-03-01T12:00:00.000Z" (§4.3.2.6).
std::string format_program_date_time(WallTime time);
/// `text` percent-encoded for use as one URI path segment (RFC 3986 unreserved kept).
std::string percent_encode_segment(std::string_view text);

}  // namespace streamgate::hls
