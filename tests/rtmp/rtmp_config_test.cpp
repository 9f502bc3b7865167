// The plugin's settings read from real XML through the core's config node:
// defaults, every setting, several listen addresses, ranges, and typos caught.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "config/config_document.hpp"
#include "rtmp_config.hpp"

namespace streamgate::rtmp {
namespace {

using namespace std::chrono_literals;

RtmpConfig parse(const std::string& plugin_element) {
  auto document = config::ConfigDocument::parse(
      "test.xml", "<streamgate>\n" + plugin_element + "\n</streamgate>\n");
  const auto& node = *document.root().children("plugin").at(0);
  (void)node.raw("name");  // the host's own attribute, read before configure()
  auto config = parse_rtmp_config(node);
  node.check_all_read();  // what the host does after configure()
  return config;
}

std::string error_of(const std::string& plugin_element) {
  try {
    parse(plugin_element);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(RtmpConfig, DefaultsWhenNothingIsSet) {
  const auto config = parse(R"(<plugin name="rtmp"/>)");
  ASSERT_EQ(config.listen.size(), 1u);
  EXPECT_EQ(config.listen[0].host, "0.0.0.0");
  EXPECT_EQ(config.listen[0].port, 1935);
  EXPECT_EQ(config.chunk_size, 4096u);
  EXPECT_EQ(config.write_coalesce, 0ms);
  EXPECT_TRUE(config.hold_for_video);
  EXPECT_EQ(config.handshake_timeout, 10s);
  EXPECT_EQ(config.idle_timeout, 30s);
  EXPECT_EQ(config.player_lag_timeout, 10s);
  EXPECT_EQ(config.max_message_bytes, 0xFFFFFFu);
  EXPECT_EQ(config.player_queue_bytes, 8u << 20);
  EXPECT_EQ(config.player_queue_duration, 10s);
  EXPECT_EQ(config.window_ack_size, 2'500'000u);
  // Limits (docs/security.md).
  EXPECT_EQ(config.max_connections, 10'000u);
  EXPECT_EQ(config.max_connections_per_ip, 2'000u);
  EXPECT_EQ(config.max_publishers, 1'000u);
  EXPECT_EQ(config.max_streams_per_app, 1'000u);
  EXPECT_EQ(config.max_chunk_streams, 64u);
  EXPECT_EQ(config.max_partial_bytes, 33u << 20);
  EXPECT_EQ(config.max_connection_bytes, 48u << 20);
  EXPECT_EQ(config.max_amf_depth, 32u);
  EXPECT_EQ(config.max_amf_elements, 65'536u);
}

TEST(RtmpConfig, EveryLimitReachesTheProtocolAndTheAdmission) {
  const auto config = parse(R"(<plugin name="rtmp" max-message-size="1M" max-connections="300"
      max-connections-per-ip="20" max-publishers="7" max-streams-per-app="3" max-chunk-streams="200"
      max-partial-size="3M" max-connection-memory="5M" max-amf-depth="8" max-amf-elements="500"/>)");
  const auto server = config.server();
  EXPECT_EQ(server.limits.max_message_bytes, 1u << 20);
  EXPECT_EQ(server.limits.max_chunk_streams, 200u);
  EXPECT_EQ(server.limits.max_held_bytes, 3u << 20);
  EXPECT_EQ(server.max_connection_bytes, 5u << 20);
  EXPECT_EQ(server.amf.max_depth, 8u);
  EXPECT_EQ(server.amf.max_elements, 500u);
  const auto admission = config.admission();
  EXPECT_EQ(admission.max_connections, 300u);
  EXPECT_EQ(admission.max_connections_per_ip, 20u);
  EXPECT_EQ(admission.max_publishers, 7u);
  EXPECT_EQ(admission.max_streams_per_app, 3u);
}

TEST(RtmpConfig, LimitsOutOfRangeAreRefused) {
  // A message of the largest allowed size must fit in what a connection may hold.
  for (const char* setting : {R"(max-partial-size="1M")", R"(max-connection-memory="1M")"}) {
    const auto error = error_of(std::string(R"(<plugin name="rtmp" max-message-size="2M" )") +
                                setting + "/>");
    EXPECT_NE(error.find("out of range"), std::string::npos) << setting << ": " << error;
  }
  EXPECT_EQ(error_of(R"(<plugin name="rtmp" max-message-size="1M" max-partial-size="1M"/>)"), "");
  EXPECT_NE(error_of(R"(<plugin name="rtmp" max-connections="0"/>)").find("out of range"),
            std::string::npos);
  EXPECT_NE(error_of(R"(<plugin name="rtmp" max-amf-depth="65"/>)").find("out of range"),
            std::string::npos)
      << "the AMF decoders never go deeper than 64";
  EXPECT_NE(error_of(R"(<plugin name="rtmp" max-chunk-streams="70000"/>)").find("out of range"),
            std::string::npos)
      << "the 3-byte basic header names at most 65599";
}

TEST(RtmpConfig, EverySetting) {
  const auto config = parse(R"(<plugin name="rtmp" chunk-size="64k" write-coalesce="50ms"
      handshake-timeout="5s" idle-timeout="1m" player-lag-timeout="3s" max-message-size="1M"
      player-queue-size="2M" window-ack-size="1M" hold-audio-for-video="off">
    <listen>127.0.0.1:1935, [::1]:1936 2000</listen>
    <player-queue-duration>4s</player-queue-duration>
  </plugin>)");
  ASSERT_EQ(config.listen.size(), 3u);
  EXPECT_EQ(config.listen[0].host, "127.0.0.1");
  EXPECT_EQ(config.listen[0].port, 1935);
  EXPECT_EQ(config.listen[1].host, "::1");
  EXPECT_EQ(config.listen[1].port, 1936);
  EXPECT_EQ(config.listen[2].host, "") << "a bare port means every interface";
  EXPECT_EQ(config.listen[2].port, 2000);
  EXPECT_EQ(config.chunk_size, 65536u);
  EXPECT_EQ(config.write_coalesce, 50ms);
  EXPECT_FALSE(config.hold_for_video);
  EXPECT_EQ(config.handshake_timeout, 5s);
  EXPECT_EQ(config.idle_timeout, 60s);
  EXPECT_EQ(config.player_lag_timeout, 3s);
  EXPECT_EQ(config.max_message_bytes, 1u << 20);
  EXPECT_EQ(config.player_queue_bytes, 2u << 20);
  EXPECT_EQ(config.player_queue_duration, 4s);
  EXPECT_EQ(config.window_ack_size, 1u << 20);

  // What the protocol and the bus are given.
  const auto server = config.server();
  EXPECT_EQ(server.chunk_size, 65536u);
  EXPECT_EQ(server.window_ack_size, 1u << 20);
  EXPECT_EQ(server.limits.max_message_bytes, 1u << 20);
  const auto subscribe = config.subscribe();
  EXPECT_EQ(subscribe.max_queue_bytes, 2u << 20);
  EXPECT_EQ(subscribe.max_queue_duration, 4s);
  EXPECT_TRUE(subscribe.replay_cache) << "late joiners need the GOP cache";
}

TEST(RtmpConfig, ProblemsNameTheSettingAndLine) {
  EXPECT_NE(error_of(R"(<plugin name="rtmp" listen="localhost:0"/>)").find("listen"),
            std::string::npos);
  EXPECT_NE(error_of(R"(<plugin name="rtmp" listen="1.2.3.4"/>)").find("not a listen address"),
            std::string::npos);
  EXPECT_NE(error_of(R"(<plugin name="rtmp" chunk-size="64"/>)").find("out of range"),
            std::string::npos);
  EXPECT_NE(error_of(R"(<plugin name="rtmp" max-message-size="32M"/>)").find("out of range"),
            std::string::npos)
      << "RTMP's length field has 24 bits";
  EXPECT_NE(error_of(R"(<plugin name="rtmp" write-coalesce="soon"/>)").find("not a duration"),
            std::string::npos);
  EXPECT_NE(error_of(R"(<plugin name="rtmp" hold-audio-for-video="maybe"/>)")
                .find("hold-audio-for-video"),
            std::string::npos);
  const auto typo = error_of("<plugin name=\"rtmp\">\n  <chunk-szie>4096</chunk-szie>\n</plugin>");
  EXPECT_NE(typo.find("test.xml:3"), std::string::npos) << typo;
  EXPECT_NE(typo.find("did you mean <chunk-size>"), std::string::npos) << typo;
}

TEST(RtmpConfig, TheShippedConfigShowsTheDefaults) {
  // etc/streamgate.xml documents every option with its default: keep it true.
  const char* source = std::getenv("STREAMGATE_SOURCE_DIR");
  ASSERT_NE(source, nullptr);
  auto document = config::ConfigDocument::load_file(std::filesystem::path(source) / "etc/streamgate.xml");
  const ConfigNode* rtmp = nullptr;
  for (const auto* plugin : document.root().children("plugin"))
    if (plugin->raw("name") == "rtmp") rtmp = plugin;
  ASSERT_NE(rtmp, nullptr);
  (void)rtmp->raw("enabled");
  const auto shipped = parse_rtmp_config(*rtmp);
  const RtmpConfig defaults;
  ASSERT_EQ(shipped.listen.size(), defaults.listen.size());
  EXPECT_EQ(shipped.listen[0].str(), defaults.listen[0].str());
  EXPECT_EQ(shipped.chunk_size, defaults.chunk_size);
  EXPECT_EQ(shipped.max_message_bytes, defaults.max_message_bytes);
  EXPECT_EQ(shipped.write_coalesce, defaults.write_coalesce);
  EXPECT_EQ(shipped.hold_for_video, defaults.hold_for_video);
  EXPECT_EQ(shipped.handshake_timeout, defaults.handshake_timeout);
  EXPECT_EQ(shipped.idle_timeout, defaults.idle_timeout);
  EXPECT_EQ(shipped.player_lag_timeout, defaults.player_lag_timeout);
  EXPECT_EQ(shipped.player_queue_bytes, defaults.player_queue_bytes);
  EXPECT_EQ(shipped.player_queue_duration, defaults.player_queue_duration);
  EXPECT_EQ(shipped.window_ack_size, defaults.window_ack_size);
  EXPECT_EQ(shipped.max_connections, defaults.max_connections);
  EXPECT_EQ(shipped.max_connections_per_ip, defaults.max_connections_per_ip);
  EXPECT_EQ(shipped.max_publishers, defaults.max_publishers);
  EXPECT_EQ(shipped.max_streams_per_app, defaults.max_streams_per_app);
  EXPECT_EQ(shipped.max_chunk_streams, defaults.max_chunk_streams);
  EXPECT_EQ(shipped.max_partial_bytes, defaults.max_partial_bytes);
  EXPECT_EQ(shipped.max_connection_bytes, defaults.max_connection_bytes);
  EXPECT_EQ(shipped.max_amf_depth, defaults.max_amf_depth);
  EXPECT_EQ(shipped.max_amf_elements, defaults.max_amf_elements);
}

TEST(RtmpConfig, SeveralListenElementsAreRefusedWithAHint) {
  // One <listen> holds a list; the config node refuses repeats rather than
  // silently keeping one.
  const auto error = error_of(
      "<plugin name=\"rtmp\"><listen>1935</listen><listen>[::]:1935</listen></plugin>");
  EXPECT_NE(error.find("more than once"), std::string::npos) << error;
}

}  // namespace
}  // namespace streamgate::rtmp
