#pragma once
// The publisher's media: an FLV file read once into memory as RTMP message
// bodies, with what the load tool needs to know about each tag.

#include <cstdint>
#include <filesystem>
#include <vector>

#include "message.hpp"
#include "streamgate/bytes.hpp"

namespace streamgate::bench {

struct SourceFrame {
  rtmp::MessageType type = rtmp::MessageType::Invalid;  ///< Audio, Video or DataAmf0
  std::int64_t timestamp_ms = 0;                        ///< rebased: the file's first tag is at 0
  SharedBytes body;  ///< the FLV tag body = the RTMP message body
  /// Codec sequence header or metadata: sent once per connection, not on every loop.
  bool config = false;
  bool keyframe = false;
  /// A coded video frame (not a sequence header); `video_ordinal` counts them.
  bool video_frame = false;
  std::uint32_t video_ordinal = 0;
};

class FlvSource {
 public:
  /// Reads the whole file; throws std::runtime_error naming the file and the
  /// tag on anything malformed, or when it holds no video.
  static FlvSource load(const std::filesystem::path& file);

  const std::vector<SourceFrame>& frames() const noexcept { return frames_; }
  /// Media time one pass of the file covers (last tag plus one frame interval):
  /// the timestamp offset of each further loop.
  std::int64_t loop_duration_ms() const noexcept { return loop_duration_ms_; }
  std::uint32_t video_frames() const noexcept { return video_frames_; }
  std::uint64_t media_bytes() const noexcept { return media_bytes_; }

 private:
  std::vector<SourceFrame> frames_;
  std::int64_t loop_duration_ms_ = 0;
  std::uint32_t video_frames_ = 0;
  std::uint64_t media_bytes_ = 0;
};

}  // namespace streamgate::bench
