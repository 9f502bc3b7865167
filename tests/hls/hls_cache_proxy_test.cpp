// End to end through a cache tier: ffmpeg publishes into the real gateway, a
// private Debian nginx runs etc/nginx-hls-cache.conf (only its placeholder
// address, port and cache folder substituted) in front of it, and players read
// through nginx. Checks what an operator of the cache tier would: ffmpeg plays
// through it cleanly, segments are served from the cache on the second
// request, playlists are cached but keep moving, CORS survives the cache.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
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
using streamgate::test::HttpResult;

constexpr const char* kNginx = "/usr/sbin/nginx";

// The placeholders in etc/nginx-hls-cache.conf; each must be there, so a
// test never runs a config other than the one users read.
constexpr const char* kUpstreamPlaceholder = "127.0.0.1:8080";
constexpr const char* kListenPlaceholder = "listen 8081;";
constexpr const char* kCachePlaceholder = "/var/cache/nginx/streamgate-hls";

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// One header's value from a raw header block (names are case-insensitive).
std::optional<std::string> header(const HttpResult& reply, const std::string& name) {
  std::istringstream in(reply.headers);
  std::string line;
  auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
  };
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto colon = line.find(':');
    if (colon == std::string::npos || lower(line.substr(0, colon)) != lower(name)) continue;
    auto value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    return value;
  }
  return std::nullopt;
}

struct Playlist {
  int status = 0;
  std::string text;
  std::uint64_t media_sequence = 0;
  std::vector<std::string> uris;
  std::optional<std::string> cache_status;
};

Playlist parse(const HttpResult& reply) {
  Playlist playlist;
  playlist.status = reply.status;
  playlist.text = reply.body;
  playlist.cache_status = header(reply, "X-Cache-Status");
  std::istringstream in(reply.body);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("#EXT-X-MEDIA-SEQUENCE:")) playlist.media_sequence = std::stoull(line.substr(22));
    else if (!line.empty() && line[0] != '#') playlist.uris.push_back(line);
  }
  return playlist;
}

// A private nginx: its own prefix, pid, logs and temp folders, in the
// foreground; never the system service.
class Nginx {
 public:
  Nginx(const fs::path& example, std::uint16_t upstream_port)
      : dir_("streamgate-nginx"), port_(streamgate::test::free_tcp_port()) {
    // Workers run as nobody when the test runs as root: they must reach the cache.
    fs::permissions(dir_.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                     fs::perms::others_read | fs::perms::others_exec);
    std::string site = streamgate::test::read_text(example);
    for (const char* placeholder : {kUpstreamPlaceholder, kListenPlaceholder, kCachePlaceholder})
      if (site.find(placeholder) == std::string::npos)
        throw std::runtime_error(example.string() + " no longer has the placeholder " + placeholder);
    site = replace_all(site, kUpstreamPlaceholder, "127.0.0.1:" + std::to_string(upstream_port));
    site = replace_all(site, kListenPlaceholder, "listen 127.0.0.1:" + std::to_string(port_) + ";");
    site = replace_all(site, kCachePlaceholder, (dir_.path() / "cache").string());
    streamgate::test::write_text(dir_ / "site.conf", site);

    // The main context a distribution's nginx.conf would give, made private.
    const auto d = dir_.path().string();
    std::string main = "daemon off;\nmaster_process on;\nworker_processes 1;\n"
                       "pid " + d + "/nginx.pid;\nerror_log " + d + "/error.log info;\n"
                       "events { worker_connections 256; }\n"
                       "http {\n"
                       "  access_log " + d + "/access.log;\n";
    for (const char* temp : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
      main += "  " + std::string(temp) + "_temp_path " + d + "/" + temp + "_temp;\n";
    main += "  include " + d + "/site.conf;\n}\n";
    streamgate::test::write_text(dir_ / "nginx.conf", main);

    process_ = std::make_unique<streamgate::test::ChildProcess>(
        kNginx, std::vector<std::string>{"-p", d, "-c", d + "/nginx.conf", "-e", d + "/error.log"},
        dir_ / "nginx.out");
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    bool up = false;
    while (!up && process_->running() && std::chrono::steady_clock::now() < deadline)
      up = streamgate::test::wait_for_port("127.0.0.1", port_, 100ms);
    if (!up) throw std::runtime_error("nginx did not start:\n" + log());
  }

  ~Nginx() {
    // SIGTERM to the master stops its workers too; a SIGKILL would orphan them.
    if (process_ && process_->running()) {
      process_->terminate();
      process_->wait_for(10s);
    }
  }

  std::uint16_t port() const { return port_; }
  std::string log() const {
    const auto error_log = dir_ / "error.log";
    return process_->output() + (fs::exists(error_log) ? streamgate::test::read_text(error_log) : "");
  }

 private:
  streamgate::test::TempDir dir_;
  std::uint16_t port_;
  std::unique_ptr<streamgate::test::ChildProcess> process_;
};

class HlsCacheProxy : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kNginx)) GTEST_SKIP() << "needs Debian's nginx (nginx-light) at " << kNginx;
    if (!streamgate::test::gateway_built({"rtmp", "mpegts", "hls"})) GTEST_SKIP() << "needs the rtmp, mpegts and hls plugins built";
    GatewayOptions options;
    // 2 s segments and a 3-segment window: the media sequence rises every 2 s.
    options.plugins = streamgate::test::rtmp_plugin() + "<plugin name=\"mpegts\" enabled=\"true\"/>\n" +
                      "<plugin name=\"hls\" enabled=\"true\" fragment=\"2s\" playlist-length=\"3\"/>\n";
    gateway_ = std::make_unique<Gateway>(options);
    gateway_->start();
    nginx_ = std::make_unique<Nginx>(fs::path(STREAMGATE_TEST_SOURCE_DIR) / "etc" / "nginx-hls-cache.conf",
                                     gateway_->http_port());
  }

  void TearDown() override {
    nginx_.reset();
    gateway_.reset();
  }

  HttpResult via_cache(const std::string& target) {
    return streamgate::test::http_get("127.0.0.1", nginx_->port(), target, 10s);
  }
  Playlist cached_playlist() { return parse(via_cache("/live/test.m3u8")); }
  Playlist direct_playlist() {
    return parse(streamgate::test::http_get("127.0.0.1", gateway_->http_port(), "/live/test.m3u8", 10s));
  }

  std::string logs() const { return "\ngateway log:\n" + gateway_->log() + "\nnginx log:\n" + nginx_->log(); }

  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<Nginx> nginx_;
};

TEST_F(HlsCacheProxy, PlayersReadThroughTheCacheAndTheLiveEdgeKeepsMoving) {
  // Before anything is published the playlist is a 404, and the gateway marks
  // errors no-store: the cache must not keep it, or the stream would stay
  // missing for players after it starts.
  EXPECT_EQ(cached_playlist().status, 404);

  streamgate::test::MediaSpec spec;
  spec.seconds = 60;  // 30 fps, a keyframe every 2 s, H.264 + AAC; outlasts the test
  auto ffmpeg = streamgate::test::ffmpeg_publish(streamgate::test::test_media(spec), gateway_->rtmp_url("test"),
                                                 gateway_->dir() / "ffmpeg-publish.log");

  // Through the cache, wait for a full window.
  Playlist playlist;
  const auto deadline = std::chrono::steady_clock::now() + 40s;
  while (std::chrono::steady_clock::now() < deadline) {
    playlist = cached_playlist();
    if (playlist.status == 200 && playlist.uris.size() >= 3) break;
    std::this_thread::sleep_for(300ms);
  }
  ASSERT_EQ(playlist.status, 200) << playlist.text << logs();
  ASSERT_GE(playlist.uris.size(), 3u) << playlist.text << logs();
  EXPECT_TRUE(playlist.cache_status.has_value()) << "no X-Cache-Status on the playlist";

  // A segment: the first request goes to the gateway, the second is the cache's.
  const auto segment = "/live/" + playlist.uris.back();
  const auto first = via_cache(segment);
  const auto second = via_cache(segment);
  ASSERT_EQ(first.status, 200) << segment << logs();
  ASSERT_EQ(second.status, 200) << segment << logs();
  EXPECT_EQ(header(first, "X-Cache-Status"), "MISS");
  EXPECT_EQ(header(second, "X-Cache-Status"), "HIT");
  EXPECT_EQ(second.body, first.body) << "the cached segment differs from the gateway's";
  EXPECT_EQ(second.content_type, "video/mp2t");
  EXPECT_GE(second.body.size(), 188u);
  // CORS and the gateway's caching rules travel with the cached copy.
  EXPECT_EQ(header(second, "Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(header(second, "Cache-Control"), "public, max-age=86400, immutable");

  // The playlist is cached too: two requests in a row are one upstream fetch
  // and one hit (tried a few times, in case a pair straddles the 1 s expiry).
  bool playlist_hit = false;
  for (int attempt = 0; attempt < 5 && !playlist_hit; ++attempt) {
    via_cache("/live/test.m3u8");
    const auto again = via_cache("/live/test.m3u8");
    playlist_hit = header(again, "X-Cache-Status") == "HIT";
    EXPECT_EQ(header(again, "Access-Control-Allow-Origin"), "*");
    EXPECT_EQ(again.content_type, "application/vnd.apple.mpegurl");
  }
  EXPECT_TRUE(playlist_hit) << "the playlist never came from the cache";

  // A player reading the live stream through the cache decodes without a complaint.
  const auto url = "http://127.0.0.1:" + std::to_string(nginx_->port()) + "/live/test.m3u8";
  EXPECT_EQ(streamgate::test::decode_errors(url, {}, {"-t", "6"}, 60s), "") << logs();

  // The live edge moves through the cache: the media sequence rises, and the
  // cached playlist is never more than one refresh behind the gateway's (with
  // 2 s segments and a 1 s cache lifetime, at most one segment, plus one for a
  // slow machine).
  const auto start = cached_playlist();
  ASSERT_EQ(start.status, 200) << logs();
  Playlist latest = start;
  const auto until = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < until && latest.media_sequence <= start.media_sequence + 1) {
    std::this_thread::sleep_for(500ms);
    const auto direct = direct_playlist();
    latest = cached_playlist();
    ASSERT_EQ(direct.status, 200);
    ASSERT_EQ(latest.status, 200);
    EXPECT_GE(latest.media_sequence + 2, direct.media_sequence)
        << "the cache serves a stale playlist:\n" << latest.text << "\nwhile the gateway has\n" << direct.text;
  }
  EXPECT_GT(latest.media_sequence, start.media_sequence + 1)
      << "the playlist through the cache stopped at\n" << latest.text << logs();
}

}  // namespace
}  // namespace streamgate::hls
