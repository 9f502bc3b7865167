#include "support/media_tools.hpp"

#include <boost/json/parse.hpp>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include <unistd.h>  // getpid: unique temporary names across test processes

namespace streamgate::test {

std::string MediaSpec::id() const {
  std::ostringstream s;
  s << seconds << "s-" << (video ? video_codec + "-" + std::to_string(width) + "x" +
                                       std::to_string(height) + "-" + std::to_string(fps) + "fps-g" +
                                       std::to_string(gop) + "-" + std::to_string(video_kbps) + "k" +
                                       (bframes ? "-b" : "")
                                 : std::string("novideo"))
    << "-" << (audio ? audio_codec + "-" + std::to_string(sample_rate) : std::string("noaudio"))
    << "." << container;
  return s.str();
}

std::filesystem::path test_media(const MediaSpec& spec) {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  auto dir = std::filesystem::path(STREAMGATE_TEST_BUILD_DIR) / "test-media";
  std::filesystem::create_directories(dir);
  auto path = dir / spec.id();
  if (std::filesystem::exists(path)) return path;

  std::vector<std::string> args = {"-hide_banner", "-v", "error", "-y"};
  const auto duration = std::to_string(spec.seconds);
  if (spec.video) {
    args.insert(args.end(), {"-f", "lavfi", "-i",
                             "testsrc2=size=" + std::to_string(spec.width) + "x" + std::to_string(spec.height) +
                                 ":rate=" + std::to_string(spec.fps) + ":duration=" + duration});
  }
  if (spec.audio) {
    args.insert(args.end(), {"-f", "lavfi", "-i",
                             "sine=frequency=440:sample_rate=" + std::to_string(spec.sample_rate) +
                                 ":duration=" + duration});
  }
  if (spec.video) {
    args.insert(args.end(), {"-c:v", spec.video_codec, "-g", std::to_string(spec.gop), "-keyint_min",
                             std::to_string(spec.gop), "-b:v", std::to_string(spec.video_kbps) + "k",
                             "-maxrate", std::to_string(spec.video_kbps) + "k", "-bufsize",
                             std::to_string(spec.video_kbps) + "k", "-pix_fmt", "yuv420p"});
    if (spec.video_codec == "libx264") {
      args.insert(args.end(), {"-preset", "veryfast", "-sc_threshold", "0", "-bf",
                               spec.bframes ? "2" : "0"});
    } else if (spec.video_codec == "libx265") {
      args.insert(args.end(), {"-preset", "veryfast", "-x265-params",
                               "log-level=error:scenecut=0:bframes=" + std::string(spec.bframes ? "2" : "0")});
    }
  }
  if (spec.audio) {
    args.insert(args.end(), {"-c:a", spec.audio_codec, "-b:a", "128k", "-ac", "2"});
  }
  // Test binaries run in parallel: each makes its own temporary file and the
  // rename publishes it atomically (the last writer wins with identical bytes).
  auto tmp = path;
  tmp += "." + std::to_string(::getpid()) + ".tmp";
  args.insert(args.end(), {"-f", spec.container == "h265" ? "hevc" : spec.container, tmp.string()});
  auto result = run("ffmpeg", args, std::chrono::minutes(3));
  if (result.exit_code != 0) throw std::runtime_error("ffmpeg could not make test media: " + result.err);
  std::filesystem::rename(tmp, path);
  return path;
}

std::unique_ptr<ChildProcess> ffmpeg_publish(const std::filesystem::path& file, const std::string& url,
                                             const std::filesystem::path& log_file,
                                             const std::vector<std::string>& extra_output_args,
                                             bool realtime, int loops) {
  std::vector<std::string> args = {"-hide_banner", "-nostats", "-v", "warning"};
  if (realtime) args.push_back("-re");
  if (loops != 0) args.insert(args.end(), {"-stream_loop", std::to_string(loops)});
  args.insert(args.end(), {"-i", file.string(), "-c", "copy"});
  args.insert(args.end(), extra_output_args.begin(), extra_output_args.end());
  args.insert(args.end(), {"-f", "flv", url});
  return std::make_unique<ChildProcess>("ffmpeg", args, log_file);
}

namespace {

double number_field(const boost::json::object& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return 0;
  if (it->value().is_string()) {
    try {
      return std::stod(std::string(it->value().as_string()));
    } catch (...) {
      return 0;
    }
  }
  if (it->value().is_number()) return it->value().to_number<double>();
  return 0;
}

}  // namespace

std::vector<ProbePacket> probe_packets(const std::string& input, const std::vector<std::string>& extra_input_args,
                                       std::chrono::milliseconds timeout) {
  std::vector<std::string> args = {"-v", "error"};
  args.insert(args.end(), extra_input_args.begin(), extra_input_args.end());
  args.insert(args.end(), {"-show_packets", "-show_entries", "packet=codec_type,pts_time,dts_time,flags,size",
                           "-of", "json", input});
  auto result = run("ffprobe", args, timeout);
  if (result.exit_code != 0) throw std::runtime_error("ffprobe failed on " + input + ": " + result.err);
  auto json = boost::json::parse(result.out);
  std::vector<ProbePacket> packets;
  for (const auto& item : json.at("packets").as_array()) {
    const auto& object = item.as_object();
    ProbePacket packet;
    packet.codec_type = std::string(object.at("codec_type").as_string());
    packet.pts = number_field(object, "pts_time");
    packet.dts = number_field(object, "dts_time");
    auto flags = object.find("flags");
    packet.keyframe = flags != object.end() && flags->value().as_string().starts_with("K");
    packet.size = static_cast<std::size_t>(number_field(object, "size"));
    packets.push_back(packet);
  }
  return packets;
}

boost::json::value probe(const std::string& input, const std::vector<std::string>& extra_input_args,
                         std::chrono::milliseconds timeout) {
  std::vector<std::string> args = {"-v", "error"};
  args.insert(args.end(), extra_input_args.begin(), extra_input_args.end());
  args.insert(args.end(), {"-show_format", "-show_streams", "-of", "json", input});
  auto result = run("ffprobe", args, timeout);
  if (result.exit_code != 0) throw std::runtime_error("ffprobe failed on " + input + ": " + result.err);
  return boost::json::parse(result.out);
}

std::string decode_errors(const std::string& input, const std::vector<std::string>& extra_input_args,
                          const std::vector<std::string>& extra_output_args, std::chrono::milliseconds timeout) {
  std::vector<std::string> args = {"-hide_banner", "-nostats", "-v", "error"};
  args.insert(args.end(), extra_input_args.begin(), extra_input_args.end());
  args.insert(args.end(), {"-i", input});
  args.insert(args.end(), extra_output_args.begin(), extra_output_args.end());
  args.insert(args.end(), {"-f", "null", "-"});
  auto result = run("ffmpeg", args, timeout);
  std::string errors = result.err;
  if (result.timed_out) errors += "\n(ffmpeg timed out)";
  else if (result.exit_code != 0) errors += "\n(ffmpeg exited with " + std::to_string(result.exit_code) + ")";
  return errors;
}

std::size_t count_packets(const std::vector<ProbePacket>& packets, const std::string& codec_type) {
  std::size_t n = 0;
  for (const auto& packet : packets) n += packet.codec_type == codec_type;
  return n;
}

}  // namespace streamgate::test
