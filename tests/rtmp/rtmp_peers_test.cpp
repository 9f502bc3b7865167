// The real gateway with real RTMP peers: ffmpeg, rtmpdump and GStreamer
// publish and play; ffprobe and ffmpeg's decoder judge what players got.

#include <algorithm>
#include <sstream>

#include "gateway_fixture.hpp"

namespace streamgate::rtmp::test {
namespace {

namespace st = streamgate::test;

// Video and audio timestamps of a recording each rise, and start near 0.
void expect_clean_timeline(const std::vector<st::ProbePacket>& packets) {
  for (const char* type : {"video", "audio"}) {
    double last = -1;
    bool first = true;
    for (const auto& p : packets) {
      if (p.codec_type != type) continue;
      if (first) {
        EXPECT_LT(p.dts, 0.5) << type << " starts near 0 for a player";
      }
      first = false;
      EXPECT_GE(p.dts, last) << type << " DTS went backwards";
      last = p.dts;
    }
  }
}

// One line of `log` contains every one of `parts`.
bool log_has_line(const std::string& log, std::initializer_list<std::string> parts) {
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);)
    if (std::all_of(parts.begin(), parts.end(),
                    [&](const std::string& part) { return line.find(part) != std::string::npos; }))
      return true;
  return false;
}

class RtmpPeers : public RtmpGatewayTest {
 protected:
  // ffmpeg plays live/`stream` for `seconds` and copies it into an FLV file.
  std::filesystem::path record(const std::string& stream, int seconds, const std::string& name) {
    const auto out = file(name);
    auto played = st::run("ffmpeg", {"-hide_banner", "-v", "error", "-i", url(stream), "-t",
                                     std::to_string(seconds), "-c", "copy", "-f", "flv", out.string()},
                          30s);
    EXPECT_EQ(played.exit_code, 0) << played.err;
    return out;
  }
};

TEST_F(RtmpPeers, FfmpegPublishesAndFfmpegPlaysBothTracksCleanly) {
  start_gateway();
  const auto media = st::test_media(standard_media());
  // The stream key is the name before '?': the query is for access control.
  auto publisher = publish("cam", media, 0, "?key=abc");
  const auto out = record("cam", 3, "played.flv");
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(st::decode_errors(out.string()), "");
  const auto packets = st::probe_packets(out.string());
  // 3 s at 30 fps, and AAC at 44.1 kHz (1024 samples a frame: 43 a second).
  EXPECT_GE(st::count_packets(packets, "video"), 80u);
  EXPECT_GE(st::count_packets(packets, "audio"), 115u);
  expect_clean_timeline(packets);
  const auto streams = st::probe(out.string()).at("streams").as_array();
  ASSERT_EQ(streams.size(), 2u);
  std::vector<std::string> codecs;
  for (const auto& s : streams) codecs.emplace_back(s.at("codec_name").as_string());
  std::sort(codecs.begin(), codecs.end());
  EXPECT_EQ(codecs, (std::vector<std::string>{"aac", "h264"}));
  EXPECT_TRUE(publisher->running()) << "the publisher is undisturbed by a player";
}

TEST_F(RtmpPeers, PlayerJoiningMidGopDecodesFromItsFirstFrame) {
  start_gateway();
  auto publisher = publish("cam", st::test_media(standard_media()));
  // The GOP is 2 s: 1 s in, a player arrives halfway between keyframes.
  std::this_thread::sleep_for(1s);
  const auto out = record("cam", 2, "joined.flv");
  ASSERT_FALSE(HasFailure());
  // Without the cached GOP the decoder would start on inter frames and report
  // reference errors (TESTING.md: "mmco: unref short failure").
  EXPECT_EQ(st::decode_errors(out.string()), "");
  const auto packets = st::probe_packets(out.string());
  const auto first_video = std::find_if(packets.begin(), packets.end(),
                                        [](const auto& p) { return p.codec_type == "video"; });
  ASSERT_NE(first_video, packets.end());
  EXPECT_TRUE(first_video->keyframe) << "the cached GOP starts with its keyframe";
  EXPECT_LT(first_video->dts, 0.1);
}

TEST_F(RtmpPeers, RtmpdumpRecordsAPlayableFlvWithPlainAndDigestHandshakes) {
  if (st::find_program("rtmpdump").empty()) GTEST_SKIP() << "rtmpdump is not installed";
  start_gateway();
  auto publisher = publish("cam", st::test_media(standard_media()));
  struct Case {
    std::string name;
    std::vector<std::string> extra;
    std::string handshake;
  };
  // With SWF verification parameters librtmp makes the FP9 digest handshake;
  // without them Debian's rtmpdump makes the plain one.
  const std::vector<Case> cases = {
      {"plain", {}, "plain handshake"},
      {"digest",
       {"--swfhash", std::string(64, 'a'), "--swfsize", "12345", "--swfUrl", "http://example/p.swf"},
       "digest handshake"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto out = file("rtmpdump-" + c.name + ".flv");
    std::vector<std::string> args = {"2", "rtmpdump", "-q", "--live", "-r", url("cam"), "-o",
                                     out.string()};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    // --live never ends by itself: timeout's exit code 124 is the intended stop.
    auto dumped = st::run("timeout", args, 20s);
    EXPECT_TRUE(dumped.exit_code == 124 || dumped.exit_code == 0)
        << "exit " << dumped.exit_code << ": " << dumped.err;
    EXPECT_EQ(st::decode_errors(out.string()), "");
    const auto packets = st::probe_packets(out.string());
    EXPECT_GE(st::count_packets(packets, "video"), 30u);
    EXPECT_GE(st::count_packets(packets, "audio"), 40u);
    EXPECT_TRUE(log_has_line(gateway().log(), {"flashVer 'LNX 10,", c.handshake}))
        << "rtmpdump (librtmp, flashVer LNX 10,...; ffmpeg's player says LNX 9,...) made a " << c.handshake;
  }
}

TEST_F(RtmpPeers, GstreamerPublishesAndFfmpegPlays) {
  if (st::find_program("gst-launch-1.0").empty()) GTEST_SKIP() << "GStreamer is not installed";
  start_gateway();
  const auto media = st::test_media(standard_media());
  // rtmp2sink syncs to the clock: this publishes in real time.
  st::ChildProcess gst(
      "gst-launch-1.0",
      {"-q", "filesrc", "location=" + media.string(), "!", "flvdemux", "name=d", "d.video", "!",
       "queue", "!", "h264parse", "!", "flvmux", "name=m", "streamable=true", "!", "rtmp2sink",
       "location=" + url("gst"), "d.audio", "!", "queue", "!", "aacparse", "!", "m."},
      file("gst.log"));
  ASSERT_TRUE(gateway().wait_for_log("live/gst publish started", 10s)) << gst.output();
  const auto out = record("gst", 2, "gst-played.flv");
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(st::decode_errors(out.string()), "");
  const auto packets = st::probe_packets(out.string());
  EXPECT_GE(st::count_packets(packets, "video"), 50u);
  EXPECT_GE(st::count_packets(packets, "audio"), 70u);
}

TEST_F(RtmpPeers, TwoStreamsAtOnceStaySeparate) {
  start_gateway();
  auto small = standard_media();
  small.width = 320;
  small.height = 180;
  auto big = publish("big", st::test_media(standard_media()));
  auto little = publish("small", st::test_media(small));
  for (const auto& [stream, width] : {std::pair{"big", 640}, std::pair{"small", 320}}) {
    const auto info = st::probe(url(stream), {}, 30s);
    bool found = false;
    for (const auto& s : info.at("streams").as_array())
      if (s.at("codec_type").as_string() == "video") {
        EXPECT_EQ(s.at("width").as_int64(), width) << stream;
        found = true;
      }
    EXPECT_TRUE(found) << stream;
  }
}

TEST_F(RtmpPeers, FfmpegPlayerBeforeThePublisherWaitsThenPlays) {
  start_gateway();
  const auto out = file("waited.flv");
  st::ChildProcess player("ffmpeg", {"-hide_banner", "-v", "error", "-i", url("later"), "-t", "2",
                                     "-c", "copy", "-f", "flv", out.string()},
                          file("player.log"));
  ASSERT_TRUE(gateway().wait_for_log("live/later play started (waiting for the publisher)", 10s));
  std::this_thread::sleep_for(500ms);
  EXPECT_TRUE(player.running()) << "the player waits: " << player.output();
  auto publisher = publish("later", st::test_media(standard_media()));
  const auto code = player.wait_for(30s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << player.output();
  EXPECT_EQ(st::decode_errors(out.string()), "");
  EXPECT_GE(st::count_packets(st::probe_packets(out.string()), "video"), 50u);
}

}  // namespace
}  // namespace streamgate::rtmp::test
