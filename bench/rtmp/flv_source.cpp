#include "flv_source.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "streamgate/format/flv.hpp"

namespace streamgate::bench {

namespace {

std::vector<std::byte> read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("bench: " + file.string() + " cannot be opened");
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(chars.size());
  std::memcpy(bytes.data(), chars.data(), chars.size());
  return bytes;
}

}  // namespace

FlvSource FlvSource::load(const std::filesystem::path& file) {
  const auto bytes = read_file(file);
  std::span<const std::byte> rest(bytes);
  auto header = flv::parse_file_header(rest);
  if (!header.ok()) throw std::runtime_error("bench: " + file.string() + ": " + header.error);
  rest = rest.subspan(header.consumed);

  FlvSource source;
  std::int64_t first_ts = -1;
  std::int64_t last_video_ts = 0;
  for (std::size_t index = 0; !rest.empty(); ++index) {
    auto tag = flv::read_tag(rest);
    if (tag.need_more()) break;  // a torn last tag: ffmpeg killed mid-write
    if (!tag.ok())
      throw std::runtime_error("bench: " + file.string() + " tag " + std::to_string(index) + ": " +
                               tag.error);
    rest = rest.subspan(tag.consumed);
    SourceFrame frame;
    frame.body = SharedBytes::copy(tag.value.body);
    if (first_ts < 0) first_ts = tag.value.timestamp_ms;
    frame.timestamp_ms = std::int64_t(tag.value.timestamp_ms) - first_ts;
    switch (tag.value.type) {
      case flv::TagType::Video: {
        frame.type = rtmp::MessageType::Video;
        auto video = flv::parse_video_tag_header(tag.value.body);
        if (!video.ok()) continue;  // not something a server would relay either
        frame.config = video.value.sequence_header || video.value.is_metadata;
        frame.keyframe =
            !frame.config && (video.value.frame_type == 1 || video.value.frame_type == 4);
        frame.video_frame = !frame.config && !video.value.sequence_end;
        if (frame.video_frame) {
          frame.video_ordinal = source.video_frames_++;
          last_video_ts = frame.timestamp_ms;
        }
        break;
      }
      case flv::TagType::Audio: {
        frame.type = rtmp::MessageType::Audio;
        auto audio = flv::parse_audio_tag_header(tag.value.body);
        frame.config = audio.ok() && audio.value.sequence_header;
        break;
      }
      case flv::TagType::Script:
        frame.type = rtmp::MessageType::DataAmf0;
        frame.config = true;
        break;
    }
    source.media_bytes_ += frame.body.size();
    source.frames_.push_back(std::move(frame));
  }
  if (source.video_frames_ < 2)
    throw std::runtime_error("bench: " + file.string() + " holds fewer than 2 video frames");
  // One more frame interval after the last video frame, so a loop's first
  // frame does not share the previous loop's last timestamp.
  const std::int64_t interval_ms = last_video_ts / std::int64_t(source.video_frames_ - 1);
  std::int64_t last_ts = 0;
  for (const auto& frame : source.frames_) last_ts = std::max(last_ts, frame.timestamp_ms);
  source.loop_duration_ms_ = std::max(last_ts + 1, last_video_ts + interval_ms);
  return source;
}

}  // namespace streamgate::bench
