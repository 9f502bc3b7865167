#pragma once
// The hls plugin's settings, parsed once from its <plugin> element.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "stream_packager.hpp"
#include "streamgate/config.hpp"

namespace streamgate::hls {

enum class EndMode : std::uint8_t {
  Invalid = 0,
  Endlist,  ///< add EXT-X-ENDLIST; the finished playlist stays for end-delay
  Remove,   ///< leave the playlist as it was; it disappears after end-delay
};

struct HlsConfig {
  /// apps: apps to package (comma/space separated); empty = every declared app.
  std::vector<std::string> apps;
  /// fragment: target segment duration; a segment is cut at the first keyframe at or after it.
  std::chrono::milliseconds fragment{2000};
  /// max-fragment: a segment is cut without a keyframe once it is this long (default 3 x fragment).
  std::chrono::milliseconds max_fragment{6000};
  /// playlist-length: the live window, "6" (segments) or "30s" (time); at least 3 target durations.
  std::size_t playlist_segments = 6;
  std::chrono::milliseconds playlist_duration{0};  ///< set instead of playlist_segments for "30s"
  /// on-end: "endlist" (finish the playlist with EXT-X-ENDLIST) or "remove" (leave it, then remove it).
  EndMode on_end = EndMode::Endlist;
  /// end-delay: how long an ended stream's playlist and segments stay (memory and disk).
  std::chrono::milliseconds end_delay{30000};
  /// endlist-delay: with on-end="endlist", how long the playlist stays open for an
  /// encoder that reconnects before EXT-X-ENDLIST is added (a player that loaded
  /// ENDLIST stops for good).
  std::chrono::milliseconds endlist_delay{10000};
  /// disk: also write playlists and segments to `path` (segment first, then playlist; atomic renames).
  bool disk = false;
  /// folder: the output folder for disk mode (relative paths are relative to the working folder).
  std::filesystem::path disk_path;
  /// segment-max-age: Cache-Control max-age of segments (they never change: immutable).
  std::chrono::seconds segment_max_age{86400};
  /// max-segment-size: a segment is cut at this size whatever its duration (bounds memory).
  std::uint64_t max_segment_bytes = 64u << 20;

  PackagerConfig packager() const {
    PackagerConfig packager;
    packager.segmenter.fragment = fragment;
    packager.segmenter.max_fragment = max_fragment;
    packager.segmenter.max_segment_bytes = static_cast<std::size_t>(max_segment_bytes);
    packager.playlist.max_segments = playlist_segments;
    packager.playlist.max_duration = playlist_duration;
    packager.playlist.fragment = fragment;
    packager.endlist_on_end = on_end == EndMode::Endlist && endlist_delay.count() == 0;
    return packager;
  }
};

/// Reads and checks the settings; throws ConfigError naming file and line.
HlsConfig parse_hls_config(const ConfigNode& node);

}  // namespace streamgate::hls
