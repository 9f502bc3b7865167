// The recorder in the real binary: ffmpeg publishes over RTMP on a free
// loopback port, ffprobe and ffmpeg judge the files. Publishes that need no
// real time go as fast as ffmpeg sends.

#include "support/gateway.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "disk_faults.hpp"
#include "ffmpeg_checks.hpp"

namespace streamgate::flvrecord {
namespace {

using namespace test;
using namespace std::chrono_literals;
using st::Gateway;
using st::GatewayOptions;

GatewayOptions with_recorder(const std::string& settings, bool enabled = true) {
  GatewayOptions options;
  options.apps = "<app name=\"live\"/><app name=\"other\"/>";
  options.plugins = st::rtmp_plugin() + "<plugin name=\"flvrecord\" enabled=\"" +
                    (enabled ? "true" : "false") + "\">\n  <root>{dir}/rec</root>\n" + settings +
                    "</plugin>\n";
  return options;
}

// Publishes `source` and waits until ffmpeg is done.
void publish(Gateway& gateway, const std::filesystem::path& source, const std::string& stream,
             bool realtime, const std::string& app = "live") {
  auto ffmpeg =
      st::ffmpeg_publish(source, gateway.rtmp_url(stream, app),
                         gateway.dir() / ("ffmpeg-" + app + "-" + stream + ".log"), {}, realtime);
  const auto code = ffmpeg->wait_for(60s);
  ASSERT_TRUE(code) << "ffmpeg did not finish";
  EXPECT_EQ(*code, 0) << ffmpeg->output();
}

// Waits until `count` finished files (and no .part) are under the root.
std::vector<std::string> wait_for_files(const Gateway& gateway, std::size_t count,
                                        std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto files = files_under(gateway.dir() / "rec");
    const bool writing = std::any_of(files.begin(), files.end(),
                                     [](const std::string& f) { return f.ends_with(".part"); });
    if ((files.size() >= count && !writing) || std::chrono::steady_clock::now() > deadline)
      return files;
    std::this_thread::sleep_for(50ms);
  }
}

st::MediaSpec ten_seconds() {
  st::MediaSpec spec;
  spec.seconds = 10;  // 30 fps, a keyframe every 2 s, AAC
  return spec;
}

TEST(FlvRecordGateway, APublishedStreamIsRecordedPlayableAndSeekable) {
  const auto source = st::test_media(ten_seconds());
  Gateway gateway(with_recorder("<file>{app}/{stream}.flv</file>\n"));
  gateway.start();
  publish(gateway, source, "cam", true);
  ASSERT_EQ(wait_for_files(gateway, 1), std::vector<std::string>{"live/cam.flv"}) << gateway.log();
  const auto file = gateway.dir() / "rec/live/cam.flv";

  EXPECT_EQ(codecs_of(file), (std::set<std::string>{"h264", "aac"}));
  EXPECT_NEAR(format_duration(file), format_duration(source), 0.3);
  EXPECT_EQ(st::decode_errors(file.string()), "");
  const Bytes bytes = read_bytes(file);
  const std::set<std::uint64_t> indexed = indexed_positions(read_file(bytes));
  EXPECT_EQ(indexed, probed_keyframe_positions(file));
  EXPECT_EQ(indexed.size(), 5u);  // 0, 2, 4, 6, 8 s
  const auto after_seek = probed_video_packets(file, 5.0);
  ASSERT_FALSE(after_seek.empty());
  EXPECT_TRUE(after_seek.front().keyframe);
  EXPECT_TRUE(indexed.contains(after_seek.front().pos)) << after_seek.front().pos;
  EXPECT_EQ(st::decode_errors(file.string(), {"-ss", "5"}), "");
  EXPECT_EQ(gateway.stop(), 0);
}

TEST(FlvRecordGateway, AfterKillDashNineTheRestartRepairsAllButTheLastFlush) {
  const auto source = st::test_media(ten_seconds());
  Gateway gateway(
      with_recorder("<file>{app}/{stream}.flv</file>\n<flush-interval>1s</flush-interval>\n"));
  gateway.start();
  auto ffmpeg = st::ffmpeg_publish(source, gateway.rtmp_url("cam"), gateway.dir() / "ffmpeg.log");
  ASSERT_TRUE(gateway.wait_for_log("flvrecord: live/cam file '", 10s)) << gateway.log();
  const auto started = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(5s);
  gateway.kill();
  const double recorded_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ffmpeg->kill();
  const auto part = gateway.dir() / "rec/live/cam.flv.part";
  ASSERT_TRUE(std::filesystem::exists(part));

  gateway.start();
  ASSERT_TRUE(gateway.wait_for_log("repaired after an unclean stop", 10s)) << gateway.log();
  const auto file = gateway.dir() / "rec/live/cam.flv";
  ASSERT_TRUE(std::filesystem::exists(file));
  EXPECT_FALSE(std::filesystem::exists(part));
  EXPECT_EQ(st::decode_errors(file.string()), "");
  EXPECT_EQ(codecs_of(file), (std::set<std::string>{"h264", "aac"}));
  // The file started when the log said so (a little after its first frame):
  // what was sent until the kill, less at most one flush interval, is there.
  const double duration = format_duration(file);
  EXPECT_GE(duration, recorded_s - 1.0 - 0.2);
  EXPECT_LE(duration, recorded_s + 0.5);
  EXPECT_EQ(gateway.stop(), 0);
}

TEST(FlvRecordGateway, FilesAreCutByDurationAndBySizeAtKeyframes) {
  const auto source = st::test_media(source_spec());  // 6 s, a keyframe every 2 s
  {
    Gateway gateway(
        with_recorder("<file>{app}/{stream}.flv</file>\n<max-duration>2s</max-duration>\n"));
    gateway.start();
    publish(gateway, source, "cam", false);
    const auto files = wait_for_files(gateway, 3);
    ASSERT_EQ(files, (std::vector<std::string>{"live/cam-1.flv", "live/cam-2.flv", "live/cam.flv"}))
        << gateway.log();
    std::size_t packets = 0;
    for (const auto& name : files) {
      const auto file = gateway.dir() / "rec" / name;
      // (-enc_time_base -1: see recording_ffmpeg_test.cpp on ffmpeg's null muxer.)
      EXPECT_EQ(st::decode_errors(file.string(), {}, {"-enc_time_base:v", "-1"}), "") << name;
      EXPECT_NEAR(format_duration(file), 2.0, 0.1) << name;
      const auto video = probed_video_packets(file);
      ASSERT_FALSE(video.empty());
      EXPECT_TRUE(video.front().keyframe) << name;
      packets += st::probe_packets(file.string()).size();
    }
    EXPECT_EQ(packets, st::probe_packets(source.string()).size());  // nothing lost at the cuts
    EXPECT_EQ(gateway.stop(), 0);
  }
  {
    Gateway gateway(with_recorder("<file>{app}/{stream}.flv</file>\n<max-size>128k</max-size>\n"));
    gateway.start();
    publish(gateway, source, "cam", false);
    const auto files = wait_for_files(gateway, 3);
    ASSERT_EQ(files.size(), 3u) << gateway.log();
    for (const auto& name : files) {
      const auto file = gateway.dir() / "rec" / name;
      EXPECT_EQ(st::decode_errors(file.string(), {}, {"-enc_time_base:v", "-1"}), "") << name;
      if (name != "live/cam-2.flv") {  // the last one ends with the stream
        EXPECT_GE(std::filesystem::file_size(file), 128u << 10) << name;
      }
    }
    EXPECT_EQ(gateway.stop(), 0);
  }
}

TEST(FlvRecordGateway, AppFilterNamePatternsTemplateAndFileSafeNames) {
  const auto source = st::test_media(source_spec());
  Gateway gateway(
      with_recorder("<apps>live</apps>\n<streams>cam* we*</streams>\n"
                    "<file>{app}/{date}/{stream}-{unix}.flv</file>\n"));
  gateway.start();
  publish(gateway, source, "cam1", false);
  publish(gateway, source, "cam1", false, "other");  // app not recorded
  publish(gateway, source, "studio", false);         // name not recorded
  publish(gateway, source, "we:ird", false);         // recorded, name made file-safe
  const auto files = wait_for_files(gateway, 2);
  ASSERT_EQ(files.size(), 2u) << gateway.log();
  const std::regex cam(R"(live/\d{4}-\d{2}-\d{2}/cam1-\d{10}\.flv)");
  const std::regex weird(R"(live/\d{4}-\d{2}-\d{2}/we_ird-\d{10}\.flv)");
  EXPECT_TRUE(std::regex_match(files[0], cam)) << files[0];
  EXPECT_TRUE(std::regex_match(files[1], weird)) << files[1];
  for (const auto& name : files)
    EXPECT_EQ(st::decode_errors((gateway.dir() / "rec" / name).string()), "") << name;
  EXPECT_EQ(gateway.stop(), 0);
}

TEST(FlvRecordGateway, AReadOnlyFolderIsLoggedAndPlayersStillGetTheStream) {
  const auto source = st::test_media(source_spec());
  Gateway gateway(with_recorder("<file>{app}/{stream}.flv</file>\n"));
  ReadOnlyFolder read_only(gateway.dir() / "rec/live");
  if (!read_only.active()) GTEST_SKIP() << "cannot make a read-only folder here";
  gateway.start();
  auto ffmpeg = st::ffmpeg_publish(source, gateway.rtmp_url("cam"), gateway.dir() / "ffmpeg.log");
  // A player for the whole publish: ffprobe reads until the stream ends.
  const auto played = st::probe_packets(gateway.rtmp_url("cam"), {}, 30s);
  EXPECT_GE(st::count_packets(played, "video"), 120u);  // of 180 in 6 s, after ffprobe's start
  ASSERT_TRUE(ffmpeg->wait_for(30s));
  EXPECT_TRUE(gateway.wait_for_log("flvrecord: live/cam file '" +
                                       (gateway.dir() / "rec/live/cam.flv.part").string() +
                                       "' not created",
                                   5s))
      << gateway.log();
  EXPECT_EQ(files_under(gateway.dir() / "rec"), std::vector<std::string>{});
  read_only.lift();
  EXPECT_EQ(gateway.stop(), 0);
}

TEST(FlvRecordGateway, ADisabledRecorderWritesNothing) {
  const auto source = st::test_media(source_spec());
  Gateway gateway(with_recorder("<file>{app}/{stream}.flv</file>\n", false));
  gateway.start();
  publish(gateway, source, "cam", false);
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(std::filesystem::exists(gateway.dir() / "rec"));
  EXPECT_EQ(gateway.log().find("flvrecord:"), std::string::npos) << gateway.log();
  EXPECT_EQ(gateway.stop(), 0);
}

TEST(FlvRecordGateway, ModeRecordLeavesLivePublishesAlone) {
  // ffmpeg always publishes with type "live".
  const auto source = st::test_media(source_spec());
  Gateway gateway(with_recorder("<mode>record</mode>\n"));
  gateway.start();
  publish(gateway, source, "cam", false);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(files_under(gateway.dir() / "rec"), std::vector<std::string>{});
  EXPECT_TRUE(gateway.log().find("flvrecord: recording apps") != std::string::npos)
      << gateway.log();
}

}  // namespace
}  // namespace streamgate::flvrecord
