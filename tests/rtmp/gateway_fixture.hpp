#pragma once
// The real streamgate binary with only the rtmp plugin, on free loopback
// ports, plus the test media and helpers the rtmp integration tests share.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "rtmp_test_client.hpp"
#include "support/gateway.hpp"
#include "support/media_tools.hpp"
#include "support/process.hpp"

namespace streamgate::rtmp::test {

using namespace std::chrono_literals;

inline bool rtmp_plugin_built() { return streamgate::test::gateway_built({"rtmp"}); }

/// 6 s of H.264 (30 fps, a keyframe every 2 s) + AAC: long enough for a
/// mid-GOP join, short enough for CI.
inline streamgate::test::MediaSpec standard_media() {
  streamgate::test::MediaSpec spec;
  spec.seconds = 6;
  spec.fps = 30;
  spec.gop = 60;
  return spec;
}

class RtmpGatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!rtmp_plugin_built()) GTEST_SKIP() << "streamgate or the rtmp plugin is not built";
    for (const char* tool : {"ffmpeg", "ffprobe"})
      if (streamgate::test::find_program(tool).empty()) GTEST_SKIP() << tool << " is not installed";
  }

  /// Starts the gateway with `settings` inside <plugin name="rtmp">.
  void start_gateway(const std::string& settings = "", int threads = 2) {
    start_gateway_with(streamgate::test::rtmp_plugin(settings), threads);
  }
  /// Starts the gateway with these <plugin> elements.
  void start_gateway_with(const std::string& plugins, int threads = 2) {
    if (gateway_ && !stopped_) {
      EXPECT_EQ(stop_gateway(), 0);
    }
    stopped_ = false;
    streamgate::test::GatewayOptions options;
    options.plugins = plugins;
    options.threads = threads;
    gateway_ = std::make_unique<streamgate::test::Gateway>(options);
    gateway_->start();
  }

  streamgate::test::Gateway& gateway() { return *gateway_; }
  std::string url(const std::string& stream, const std::string& app = "live") const {
    return gateway_->rtmp_url(stream, app);
  }
  std::filesystem::path file(const std::string& name) const { return gateway_->dir() / name; }

  /// ffmpeg publishes `media` in real time to live/`stream` and the gateway
  /// has accepted it.
  std::unique_ptr<streamgate::test::ChildProcess> publish(
      const std::string& stream, const std::filesystem::path& media, int loops = 0,
      const std::string& query = "") {
    auto ffmpeg = streamgate::test::ffmpeg_publish(
        media, url(stream + query), file("publish-" + stream + ".log"), {}, true, loops);
    EXPECT_TRUE(gateway_->wait_for_log("live/" + stream + " publish started", 10s))
        << ffmpeg->output() << gateway_->log();
    return ffmpeg;
  }

  /// A protocol-level client connected to app "live" with a stream created.
  std::unique_ptr<RtmpTestClient> client(std::uint32_t* stream_id, ClientConfig config = {}) {
    auto c = std::make_unique<RtmpTestClient>(gateway_->rtmp_port(), std::move(config));
    EXPECT_EQ(c->connect("live"), "NetConnection.Connect.Success");
    *stream_id = c->create_stream();
    EXPECT_NE(*stream_id, 0u);
    return c;
  }

  /// A protocol-level player of live/`stream` that has received video.
  std::unique_ptr<RtmpTestClient> playing(const std::string& stream) {
    std::uint32_t id = 0;
    auto player = client(&id);
    player->play(id, stream);
    EXPECT_TRUE(player->wait_until([&] { return player->count_media(MessageType::Video) >= 5; }));
    return player;
  }

  // Every test ends with a clean stop: exit code 0 also means no sanitizer
  // report (a sanitized build exits non-zero on one) and no hang in stop().
  void TearDown() override {
    if (gateway_ && gateway_->pid() > 0 && !stopped_) {
      EXPECT_EQ(gateway_->stop(), 0) << "the gateway did not stop cleanly";
    }
    if (HasFailure() && gateway_) std::cerr << "---- gateway log ----\n" << gateway_->log();
  }

  /// Stops the gateway (SIGTERM); its exit code.
  int stop_gateway() {
    stopped_ = true;
    return gateway_->stop();
  }

  std::unique_ptr<streamgate::test::Gateway> gateway_;
  bool stopped_ = false;
};

}  // namespace streamgate::rtmp::test
