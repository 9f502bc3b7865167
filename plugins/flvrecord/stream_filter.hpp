#pragma once
// Which streams the recorder records: by app, by stream-name pattern, and by
// how the publisher asked to publish (RTMP publish type live/record/append).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "streamgate/bus.hpp"

namespace streamgate::flvrecord {

enum class RecordMode : std::uint8_t {
  Invalid = 0,
  All,     ///< every stream that passes the app and name filters
  Record,  ///< only streams published with type record or append
};

/// '*' matches any run of characters (none included), '?' exactly one byte;
/// everything else matches itself. Case-sensitive, like stream names.
bool matches_pattern(std::string_view pattern, std::string_view name);

class StreamFilter {
 public:
  StreamFilter(std::vector<std::string> apps, std::vector<std::string> name_patterns,
               RecordMode mode);

  /// App in the list (or the list empty) and name matching a pattern (or none given).
  bool wants_stream(const StreamKey& key) const;
  /// Whether this publish of a wanted stream is recorded (mode).
  bool wants_publish(const PublishInfo& info) const;

  const std::vector<std::string>& apps() const noexcept { return apps_; }

 private:
  std::vector<std::string> apps_;
  std::vector<std::string> name_patterns_;
  RecordMode mode_;
};

}  // namespace streamgate::flvrecord
