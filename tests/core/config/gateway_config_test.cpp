// Gateway-level settings parse into GatewayConfig; the shipped default config
// parses and enables what the README promises.
#include <gtest/gtest.h>

#include <cstdlib>
#include "config/config_document.hpp"
#include "config/gateway_config.hpp"

namespace streamgate::config {
namespace {

using std::chrono::milliseconds;

TEST(GatewayConfig, EmptyRootGivesTheDefaults) {
  auto document = ConfigDocument::parse("t.xml", "<streamgate/>");
  const auto config = parse_gateway_config(document.root());
  EXPECT_EQ(config.file, "t.xml");
  EXPECT_EQ(config.log.level, "info");
  EXPECT_TRUE(config.log.console);
  EXPECT_TRUE(config.log.file.empty());
  EXPECT_EQ(config.log.max_size_bytes, 10u << 20);
  EXPECT_EQ(config.log.max_files, 5u);
  EXPECT_EQ(config.worker_threads, 0u);
  EXPECT_TRUE(config.plugin_folder.empty());
  EXPECT_TRUE(config.http.enabled);
  ASSERT_EQ(config.http.listen.size(), 1u);
  EXPECT_EQ(config.http.listen[0].str(), "0.0.0.0:8080");
  EXPECT_EQ(config.http.max_request_bytes, 16u << 10);
  EXPECT_EQ(config.http.keepalive_timeout, milliseconds{30'000});
  EXPECT_EQ(config.http.request_timeout, milliseconds{10'000});
  EXPECT_EQ(config.http.max_connections, 10'000u);
  EXPECT_EQ(config.http.max_connections_per_ip, 2'000u);
  EXPECT_TRUE(config.apps.empty());
  EXPECT_TRUE(config.plugins.empty());
}

TEST(GatewayConfig, EverySettingIsRead) {
  const char* xml = R"(<?xml version="1.0"?>
<streamgate>
  <log level="debug" console="off" file="/var/log/sg.log" max-size="1M" max-files="3"/>
  <workers threads="4"/>
  <plugins folder="/opt/sg/plugins"/>
  <http enabled="true" max-request-size="32k" keepalive-timeout="5s" request-timeout="2s"
        max-connections="100" max-connections-per-ip="7">
    <listen>127.0.0.1:8080, [::1]:8080</listen>
  </http>
  <app name="live"/>
  <app name="vod"/>
  <plugin name="rtmp" enabled="true"><listen>1935</listen></plugin>
  <plugin name="flvrecord" enabled="false" path="/x/libfoo.so"><anything at="all"/></plugin>
</streamgate>
)";
  auto document = ConfigDocument::parse("full.xml", xml);
  const auto config = parse_gateway_config(document.root());
  EXPECT_EQ(config.log.level, "debug");
  EXPECT_FALSE(config.log.console);
  EXPECT_EQ(config.log.file, "/var/log/sg.log");
  EXPECT_EQ(config.log.max_size_bytes, 1u << 20);
  EXPECT_EQ(config.log.max_files, 3u);
  EXPECT_EQ(config.worker_threads, 4u);
  EXPECT_EQ(config.plugin_folder, "/opt/sg/plugins");
  ASSERT_EQ(config.http.listen.size(), 2u);
  EXPECT_EQ(config.http.listen[0].str(), "127.0.0.1:8080");
  EXPECT_EQ(config.http.listen[1].str(), "[::1]:8080");
  EXPECT_EQ(config.http.max_request_bytes, 32u << 10);
  EXPECT_EQ(config.http.keepalive_timeout, milliseconds{5000});
  EXPECT_EQ(config.http.request_timeout, milliseconds{2000});
  EXPECT_EQ(config.http.max_connections, 100u);
  EXPECT_EQ(config.http.max_connections_per_ip, 7u);
  ASSERT_EQ(config.apps.size(), 2u);
  EXPECT_EQ(config.apps[0].name, "live");
  EXPECT_EQ(config.apps[1].name, "vod");
  ASSERT_EQ(config.plugins.size(), 2u);
  EXPECT_EQ(config.plugins[0].name, "rtmp");
  EXPECT_TRUE(config.plugins[0].enabled);
  EXPECT_TRUE(config.plugins[0].path.empty());
  EXPECT_EQ(config.plugins[0].node->line(), 12);
  EXPECT_EQ(config.plugins[1].name, "flvrecord");
  EXPECT_FALSE(config.plugins[1].enabled);
  EXPECT_EQ(config.plugins[1].path, "/x/libfoo.so");
  // A disabled plugin's settings are nobody's to check.
  EXPECT_NO_THROW(config.plugins[1].node->check_all_read());
  // An enabled one's are checked once its plugin has read them.
  EXPECT_THROW(config.plugins[0].node->check_all_read(), ConfigError);
}

TEST(GatewayConfig, ListenAddressesMayBeAnAttributeList) {
  auto document = ConfigDocument::parse(
      "t.xml", "<streamgate><http listen=\"8080 [::]:8080\"/></streamgate>");
  const auto config = parse_gateway_config(document.root());
  ASSERT_EQ(config.http.listen.size(), 2u);
  EXPECT_EQ(config.http.listen[0].str(), "*:8080");
  EXPECT_EQ(config.http.listen[1].str(), "[::]:8080");
}

TEST(GatewayConfig, TheShippedConfigParses) {
  const char* source = std::getenv("STREAMGATE_SOURCE_DIR");
  ASSERT_NE(source, nullptr);
  auto document = ConfigDocument::load_file(std::filesystem::path(source) / "etc/streamgate.xml");
  const auto config = parse_gateway_config(document.root());
  ASSERT_EQ(config.http.listen.size(), 1u);
  EXPECT_EQ(config.http.listen[0].str(), "0.0.0.0:8080");
  EXPECT_EQ(config.http.max_connections, HttpConfig{}.max_connections);
  EXPECT_EQ(config.http.max_connections_per_ip, HttpConfig{}.max_connections_per_ip);
  ASSERT_EQ(config.apps.size(), 1u);
  EXPECT_EQ(config.apps[0].name, "live");
  auto enabled = [&](const std::string& name) -> std::optional<bool> {
    for (const auto& plugin : config.plugins)
      if (plugin.name == name) return plugin.enabled;
    return std::nullopt;
  };
  EXPECT_EQ(enabled("rtmp"), true);
  EXPECT_EQ(enabled("mpegts"), true);
  EXPECT_EQ(enabled("hls"), true);
  EXPECT_EQ(enabled("flvrecord"), false);
}

}  // namespace
}  // namespace streamgate::config
