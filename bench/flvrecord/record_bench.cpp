// N streams recorded at once through the real recorder adapter: a LocalBus,
// the recorder's writer threads and real files (fflush + fdatasync at the
// flush interval). Publishers push FLV-tag packets the way the RTMP plugin
// does (flv_tag_body set, so the recorder writes them without a copy).
//
// Real time (default): every stream at --kbps for --seconds; reports the
// recorder's CPU (process CPU minus the publisher thread's) as % of one core
// and per GB written, the write throughput, and media dropped.
// --fast: the same media pushed as fast as the recorder drains it, for the
// ceiling of one writer thread.
//
//   build/bench/flvrecord_bench [--streams 20] [--kbps 2500] [--seconds 20]
//                               [--fast] [--writer-threads 1] [--dir PATH]

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "flv_recorder.hpp"
#include "recorder_host.hpp"
#include "streamgate/format/flv.hpp"

namespace {

using namespace streamgate;
using namespace std::chrono;
namespace fs = std::filesystem;

struct Options {
  int streams = 20;
  int kbps = 2500;
  int seconds = 20;
  bool fast = false;
  int writer_threads = 1;
  fs::path dir;
};

constexpr int kFps = 30;
constexpr int kGopFrames = 60;      // a keyframe every 2 s
constexpr int kKeyframeWeight = 8;  // a keyframe is 8 P-frames big
constexpr int kAudioKbps = 128;
constexpr double kAudioFrameMs = 1024 * 1000.0 / 44100;  // AAC at 44.1 kHz

double cpu_seconds(const timeval& t) { return double(t.tv_sec) + t.tv_usec / 1e6; }

double process_cpu() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return cpu_seconds(usage.ru_utime) + cpu_seconds(usage.ru_stime);
}

double thread_cpu() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + t.tv_nsec / 1e9;
}

SharedBytes filled(std::initializer_list<std::uint8_t> head, std::size_t size) {
  ByteBuffer buffer(size);
  std::memset(buffer.data(), 0x5A, size);
  std::size_t i = 0;
  for (auto b : head) buffer.data()[i++] = std::byte(b);
  return std::move(buffer).freeze();
}

// FLV tag bodies (E.4.3 AVC video, E.4.2 AAC audio) shared by every stream.
struct Bodies {
  SharedBytes video_config, audio_config, keyframe, interframe, audio, metadata;

  explicit Bodies(int kbps) {
    const double video_bytes_per_gop = (kbps - kAudioKbps) * 1000.0 / 8 * kGopFrames / kFps;
    const auto unit = std::size_t(video_bytes_per_gop / (kGopFrames - 1 + kKeyframeWeight));
    video_config = filled({0x17, 0x00, 0,    0,    0,    0x01, 0x64, 0x00, 0x1F, 0xFF, 0xE1,
                           0x00, 0x04, 0x67, 0x64, 0x00, 0x1F, 0x01, 0x00, 0x02, 0x68, 0xEE},
                          22);
    audio_config = filled({0xAF, 0x00, 0x12, 0x10}, 4);
    keyframe = filled({0x17, 0x01, 0, 0, 0}, unit * kKeyframeWeight);
    interframe = filled({0x27, 0x01, 0, 0, 0}, unit);
    audio = filled({0xAF, 0x01}, std::size_t(kAudioKbps * 1000.0 / 8 * kAudioFrameMs / 1000));
    const amf0::Value values[] = {
        amf0::Value::string("onMetaData"),
        amf0::Value::ecma_array({{"width", amf0::Value::number(1280)},
                                 {"height", amf0::Value::number(720)},
                                 {"videocodecid", amf0::Value::number(7)},
                                 {"audiocodecid", amf0::Value::number(10)},
                                 {"videodatarate", amf0::Value::number(kbps - kAudioKbps)}})};
    metadata = SharedBytes::copy(amf0::encode_all(values));
  }
};

PacketPtr packet(flv::TagType type, const SharedBytes& body, std::int64_t ms) {
  auto parsed = flv::packet_from_tag(type, body, ms);
  return parsed.ok() ? parsed.value : nullptr;
}

// One stream's packets in DTS order.
struct Source {
  std::unique_ptr<Publisher> publisher;
  std::int64_t video_frame = 0;
  std::int64_t audio_frame = 0;
  std::uint64_t bytes = 0;

  std::int64_t next_ms() const {
    return std::min(video_frame * 1000 / kFps, std::int64_t(audio_frame * kAudioFrameMs));
  }
  void push_next(const Bodies& bodies) {
    const std::int64_t video_ms = video_frame * 1000 / kFps;
    const auto audio_ms = std::int64_t(audio_frame * kAudioFrameMs);
    PacketPtr p;
    if (video_ms <= audio_ms) {
      const bool key = video_frame++ % kGopFrames == 0;
      p = packet(flv::TagType::Video, key ? bodies.keyframe : bodies.interframe, video_ms);
    } else {
      ++audio_frame;
      p = packet(flv::TagType::Audio, bodies.audio, audio_ms);
    }
    bytes += p->flv_tag_body.size();
    publisher->push(std::move(p));
  }
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (arg == "--streams")
      o.streams = std::stoi(next());
    else if (arg == "--kbps")
      o.kbps = std::stoi(next());
    else if (arg == "--seconds")
      o.seconds = std::stoi(next());
    else if (arg == "--writer-threads")
      o.writer_threads = std::stoi(next());
    else if (arg == "--fast")
      o.fast = true;
    else if (arg == "--dir")
      o.dir = next();
    else {
      std::fprintf(stderr, "unknown argument %s\n", arg.c_str());
      std::exit(2);
    }
  }
  if (o.dir.empty())
    o.dir = fs::temp_directory_path() / ("flvrecord-bench-" + std::to_string(::getpid()));
  return o;
}

std::uint64_t bytes_under(const fs::path& root) {
  std::uint64_t total = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root))
    if (entry.is_regular_file()) total += entry.file_size();
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  flvrecord::test::RecorderHost host;
  host.logger()->set_level(spdlog::level::warn);
  flvrecord::FlvRecordConfig config;
  config.root = options.dir;
  config.path_template = "{app}/{stream}.flv";
  config.writer_threads = std::size_t(options.writer_threads);
  const Bodies bodies(options.kbps);

  flvrecord::FlvRecorder recorder(config, host);
  recorder.start();
  recorder.sync();

  std::vector<Source> sources(std::size_t(options.streams));
  for (int i = 0; i < options.streams; ++i) {
    PublishInfo info;
    info.protocol = "bench";
    auto& source = sources[std::size_t(i)];
    source.publisher = host.bus().publish({"live", "s" + std::to_string(i), ""}, info);
    source.publisher->push(std::make_shared<MediaPacket>([&] {
      MediaPacket m;
      m.kind = TrackKind::Data;
      m.codec = Codec::ScriptData;
      m.payload = bodies.metadata;
      return m;
    }()));
    source.publisher->push(packet(flv::TagType::Video, bodies.video_config, 0));
    source.publisher->push(packet(flv::TagType::Audio, bodies.audio_config, 0));
  }

  const double cpu_before = process_cpu();
  const auto start = steady_clock::now();
  double publisher_cpu = 0;
  std::thread publisher([&] {
    const double own_before = thread_cpu();
    const std::int64_t end_ms = std::int64_t(options.seconds) * 1000;
    if (options.fast) {
      // As fast as the recorder keeps up: 1 s of media per stream, then wait.
      for (std::int64_t until = 1000; until <= end_ms; until += 1000) {
        for (auto& source : sources)
          while (source.next_ms() < until) source.push_next(bodies);
        recorder.sync();
      }
    } else {
      for (;;) {
        const auto now_ms = duration_cast<milliseconds>(steady_clock::now() - start).count();
        const std::int64_t until = std::min<std::int64_t>(now_ms, end_ms);
        for (auto& source : sources)
          while (source.next_ms() < until) source.push_next(bodies);
        if (until >= end_ms) break;
        std::this_thread::sleep_for(5ms);
      }
    }
    publisher_cpu = thread_cpu() - own_before;
  });
  publisher.join();
  for (auto& source : sources) source.publisher->end();
  recorder.stop();  // every file closed: metadata rewritten, renamed
  const double wall = duration<double>(steady_clock::now() - start).count();
  const double recorder_cpu = process_cpu() - cpu_before - publisher_cpu;

  std::uint64_t pushed = 0;
  for (const auto& source : sources) pushed += source.bytes;
  const std::uint64_t written = bytes_under(options.dir);
  const bool dropped = host.log_has("media dropped");
  std::printf("flvrecord_bench: %d streams x %d kbit/s, %d s of media, %s, %d writer thread(s)\n",
              options.streams, options.kbps, options.seconds, options.fast ? "fast" : "real time",
              options.writer_threads);
  std::printf("  media pushed     %.1f MB\n", pushed / 1e6);
  std::printf("  files written    %.1f MB in %.2f s wall (%.1f MB/s, %.1f Mbit/s)\n", written / 1e6,
              wall, written / 1e6 / wall, written * 8 / 1e6 / wall);
  std::printf("  recorder CPU     %.2f s = %.1f%% of one core, %.2f CPU s per GB written\n",
              recorder_cpu, 100 * recorder_cpu / wall, recorder_cpu / (written / 1e9));
  std::printf("  publisher CPU    %.2f s (not counted above)\n", publisher_cpu);
  std::printf("  media dropped    %s\n", dropped ? "yes (the writer fell behind)" : "none");
  std::error_code ec;
  fs::remove_all(options.dir, ec);
  return dropped ? 1 : 0;
}
