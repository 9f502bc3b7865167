// Access control in the real binary, with ffmpeg as the encoder and
// ffprobe/curl as players: a wrong key, an expired or tampered token, a
// denied address and a callback answering 403 are refused; the right ones are
// accepted and the stream plays.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <filesystem>

#include "callback_server.hpp"
#include "form_decode.hpp"
#include "openssl_token.hpp"
#include "support/gateway.hpp"
#include "support/media_tools.hpp"
#include "support/process.hpp"

namespace streamgate::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kPublishSecret = "publish-secret-for-tests-0123";
constexpr const char* kPlaySecret = "play-secret-for-tests-456789";

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

std::string token_query(const std::string& path, std::int64_t expires, const std::string& secret) {
  return "?expires=" + std::to_string(expires) + "&token=" + openssl_token(secret, path, expires);
}

class AccessGateway : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!gateway_built({"rtmp"}))
      GTEST_SKIP() << "streamgate or its rtmp plugin is not built";
    for (const char* tool : {"ffmpeg", "ffprobe", "openssl", "curl"})
      if (find_program(tool).empty()) GTEST_SKIP() << tool << " is not installed";
    media_ = test_media(MediaSpec{.seconds = 4});
  }

  void TearDown() override {
    if (HasFailure() && gateway_) std::cerr << "---- gateway log ----\n" << gateway_->log();
  }

  void start(const std::string& apps) {
    GatewayOptions options;
    options.apps = apps;
    options.plugins = rtmp_plugin() + "<plugin name=\"mpegts\" enabled=\"true\"/>\n";
    gateway_ = std::make_unique<Gateway>(options);
    gateway_->start();
  }

  // ffmpeg publishing the test media in real time, `loops` more times after the first.
  std::unique_ptr<ChildProcess> publish(const std::string& app, const std::string& stream_and_query,
                                        int loops = 0) {
    return ffmpeg_publish(media_, gateway_->rtmp_url(stream_and_query, app),
                          gateway_->dir() / ("publish-" + std::to_string(publishes_++) + ".log"), {}, true,
                          loops);
  }

  // ffmpeg is told no and gives up; the gateway logs why.
  void expect_publish_refused(const std::string& app, const std::string& stream_and_query,
                              const std::string& reason) {
    const std::string line = "over rtmp refused: " + reason;  // core.access's line
    const auto before = occurrences(line);
    auto ffmpeg = publish(app, stream_and_query);
    const auto code = ffmpeg->wait_for(15s);
    ASSERT_TRUE(code) << "ffmpeg kept publishing to " << app << "/" << stream_and_query;
    EXPECT_NE(*code, 0) << ffmpeg->output();
    EXPECT_EQ(occurrences(line), before + 1) << reason;
    EXPECT_EQ(gateway_->log().find(app + "/" + stream_and_query.substr(0, stream_and_query.find('?')) +
                                   " publish started"),
              std::string::npos);
  }

  // ffmpeg's publish is accepted, and ffprobe playing `play_url` receives both tracks.
  void expect_publish_and_play(const std::string& app, const std::string& stream_and_query,
                               const std::string& play_url) {
    auto ffmpeg = publish(app, stream_and_query);
    const std::string stream = stream_and_query.substr(0, stream_and_query.find('?'));
    ASSERT_TRUE(gateway_->wait_for_log(app + "/" + stream + " publish started", 15s)) << ffmpeg->output();
    const auto packets = probe_packets(play_url, {}, 30s);
    EXPECT_GT(count_packets(packets, "video"), 10u);
    EXPECT_GT(count_packets(packets, "audio"), 10u);
    const auto code = ffmpeg->wait_for(20s);
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, 0) << ffmpeg->output();
  }

  // The status curl gets for an HTTP-TS request (the body is cut after 2 s).
  std::string http_ts_status(const std::string& path_and_query) {
    const auto result = run("curl", {"-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2",
                                     gateway_->http_url(path_and_query)},
                            20s);
    return result.out;
  }

  // How many times `text` appears in the gateway's log. The refusal is
  // logged before the status is sent, so it is there once ffmpeg has exited.
  std::size_t occurrences(const std::string& text) const {
    const auto log = gateway_->log();
    std::size_t count = 0;
    for (auto at = log.find(text); at != std::string::npos; at = log.find(text, at + text.size())) ++count;
    return count;
  }

  void expect_no_secret_in_log(std::initializer_list<std::string> secrets) {
    const auto log = gateway_->log();
    for (const auto& secret : secrets) EXPECT_EQ(log.find(secret), std::string::npos) << secret;
  }

  std::filesystem::path media_;
  std::unique_ptr<Gateway> gateway_;
  int publishes_ = 0;
};

TEST_F(AccessGateway, WrongKeyIsRefusedRightKeyPublishesAndPlays) {
  start(R"(<app name="live"><publish allow="127.0.0.1" keys="right-key-1234"/></app>)");
  expect_publish_refused("live", "cam?key=wrong-key-5678", "wrong key");
  expect_publish_refused("live", "cam", "key missing");
  expect_publish_and_play("live", "cam?key=right-key-1234", gateway_->rtmp_url("cam"));
  expect_no_secret_in_log({"right-key-1234", "wrong-key-5678"});
}

TEST_F(AccessGateway, DeniedAddressIsRefused) {
  start(R"(<app name="live"><publish deny="127.0.0.0/8"/></app>)");
  expect_publish_refused("live", "cam", "address 127.0.0.1 may not publish");
}

TEST_F(AccessGateway, ExpiredOrTamperedTokenIsRefusedValidTokenPublishesAndPlays) {
  start(std::string(R"(<app name="live"><publish token-secret=")") + kPublishSecret +
        R"("/><play token-secret=")" + kPlaySecret + R"("/></app>)");
  const auto now = unix_now();
  expect_publish_refused("live", "cam" + token_query("live/cam", now - 60, kPublishSecret), "token expired");
  // Signed for another stream; signed with the play secret.
  expect_publish_refused("live", "cam" + token_query("live/other", now + 600, kPublishSecret), "token invalid");
  expect_publish_refused("live", "cam" + token_query("live/cam", now + 600, kPlaySecret), "token invalid");

  const auto play_query = token_query("live/cam", now + 600, kPlaySecret);
  auto ffmpeg = publish("live", "cam" + token_query("live/cam", now + 600, kPublishSecret), 1);
  ASSERT_TRUE(gateway_->wait_for_log("live/cam publish started", 15s)) << ffmpeg->output();
  // An RTMP player with a play token gets both tracks (2 s of them)...
  const auto packets = probe_packets(gateway_->rtmp_url("cam" + play_query), {"-read_intervals", "%+2"}, 30s);
  EXPECT_GT(count_packets(packets, "video"), 10u);
  EXPECT_GT(count_packets(packets, "audio"), 10u);
  // ...one without is told why.
  const auto refused = run("ffprobe", {"-v", "error", gateway_->rtmp_url("cam")}, 20s);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("Playing refused: token missing"), std::string::npos) << refused.err;
  // HTTP-TS obeys the same play rules.
  EXPECT_EQ(http_ts_status("/live/cam.ts"), "403");
  EXPECT_EQ(http_ts_status("/live/cam.ts" + token_query("live/cam", now - 1, kPlaySecret)), "403");
  EXPECT_EQ(http_ts_status("/live/cam.ts" + play_query), "200");
  EXPECT_TRUE(ffmpeg->running()) << "the publisher was live throughout";
  expect_no_secret_in_log({kPublishSecret, kPlaySecret});
}

TEST_F(AccessGateway, CallbackDecidesAndHearsThePublishEnd) {
  CallbackServer hooks;
  hooks.answer_with(403);
  start("<app name=\"live\" on-publish=\"" + hooks.url("/on_publish") + "\" on-publish-done=\"" +
        hooks.url("/on_publish_done") + "\" callback-timeout=\"2s\"/>");
  expect_publish_refused("live", "cam?session=42", "on-publish callback refused (HTTP 403)");
  ASSERT_EQ(hooks.calls().size(), 1u);

  hooks.answer_with(200);
  expect_publish_and_play("live", "cam?session=42", gateway_->rtmp_url("cam"));
  ASSERT_TRUE(hooks.wait_for_calls(3, 10s));
  const auto calls = hooks.calls();
  EXPECT_EQ(calls[1].target, "/on_publish");
  EXPECT_EQ(calls[2].target, "/on_publish_done");
  auto done = form_decode(calls[2].body);
  EXPECT_EQ(done["call"], "publish_done");
  EXPECT_EQ(done["app"], "live");
  EXPECT_EQ(done["name"], "cam");
  EXPECT_EQ(done["addr"], "127.0.0.1");
  EXPECT_EQ(done["protocol"], "rtmp");
  EXPECT_EQ(done["query"], "session=42");
  EXPECT_FALSE(done["port"].empty());
}

}  // namespace
}  // namespace streamgate::test
