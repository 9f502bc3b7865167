#include "hls_config.hpp"

#include <algorithm>
#include <chrono>

namespace streamgate::hls {

using std::chrono::milliseconds;
using std::chrono::seconds;

HlsConfig parse_hls_config(const ConfigNode& node) {
  HlsConfig config;
  config.apps = node.list("apps");
  config.fragment = node.duration("fragment", config.fragment, milliseconds(500), seconds(60));
  config.max_fragment =
      node.duration("max-fragment", std::max(config.max_fragment, 3 * config.fragment),
                    milliseconds(500), seconds(300));
  if (config.max_fragment < config.fragment)
    node.fail("max-fragment", "must not be shorter than fragment");

  if (auto length = node.optional_string("playlist-length")) {
    const bool count = !length->empty() && std::all_of(length->begin(), length->end(), [](char c) {
      return c >= '0' && c <= '9';
    });
    if (count) {
      const auto segments = node.integer("playlist-length", 6, 1, Playlist::kMaxEntries);
      config.playlist_segments = static_cast<std::size_t>(segments);
    } else {
      config.playlist_duration =
          node.duration("playlist-length", seconds(12), seconds(1), std::chrono::hours(1));
      config.playlist_segments = 0;
    }
  }

  const auto on_end = node.one_of("on-end", "endlist", {"endlist", "remove"});
  config.on_end = on_end == "remove" ? EndMode::Remove : EndMode::Endlist;
  config.end_delay = node.duration("end-delay", config.end_delay, milliseconds(0), std::chrono::hours(24));
  config.endlist_delay =
      node.duration("endlist-delay", config.endlist_delay, milliseconds(0), std::chrono::hours(1));

  config.disk = node.boolean("disk", false);
  // "folder", not "path": <plugin path="…"> is the host's (the plugin library's file).
  // Relative folders are relative to the working folder, like every path in the config.
  if (auto folder = node.optional_string("folder"))
    config.disk_path = std::filesystem::path(*folder).lexically_normal();
  if (config.disk && config.disk_path.empty()) node.fail("folder", "is required when disk is on");

  config.segment_max_age = seconds(
      node.integer("segment-max-age", config.segment_max_age.count(), 0, 365LL * 24 * 3600));
  config.max_segment_bytes =
      node.bytes("max-segment-size", config.max_segment_bytes, 1u << 20, 1ull << 30);
  return config;
}

}  // namespace streamgate::hls
