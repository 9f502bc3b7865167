#pragma once
// Test media made by ffmpeg, and checks made with ffprobe/ffmpeg: the real
// peers decide whether what streamgate produced is right.

#include <boost/json/value.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace streamgate::test {

struct MediaSpec {
  double seconds = 10;
  bool video = true;
  bool audio = true;
  int fps = 30;
  int gop = 60;  ///< frames between keyframes (fixed: -g N -keyint_min N -sc_threshold 0)
  int width = 640;
  int height = 360;
  int video_kbps = 1000;
  std::string video_codec = "libx264";
  std::string audio_codec = "aac";
  int sample_rate = 44100;
  bool bframes = false;
  std::string container = "flv";

  std::string id() const;  ///< a file-name-safe summary, used to cache the file
};

/// An FLV (or other container) made by ffmpeg from lavfi sources (testsrc2 +
/// sine), cached in the build tree so every test reuses it.
std::filesystem::path test_media(const MediaSpec& spec = {});

/// `ffmpeg -re -i file -c copy -f flv url` in the background.
std::unique_ptr<ChildProcess> ffmpeg_publish(const std::filesystem::path& file, const std::string& url,
                                             const std::filesystem::path& log_file,
                                             const std::vector<std::string>& extra_output_args = {},
                                             bool realtime = true, int loops = 0);

struct ProbePacket {
  std::string codec_type;  ///< "video" / "audio"
  double pts = 0;          ///< seconds
  double dts = 0;          ///< seconds
  bool keyframe = false;
  std::size_t size = 0;
};

/// ffprobe -show_packets, parsed.
std::vector<ProbePacket> probe_packets(const std::string& input,
                                       const std::vector<std::string>& extra_input_args = {},
                                       std::chrono::milliseconds timeout = std::chrono::seconds(60));

/// ffprobe -show_format -show_streams as JSON.
boost::json::value probe(const std::string& input, const std::vector<std::string>& extra_input_args = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));

/// What `ffmpeg -v error [input args] -i input [output args] -f null -` prints
/// (empty means it decoded cleanly). A non-zero exit adds a line saying so.
std::string decode_errors(const std::string& input, const std::vector<std::string>& extra_input_args = {},
                          const std::vector<std::string>& extra_output_args = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(120));

/// Counts packets of one type.
std::size_t count_packets(const std::vector<ProbePacket>& packets, const std::string& codec_type);

}  // namespace streamgate::test
