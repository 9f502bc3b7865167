// HLS behind a play token (docs/security.md), against the real binary: the
// playlist and every segment are refused without a valid token, and ffmpeg
// playing the tokenized playlist URL gets every segment, because the
// playlist carries the token into the segment URIs.

#include <algorithm>
#include <sstream>
#include <thread>

#include "core/access/openssl_token.hpp"
#include "hardening_fixture.hpp"
#include "support/net.hpp"

namespace streamgate::hardening {
namespace {

namespace st = streamgate::test;

constexpr const char* kPlaySecret = "e2c9a41f7d0b4c3a8f6e5d1b2a3c4d5e";

bool hls_built() { return st::gateway_built({"mpegts", "hls"}); }

std::string token_query(const std::string& stream_path, std::int64_t expires) {
  return "expires=" + std::to_string(expires) +
         "&token=" + st::openssl_token(kPlaySecret, stream_path, expires);
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST_F(HardeningTest, HlsPlaylistAndSegmentsNeedTheTokenAndAPlayerWithItGetsEverySegment) {
  if (!hls_built()) GTEST_SKIP() << "the mpegts and hls plugins are not built";
  start_with(st::rtmp_plugin() + "<plugin name=\"mpegts\" enabled=\"true\"/>\n" +
                 "<plugin name=\"hls\" enabled=\"true\" fragment=\"1s\"/>\n",
             std::string("<app name=\"live\"><play token-secret=\"") + kPlaySecret + "\"/></app>");
  st::MediaSpec spec;
  spec.seconds = 6;
  spec.gop = 30;  // a keyframe a second: 1 s segments
  auto publisher =
      st::ffmpeg_publish(st::test_media(spec), url("cam"), file("publish.log"), {}, true, -1);
  ASSERT_TRUE(gateway().wait_for_log("live/cam publish started", 15s)) << publisher->output();

  const std::string query = token_query("live/cam", unix_now() + 600);
  const auto get = [&](const std::string& target) {
    return st::http_get("127.0.0.1", gateway().http_port(), target);
  };
  // Wait for three segments, asking with the token.
  st::HttpResult playlist;
  for (const auto deadline = std::chrono::steady_clock::now() + 20s;
       std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(200ms)) {
    playlist = get("/live/cam.m3u8?" + query);
    if (playlist.status == 200 && std::count(playlist.body.begin(), playlist.body.end(), '#') >= 11)
      break;
  }
  ASSERT_EQ(playlist.status, 200) << playlist.body;

  // Every segment URI carries the token; each is served with it and refused without.
  std::vector<std::string> uris;
  std::istringstream lines(playlist.body);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && line[0] != '#') uris.push_back(line);
  ASSERT_GE(uris.size(), 2u) << playlist.body;
  for (const auto& uri : uris) {
    ASSERT_NE(uri.find("?" + query), std::string::npos) << uri;
    EXPECT_EQ(get("/live/" + uri).status, 200) << uri;
    EXPECT_EQ(get("/live/" + uri.substr(0, uri.find('?'))).status, 403) << uri;
  }

  const auto bare = get("/live/cam.m3u8");
  EXPECT_EQ(bare.status, 403);
  EXPECT_NE(bare.body.find("token missing"), std::string::npos) << bare.body;
  const auto expired = get("/live/cam.m3u8?" + token_query("live/cam", unix_now() - 5));
  EXPECT_EQ(expired.status, 403);
  EXPECT_NE(expired.body.find("token expired"), std::string::npos) << expired.body;
  EXPECT_EQ(get("/live/cam.m3u8?" + token_query("live/other", unix_now() + 600)).status, 403)
      << "a token for another stream";
  EXPECT_TRUE(gateway().wait_for_log("hls: http client 127.0.0.1:", kPrompt));

  // ffmpeg plays the tokenized URL: 3 s of both tracks, decoded cleanly.
  const auto out = file("played.ts");
  const auto played =
      st::run("ffmpeg",
              {"-hide_banner", "-v", "error", "-i", gateway().http_url("/live/cam.m3u8?" + query),
               "-t", "3", "-c", "copy", "-f", "mpegts", out.string()},
              60s);
  ASSERT_EQ(played.exit_code, 0) << played.err;
  const auto packets = st::probe_packets(out.string());
  EXPECT_GE(st::count_packets(packets, "video"), 75u);
  EXPECT_GE(st::count_packets(packets, "audio"), 100u);
  EXPECT_EQ(st::decode_errors(out.string()), "");
  // And an RTMP player needs the same token.
  const auto rtmp = st::run("ffprobe", {"-v", "error", url("cam")}, 20s);
  EXPECT_NE(rtmp.exit_code, 0);
  EXPECT_EQ(st::run("ffprobe", {"-v", "error", url("cam?" + query)}, 20s).exit_code, 0);
}

}  // namespace
}  // namespace streamgate::hardening
