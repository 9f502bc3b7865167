#pragma once
// Drives the real recorder adapter (FlvRecorder) through the core's LocalBus
// with synthetic streams, and reads what it wrote back from disk.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "file_bytes.hpp"
#include "flv_recorder.hpp"
#include "memory_files.hpp"
#include "recorder_host.hpp"
#include "support/temp_dir.hpp"

namespace streamgate::flvrecord::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

/// A video frame with `padding` bytes before its frame number (see memory_files.hpp).
inline PacketPtr padded_video(std::int64_t dts_ms, bool key, std::size_t padding) {
  MediaPacket p = video(dts_ms, key);
  if (padding == 0) return std::make_shared<const MediaPacket>(std::move(p));
  Bytes payload(p.payload.span().begin(), p.payload.span().end());
  payload.insert(payload.end() - 4, padding, std::byte{0x5A});
  p.payload = SharedBytes::copy(payload);
  return std::make_shared<const MediaPacket>(std::move(p));
}

struct SyntheticMedia {
  int fps = 30;
  int keyframe_interval_ms = 1000;
  int audio_frame_ms = 23;
  std::size_t video_padding = 0;  ///< bytes added to every video frame
  bool audio = true;
};

/// Pushes video and audio frames with DTS in [from_ms, to_ms), in DTS order.
/// Returns how many frames were pushed.
inline std::size_t push_media(Publisher& publisher, std::int64_t from_ms, std::int64_t to_ms,
                              const SyntheticMedia& media = {}) {
  const int frames_per_key = media.fps * media.keyframe_interval_ms / 1000;
  std::size_t pushed = 0;
  std::int64_t v = 0;
  std::int64_t a = 0;
  for (;;) {
    const std::int64_t video_ms = from_ms + v * 1000 / media.fps;
    const std::int64_t audio_ms = media.audio ? from_ms + a * media.audio_frame_ms : INT64_MAX;
    if (video_ms >= to_ms && audio_ms >= to_ms) return pushed;
    if (video_ms <= audio_ms) {
      publisher.push(padded_video(video_ms, v % frames_per_key == 0, media.video_padding));
      ++v;
    } else {
      publisher.push(std::make_shared<const MediaPacket>(audio(audio_ms)));
      ++a;
    }
    ++pushed;
  }
}

/// What a publisher sends first: onMetaData and both codec configs.
inline void push_headers(Publisher& publisher) {
  publisher.push(std::make_shared<const MediaPacket>(
      metadata({{"width", amf0::Value::number(640)},
                {"height", amf0::Value::number(360)},
                {"videocodecid", amf0::Value::number(7)},
                {"audiocodecid", amf0::Value::number(10)},
                {"encoder", amf0::Value::string("synthetic")}})));
  publisher.push(std::make_shared<const MediaPacket>(video_config()));
  publisher.push(std::make_shared<const MediaPacket>(audio_config()));
}

struct FileFrames {
  std::size_t video = 0;
  std::size_t audio = 0;
  std::vector<std::uint32_t> times_ms;  ///< of every frame tag, in file order
  std::vector<std::int64_t> ids;        ///< frame numbers (the source DTS) of every frame
};

/// The frame tags of a recorded file (configs and metadata left out).
inline FileFrames frames_of(const ReadFile& file) {
  FileFrames out;
  for (const auto& t : file.tags) {
    if (t.tag.type == flv::TagType::Script) continue;
    const bool config = t.tag.body.size() > 1 && std::to_integer<std::uint8_t>(t.tag.body[1]) == 0;
    if (config) continue;  // AVC/AAC packet type 0: sequence header
    (t.tag.type == flv::TagType::Video ? out.video : out.audio) += 1;
    out.times_ms.push_back(t.tag.timestamp_ms);
    out.ids.push_back(frame_id(t.tag.body));
  }
  return out;
}

/// A number property of a file's metadata; NaN when absent.
inline double meta_number(const amf0::Value& meta, std::string_view key) {
  const amf0::Value* value = meta.find(key);
  return value && value->is_number() ? value->as_number() : std::nan("");
}

class RecorderTest : public ::testing::Test {
 protected:
  RecorderTest() {
    config.root = dir.path() / "rec";
    config.path_template = "{app}/{stream}.flv";
    config.flush_interval = 100ms;
    config.retry_after = 500ms;
  }
  ~RecorderTest() override {
    if (recorder) recorder->stop();
    if (HasFailure()) std::cerr << "--- recorder log:\n" << host.log();
  }

  void start(FlvRecorder::WallClock clock = {}) {
    recorder = std::make_unique<FlvRecorder>(config, host, std::move(clock));
    recorder->start();
    recorder->sync();  // the start-up repair is done
  }

  std::unique_ptr<Publisher> publish(const std::string& name, PublishMode mode = PublishMode::Live,
                                     const std::string& app = "live") {
    PublishInfo info;
    info.mode = mode;
    info.protocol = "test";
    info.peer = "127.0.0.1:50000";
    auto publisher = host.bus().publish({app, name, ""}, info);
    EXPECT_TRUE(publisher);
    return publisher;
  }

  /// A whole publish: headers, media with DTS in [0, duration_ms), unpublish.
  /// Returns the frames pushed.
  std::size_t publish_for(const std::string& name, std::int64_t duration_ms,
                          PublishMode mode = PublishMode::Live, const std::string& app = "live",
                          const SyntheticMedia& media = {}) {
    auto publisher = publish(name, mode, app);
    if (!publisher) return 0;
    push_headers(*publisher);
    const std::size_t pushed = push_media(*publisher, 0, duration_ms, media);
    publisher->end();
    return pushed;
  }

  fs::path root() const { return config.root; }
  /// A recorded file, parsed; its bytes stay with the fixture (the tags point into them).
  ReadFile read(const std::string& relative) {
    read_bytes_.push_back(read_bytes(root() / relative));
    return read_file(read_bytes_.back());
  }

  streamgate::test::TempDir dir{"sg-flvrecorder"};
  RecorderHost host;
  FlvRecordConfig config;
  std::unique_ptr<FlvRecorder> recorder;

 private:
  std::deque<Bytes> read_bytes_;
};

}  // namespace streamgate::flvrecord::test
