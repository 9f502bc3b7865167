// End to end: ffmpeg publishes over RTMP into the real gateway (rtmp → mpegts
// → hls) and real players judge the result: the live playlist against RFC
// 8216's rules, each segment with ffprobe, the whole stream with ffmpeg, and
// playback in headless Chromium with hls.js.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/gateway.hpp"
#include "support/media_tools.hpp"
#include "support/net.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace streamgate::hls {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using streamgate::test::Gateway;
using streamgate::test::GatewayOptions;

struct Entry {
  std::uint64_t sequence = 0;
  double extinf = 0;
  bool discontinuity = false;
  std::string uri;
};

struct Live {
  int status = 0;
  std::string text;
  std::int64_t target = -1;
  std::uint64_t media_sequence = 0;
  std::uint64_t discontinuity_sequence = 0;
  bool endlist = false;
  std::vector<Entry> entries;
};

Live parse(int status, const std::string& text) {
  Live live;
  live.status = status;
  live.text = text;
  std::istringstream in(text);
  std::string line;
  Entry next;
  std::uint64_t position = 0;
  while (std::getline(in, line)) {
    if (line.starts_with("#EXT-X-TARGETDURATION:"))
      live.target = std::stoll(line.substr(22));
    else if (line.starts_with("#EXT-X-MEDIA-SEQUENCE:"))
      live.media_sequence = position = std::stoull(line.substr(22));
    else if (line.starts_with("#EXT-X-DISCONTINUITY-SEQUENCE:"))
      live.discontinuity_sequence = std::stoull(line.substr(30));
    else if (line == "#EXT-X-DISCONTINUITY")
      next.discontinuity = true;
    else if (line == "#EXT-X-ENDLIST")
      live.endlist = true;
    else if (line.starts_with("#EXTINF:"))
      next.extinf = std::stod(line.substr(8));
    else if (!line.empty() && line[0] != '#') {
      next.uri = line;
      next.sequence = position++;
      live.entries.push_back(next);
      next = Entry{};
    }
  }
  return live;
}

class HlsEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!streamgate::test::gateway_built({"rtmp", "mpegts", "hls"})) GTEST_SKIP() << "needs the rtmp, mpegts and hls plugins built";
  }

  void start(const std::string& hls_settings = "") {
    GatewayOptions options;
    options.plugins = streamgate::test::rtmp_plugin() +
                      "<plugin name=\"mpegts\" enabled=\"true\"/>\n" +
                      "<plugin name=\"hls\" enabled=\"true\" " + hls_settings + "/>\n";
    gateway_ = std::make_unique<Gateway>(options);
    gateway_->start();
  }

  std::unique_ptr<streamgate::test::ChildProcess> publish(const streamgate::test::MediaSpec& spec,
                                                          const std::string& stream = "test") {
    const auto file = streamgate::test::test_media(spec);
    return streamgate::test::ffmpeg_publish(
        file, gateway_->rtmp_url(stream),
        gateway_->dir() / ("ffmpeg-" + stream + std::to_string(runs_++) + ".log"));
  }

  Live fetch(const std::string& stream = "test") {
    const auto reply =
        streamgate::test::http_get("127.0.0.1", gateway_->http_port(), "/live/" + stream + ".m3u8");
    return parse(reply.status, reply.body);
  }

  // Waits until the playlist lists at least `segments` segments.
  Live wait_for_segments(std::size_t segments, std::chrono::seconds timeout = 30s,
                         const std::string& stream = "test") {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    Live live;
    while (std::chrono::steady_clock::now() < deadline) {
      live = fetch(stream);
      if (live.status == 200 && live.entries.size() >= segments) return live;
      std::this_thread::sleep_for(200ms);
    }
    ADD_FAILURE() << "playlist never reached " << segments << " segments; last status "
                  << live.status << "\n"
                  << live.text << "\ngateway log:\n"
                  << gateway_->log();
    return live;
  }

  std::string url(const std::string& path) const { return gateway_->http_url(path); }

  // tests/browser/play.mjs with its node modules installed, or empty when
  // node or Chromium is missing.
  fs::path browser_driver() {
    const auto browser = fs::path(STREAMGATE_TEST_SOURCE_DIR) / "tests" / "browser";
    if (streamgate::test::find_program("node").empty() || !fs::exists("/usr/bin/chromium"))
      return {};
    if (!fs::exists(browser / "node_modules" / "hls.js")) {
      const auto install = streamgate::test::run(
          "npm", {"ci", "--prefix", browser.string(), "--no-audit", "--no-fund"}, 180s);
      EXPECT_EQ(install.exit_code, 0) << install.out << install.err;
      if (install.exit_code != 0) return {};
    }
    return browser / "play.mjs";
  }

  // The JSON summary play.mjs prints last.
  boost::json::object player_summary(const std::string& output) {
    const auto at = output.rfind("\n{");
    const auto line = output.substr(at == std::string::npos ? 0 : at + 1);
    boost::system::error_code ec;
    auto value = boost::json::parse(line, ec);
    if (ec || !value.is_object()) {
      ADD_FAILURE() << "no summary from the player:\n" << output;
      return {{"ok", false}, {"discontinuities", 0}, {"fatal", "no summary"}};
    }
    return value.as_object();
  }

  // Publish-to-playback latency with hls.js's default settings (it starts 3
  // target durations behind the newest segment). The encoder burns its wall
  // clock into every frame (tests/browser/clock.mjs) and the page reads it back
  // from each frame it presents: present time minus that is glass to glass,
  // encoder and player included. hls.js's own playingDate (from
  // EXT-X-PROGRAM-DATE-TIME, the gateway's clock at a segment's first packet)
  // must tell the same story.
  void expect_latency(const fs::path& driver, int fragment_s) {
    const auto result = streamgate::test::run(
        "node",
        {driver.string(), gateway_->http_url("/live/clock.m3u8"), "--publish-clock",
         gateway_->rtmp_url("clock"), "--gop", std::to_string(30 * fragment_s), "--min-segments",
         "3", "--seconds", "20", "--timeout", "100"},
        150s);
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err << "\ngateway log:\n"
                                   << gateway_->log();
    const auto summary = player_summary(result.out);
    const auto* latency = summary.if_contains("latency");
    ASSERT_TRUE(latency && latency->is_object()) << result.out;
    const auto* clock = latency->as_object().if_contains("clockMs");
    const auto* pdt = latency->as_object().if_contains("pdtMs");
    ASSERT_TRUE(clock && clock->is_object()) << "no frame's clock read back:\n" << result.out;
    ASSERT_TRUE(pdt && pdt->is_object()) << "hls.js reported no playingDate:\n" << result.out;
    const auto clock_median = clock->at("median").as_int64();
    const auto pdt_median = pdt->at("median").as_int64();
    EXPECT_GE(clock->at("count").as_int64(), 300) << "frames read back in 18 s of 30 fps";
    EXPECT_LE(latency->at("clockMisreads").as_int64(), clock->at("count").as_int64() / 20);
    const std::int64_t fragment_ms = 1000 * fragment_s;
    EXPECT_GT(clock_median, fragment_ms) << "nothing plays before its segment is complete";
    // hls.js sits 3 segments behind (about 3.5 to 4 fragments); the slack is
    // for a loaded machine, where the player may rebuffer once.
    EXPECT_LT(clock_median, 6 * fragment_ms + 2000)
        << "far more than hls.js's 3 segments behind: waiting in the gateway";
    EXPECT_NEAR(static_cast<double>(pdt_median), static_cast<double>(clock_median), 500.0)
        << "EXT-X-PROGRAM-DATE-TIME does not match the burned-in clock";
    ::testing::Test::RecordProperty("glass_to_glass_median_ms", std::to_string(clock_median));
    ::testing::Test::RecordProperty("program_date_time_median_ms", std::to_string(pdt_median));
    std::cout << "HLS latency, " << fragment_s << " s fragments: glass to glass median "
              << clock_median << " ms (p10 " << clock->at("p10").as_int64() << ", p90 "
              << clock->at("p90").as_int64() << "), by EXT-X-PROGRAM-DATE-TIME median "
              << pdt_median << " ms\n";
  }

  std::unique_ptr<Gateway> gateway_;
  int runs_ = 0;
};

// ISO/IEC 13818-1 §2.4.3.2 header, §2.4.4.3 PAT: the PMT PID of the first program.
int pid_of(const std::string& ts, std::size_t packet) {
  const auto* p = reinterpret_cast<const unsigned char*>(ts.data()) + packet * 188;
  return (p[1] & 0x1f) << 8 | p[2];
}
int pmt_pid_from_pat(const std::string& ts) {
  const auto* p = reinterpret_cast<const unsigned char*>(ts.data());
  const std::size_t section = 5 + p[4];  // after the pointer field
  const std::size_t length = (p[section + 1] & 0x0f) << 8 | p[section + 2];
  for (std::size_t at = section + 8; at + 4 <= section + 3 + length - 4; at += 4) {
    const int program = p[at] << 8 | p[at + 1];
    if (program != 0) return (p[at + 2] & 0x1f) << 8 | p[at + 3];
  }
  return -1;
}

TEST_F(HlsEndToEnd, LivePlaylistFollowsRfc8216AndSegmentsAreWhatTheySay) {
  start("fragment=\"2s\" playlist-length=\"5\"");
  streamgate::test::MediaSpec spec;
  spec.seconds = 40;  // 30 fps, a keyframe every 60 frames (2 s), H.264 + AAC
  auto ffmpeg = publish(spec);

  auto first = wait_for_segments(3);
  ASSERT_EQ(first.status, 200);
  // Refresh for 12 s: sequence numbers, durations and the target must agree
  // between refreshes.
  std::map<std::uint64_t, Entry> known;
  Live previous = first;
  const auto until = std::chrono::steady_clock::now() + 12s;
  while (std::chrono::steady_clock::now() < until) {
    const auto live = fetch();
    ASSERT_EQ(live.status, 200);
    ASSERT_TRUE(live.text.starts_with("#EXTM3U\n")) << live.text;
    EXPECT_EQ(live.target, first.target) << "EXT-X-TARGETDURATION changed (§6.2.1)";
    EXPECT_GE(live.media_sequence, previous.media_sequence);
    EXPECT_FALSE(live.endlist);
    for (const auto& entry : live.entries) {
      EXPECT_LE(std::lround(entry.extinf), live.target) << "§4.3.3.1, segment " << entry.sequence;
      EXPECT_EQ(entry.uri, "test/" + std::to_string(entry.sequence) + ".ts");
      EXPECT_FALSE(entry.discontinuity);
      if (auto it = known.find(entry.sequence); it != known.end()) {
        EXPECT_EQ(it->second.extinf, entry.extinf) << "segment " << entry.sequence << " changed";
      }
      known[entry.sequence] = entry;
    }
    previous = live;
    std::this_thread::sleep_for(500ms);
  }
  // Every number between the first and the last seen was listed at some refresh.
  ASSERT_FALSE(known.empty());
  EXPECT_EQ(known.rbegin()->first - known.begin()->first + 1, known.size());

  // Each listed segment: PAT, PMT, then a keyframe; its media lasts its EXTINF within one frame.
  streamgate::test::TempDir work("streamgate-hls-e2e");
  const auto live = fetch();
  ASSERT_GE(live.entries.size(), 3u);
  for (const auto& entry : live.entries) {
    const auto reply =
        streamgate::test::http_get("127.0.0.1", gateway_->http_port(), "/live/" + entry.uri);
    ASSERT_EQ(reply.status, 200) << entry.uri;
    EXPECT_EQ(reply.content_type, "video/mp2t");
    ASSERT_GE(reply.body.size(), 3u * 188u);
    ASSERT_EQ(reply.body.size() % 188, 0u);
    EXPECT_EQ(pid_of(reply.body, 0), 0) << "the segment does not open with a PAT";
    EXPECT_EQ(pid_of(reply.body, 1), pmt_pid_from_pat(reply.body))
        << "the PMT does not follow the PAT";

    const auto file = work.path() / (std::to_string(entry.sequence) + ".ts");
    std::ofstream(file, std::ios::binary) << reply.body;
    const auto packets = streamgate::test::probe_packets(file.string());
    std::vector<streamgate::test::ProbePacket> video;
    std::copy_if(packets.begin(), packets.end(), std::back_inserter(video),
                 [](const auto& p) { return p.codec_type == "video"; });
    ASSERT_FALSE(video.empty()) << entry.uri;
    EXPECT_TRUE(video.front().keyframe) << entry.uri << " does not start with a keyframe";
    double low = video.front().pts, high = video.front().pts;
    for (const auto& p : video) {
      low = std::min(low, p.pts);
      high = std::max(high, p.pts);
    }
    const double frame = 1.0 / spec.fps;
    EXPECT_NEAR(high - low + frame, entry.extinf, frame + 0.001) << entry.uri;
  }

  // A player reading the live playlist for 10 s decodes without a complaint.
  EXPECT_EQ(streamgate::test::decode_errors(url("/live/test.m3u8"), {}, {"-t", "10"}), "");
}

TEST_F(HlsEndToEnd, RepublishAddsADiscontinuityAndKeepsTheSequenceRising) {
  start("end-delay=\"30s\"");
  streamgate::test::MediaSpec spec;
  spec.seconds = 8;
  auto ffmpeg = publish(spec);
  const auto before = wait_for_segments(2);
  ASSERT_TRUE(ffmpeg->wait_for(30s));  // the file ends: the stream ends
  std::this_thread::sleep_for(500ms);
  // The playlist stays open for endlist-delay (10 s): an encoder that comes
  // back within it does not leave its players on a finished playlist.
  EXPECT_FALSE(fetch().endlist);

  auto again = publish(spec);
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  Live live;
  while (std::chrono::steady_clock::now() < deadline) {
    live = fetch();
    const bool has_discontinuity = std::any_of(live.entries.begin(), live.entries.end(),
                                               [](const Entry& e) { return e.discontinuity; });
    if (has_discontinuity && live.entries.back().discontinuity == false) break;
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_FALSE(live.endlist) << live.text;
  ASSERT_FALSE(live.entries.empty());
  EXPECT_GE(live.media_sequence, before.media_sequence);
  EXPECT_GT(live.entries.back().sequence, before.entries.back().sequence);
  for (std::size_t i = 1; i < live.entries.size(); ++i)
    EXPECT_EQ(live.entries[i].sequence, live.entries[i - 1].sequence + 1);
  EXPECT_TRUE(std::any_of(live.entries.begin(), live.entries.end(), [](const Entry& e) {
    return e.discontinuity;
  })) << live.text;
}

TEST_F(HlsEndToEnd, AudioOnlyStreamsGetValidSegments) {
  start();
  streamgate::test::MediaSpec spec;
  spec.video = false;
  spec.seconds = 20;
  auto ffmpeg = publish(spec);
  const auto live = wait_for_segments(3);
  for (const auto& entry : live.entries) {
    EXPECT_GE(entry.extinf, 1.9);
    EXPECT_LE(std::lround(entry.extinf), live.target);
  }
  EXPECT_EQ(streamgate::test::decode_errors(url("/live/test.m3u8"), {}, {"-t", "5"}), "");
}

TEST_F(HlsEndToEnd, DiskOutputIsCompleteAndCleanedAfterTheEnd) {
  start("disk=\"on\" folder=\"{dir}/hls\" end-delay=\"3s\" endlist-delay=\"500ms\"");
  const auto root = gateway_->dir() / "hls";
  streamgate::test::MediaSpec spec;
  spec.seconds = 10;
  auto ffmpeg = publish(spec);
  wait_for_segments(3);
  std::this_thread::sleep_for(300ms);
  {
    std::ifstream in(root / "live" / "test.m3u8");
    std::stringstream text;
    text << in.rdbuf();
    const auto on_disk = parse(200, text.str());
    ASSERT_FALSE(on_disk.entries.empty()) << text.str();
    for (const auto& entry : on_disk.entries)
      EXPECT_TRUE(fs::exists(root / "live" / entry.uri)) << entry.uri;
  }
  ASSERT_TRUE(ffmpeg->wait_for(30s));
  std::this_thread::sleep_for(1s);
  EXPECT_TRUE(fetch().endlist) << "endlist-delay 500 ms";
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline && !(fs::exists(root) && fs::is_empty(root)))
    std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(fs::exists(root) && fs::is_empty(root));
  EXPECT_EQ(fetch().status, 404);
}

TEST_F(HlsEndToEnd, PlaysInChromiumWithHlsJs) {
  const auto driver = browser_driver();
  if (driver.empty()) GTEST_SKIP() << "needs node and /usr/bin/chromium";
  start();
  streamgate::test::MediaSpec spec;
  spec.seconds = 60;
  auto ffmpeg = publish(spec);
  wait_for_segments(3);
  const auto result = streamgate::test::run(
      "node", {driver.string(), url("/live/test.m3u8"), "--seconds", "8", "--timeout", "60"}, 90s);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
}

TEST_F(HlsEndToEnd, HlsJsKeepsPlayingAcrossARepublish) {
  // An encoder that reconnects: the playlist goes on with a discontinuity and
  // hls.js plays into the new session. With the default settings
  // (on-end="endlist", endlist-delay 10 s) the playlist stays open while the
  // publisher is away; a player that loaded EXT-X-ENDLIST would stop there.
  const auto driver = browser_driver();
  if (driver.empty()) GTEST_SKIP() << "needs node and /usr/bin/chromium";
  start();
  streamgate::test::MediaSpec first;
  first.seconds = 10;
  auto ffmpeg = publish(first);
  wait_for_segments(3);
  // hls.js starts about 3 segments (6 s) behind live, near the start of the
  // first session: advancing 16 s takes at least 6 s of the second one.
  streamgate::test::ChildProcess player(
      "node", {driver.string(), url("/live/test.m3u8"), "--seconds", "16", "--timeout", "80"},
      gateway_->dir() / "player.log");
  ASSERT_TRUE(ffmpeg->wait_for(30s));
  std::this_thread::sleep_for(2s);  // the encoder is away
  streamgate::test::MediaSpec second;
  second.seconds = 20;
  auto again = publish(second);
  ASSERT_TRUE(player.wait_for(100s)) << player.output();
  const auto summary = player_summary(player.output());
  EXPECT_TRUE(summary.at("ok").as_bool()) << player.output() << "\ngateway log:\n"
                                          << gateway_->log();
  EXPECT_GE(summary.at("discontinuities").as_int64(), 1)
      << "hls.js never played the second session";
  EXPECT_TRUE(summary.at("fatal").is_null());
  // The republish is marked: by the tag while it is in the window, after that
  // by EXT-X-DISCONTINUITY-SEQUENCE (RFC 8216 section 4.3.3.3), as the window
  // may have moved past it by the time hls.js has played its 16 s.
  const auto live = fetch();
  const bool tagged = std::any_of(live.entries.begin(), live.entries.end(),
                                  [](const Entry& e) { return e.discontinuity; });
  EXPECT_TRUE(tagged || live.discontinuity_sequence >= 1) << live.text;
}

TEST_F(HlsEndToEnd, GlassToGlassLatencyWithOneSecondFragments) {
  const auto driver = browser_driver();
  if (driver.empty()) GTEST_SKIP() << "needs node and /usr/bin/chromium";
  start("fragment=\"1s\"");
  expect_latency(driver, 1);
}

TEST_F(HlsEndToEnd, GlassToGlassLatencyWithTwoSecondFragments) {
  const auto driver = browser_driver();
  if (driver.empty()) GTEST_SKIP() << "needs node and /usr/bin/chromium";
  start("fragment=\"2s\"");
  expect_latency(driver, 2);
}

}  // namespace
}  // namespace streamgate::hls
