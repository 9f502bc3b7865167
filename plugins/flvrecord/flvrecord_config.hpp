#pragma once
// The flvrecord plugin's settings, parsed once from its <plugin> element.
// Each field's comment is the one-line documentation of its setting.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "recording.hpp"
#include "stream_filter.hpp"
#include "streamgate/config.hpp"

namespace streamgate::flvrecord {

struct FlvRecordConfig {
  /// apps: apps to record, comma or space separated; empty = every declared app.
  std::vector<std::string> apps;
  /// streams: stream-name patterns ('*' any run, '?' one character); empty = every stream.
  std::vector<std::string> streams;
  /// mode: "all" records every stream; "record" only streams published with type record or append.
  RecordMode mode = RecordMode::All;
  /// root: the folder recordings are written under (relative to the config file's folder).
  std::filesystem::path root = "recordings";
  /// file: file path under root; {app}, {stream}, {date} (YYYY-MM-DD), {time} (HH-MM-SS, UTC),
  /// {unix}. (Not "path": the host reads that one, the plugin library's own path.)
  std::string path_template = "{app}/{stream}-{date}-{time}.flv";
  /// max-duration: start a new file at the first keyframe past this duration; 0 = no limit.
  std::chrono::milliseconds max_duration{0};
  /// max-size: start a new file at the first keyframe past this size; 0 = no limit.
  std::uint64_t max_bytes = 0;
  /// flush-interval: how often written data is forced to the disk (what a crash may lose).
  std::chrono::milliseconds flush_interval{1000};
  /// queue-size: media of one stream waiting for the disk; past it, drop to the next keyframe.
  std::uint64_t max_queue_bytes = 16u << 20;
  /// queue-duration: the same bound in media time.
  std::chrono::milliseconds max_queue_duration{30000};
  /// retry-after: after a failed open or write, stream time before a new file is tried.
  std::chrono::milliseconds retry_after{2000};
  /// index-size: keyframes one file's seek index holds (a longer file's index is thinned evenly).
  std::size_t index_capacity = 2000;
  /// writer-threads: threads doing the recorder's disk I/O (never the network workers).
  std::size_t writer_threads = 1;

  StreamFilter filter() const { return StreamFilter(apps, streams, mode); }
  RecordingOptions recording() const {
    RecordingOptions options;
    options.writer.index.capacity = index_capacity;
    options.segments.max_duration = max_duration;
    options.segments.max_bytes = max_bytes;
    options.retry_after = retry_after;
    return options;
  }
};

/// Reads and checks the settings; throws ConfigError naming file and line.
FlvRecordConfig parse_flvrecord_config(const ConfigNode& node);

}  // namespace streamgate::flvrecord
