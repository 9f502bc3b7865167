// The hls settings as an operator writes them, through the core's XML config.
#include "hls_config.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "config/config_document.hpp"
#include "config/xml_config_node.hpp"
#include "mpegts/shipped_config.hpp"  // a test helper shared with the mpegts config test

namespace streamgate::hls {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

HlsConfig parse_plugin(const std::string& attributes, const std::string& children = "") {
  const auto document = config::ConfigDocument::parse(
      "/etc/streamgate/gateway.xml",
      "<streamgate>\n<plugin name=\"hls\" " + attributes + ">" + children + "</plugin>\n</streamgate>\n");
  const auto plugins = document.root().children("plugin");
  EXPECT_EQ(plugins.size(), 1u);
  plugins.front()->raw("name");
  auto config = parse_hls_config(*plugins.front());
  plugins.front()->check_all_read();  // every setting given was understood
  return config;
}

TEST(HlsConfig, Defaults) {
  const auto config = parse_plugin("");
  EXPECT_TRUE(config.apps.empty());
  EXPECT_EQ(config.fragment, seconds(2));
  EXPECT_EQ(config.max_fragment, seconds(6));
  EXPECT_EQ(config.playlist_segments, 6u);
  EXPECT_EQ(config.on_end, EndMode::Endlist);
  EXPECT_EQ(config.end_delay, seconds(30));
  EXPECT_EQ(config.endlist_delay, seconds(10));
  EXPECT_FALSE(config.packager().endlist_on_end) << "ENDLIST waits endlist-delay";
  EXPECT_FALSE(config.disk);
  EXPECT_EQ(config.segment_max_age, seconds(86400));
  EXPECT_EQ(config.max_segment_bytes, 64u << 20);
}

TEST(HlsConfig, ReadsEverySetting) {
  const auto config = parse_plugin(
      "apps=\"live, studio\" fragment=\"1s\" max-fragment=\"4s\" on-end=\"remove\" end-delay=\"10s\" "
      "endlist-delay=\"2s\" disk=\"on\" segment-max-age=\"600\" max-segment-size=\"8M\"",
      "<playlist-length>20s</playlist-length><folder>hls-out</folder>");
  EXPECT_EQ(config.apps, (std::vector<std::string>{"live", "studio"}));
  EXPECT_EQ(config.fragment, seconds(1));
  EXPECT_EQ(config.max_fragment, seconds(4));
  EXPECT_EQ(config.playlist_segments, 0u);
  EXPECT_EQ(config.playlist_duration, seconds(20));
  EXPECT_EQ(config.on_end, EndMode::Remove);
  EXPECT_EQ(config.end_delay, seconds(10));
  EXPECT_EQ(config.endlist_delay, seconds(2));
  EXPECT_TRUE(config.disk);
  EXPECT_EQ(config.disk_path, std::filesystem::path("hls-out"));  // relative to the working folder
  EXPECT_EQ(config.segment_max_age, seconds(600));
  EXPECT_EQ(config.max_segment_bytes, 8u << 20);

  const auto packager = config.packager();
  EXPECT_EQ(packager.segmenter.fragment, seconds(1));
  EXPECT_EQ(packager.segmenter.max_fragment, seconds(4));
  EXPECT_EQ(packager.playlist.max_duration, seconds(20));
  EXPECT_FALSE(packager.endlist_on_end);
}

TEST(HlsConfig, EndlistDelayZeroEndsAtOnce) {
  EXPECT_TRUE(parse_plugin("endlist-delay=\"0\"").packager().endlist_on_end);
  EXPECT_FALSE(parse_plugin("endlist-delay=\"0\" on-end=\"remove\"").packager().endlist_on_end);
}

TEST(HlsConfig, PlaylistLengthAsACount) {
  EXPECT_EQ(parse_plugin("playlist-length=\"10\"").playlist_segments, 10u);
}

TEST(HlsConfig, MaxFragmentFollowsTheFragmentByDefault) {
  EXPECT_EQ(parse_plugin("fragment=\"4s\"").max_fragment, seconds(12));
  EXPECT_EQ(parse_plugin("fragment=\"500ms\"").max_fragment, seconds(6));  // never below the 6 s default
}

TEST(HlsConfig, AbsolutePathStaysAsWritten) {
  EXPECT_EQ(parse_plugin("disk=\"on\" folder=\"/var/www/hls/\"").disk_path, std::filesystem::path("/var/www/hls/"));
}

void expect_error(const std::string& attributes, const std::string& needle) {
  try {
    parse_plugin(attributes);
    ADD_FAILURE() << "accepted: " << attributes;
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    EXPECT_EQ(e.line(), 2) << e.what();
  }
}

TEST(HlsConfig, RefusesBadSettingsNamingTheLine) {
  expect_error("fragment=\"100ms\"", "fragment");
  expect_error("fragment=\"soon\"", "fragment");
  expect_error("fragment=\"4s\" max-fragment=\"2s\"", "max-fragment");
  expect_error("playlist-length=\"0\"", "playlist-length");
  expect_error("playlist-length=\"5000\"", "playlist-length");
  expect_error("playlist-length=\"forever\"", "playlist-length");
  expect_error("on-end=\"keep\"", "on-end");
  expect_error("disk=\"on\"", "folder");
  expect_error("disk=\"maybe\"", "disk");
}

TEST(HlsConfig, TheShippedConfigShowsTheDefaults) {
  // etc/streamgate.xml documents every option with its default: keep it true.
  const auto shipped_config = streamgate::test::ShippedConfig::load();
  const auto* section = shipped_config.plugin("hls");
  ASSERT_NE(section, nullptr);
  EXPECT_EQ(section->raw("enabled"), "true");
  const streamgate::test::AskedSettings asked(*section);
  const auto shipped = parse_hls_config(asked);
  section->check_all_read();  // every element shown is a real setting
  // max-fragment is shown in a comment only: its default follows fragment
  // (3 x fragment), and a value set would stay when fragment changes.
  streamgate::test::expect_every_setting_shown(asked, *section, {"max-fragment"});
  EXPECT_TRUE(asked.asked().contains("max-fragment"));
  EXPECT_FALSE(section->raw("max-fragment"));
  std::ifstream in(shipped_config.path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto open = text.find("<max-fragment>");
  ASSERT_NE(open, std::string::npos) << "etc/streamgate.xml does not show max-fragment";
  const auto value = text.substr(open + 14, text.find('<', open + 1) - open - 14);
  EXPECT_EQ(parse_duration(value), HlsConfig{}.max_fragment) << value;

  const HlsConfig defaults;
  EXPECT_EQ(shipped.apps, defaults.apps);
  EXPECT_EQ(shipped.fragment, defaults.fragment);
  EXPECT_EQ(shipped.max_fragment, defaults.max_fragment);
  EXPECT_EQ(shipped.max_fragment, 3 * defaults.fragment);
  EXPECT_EQ(shipped.playlist_segments, defaults.playlist_segments);
  EXPECT_EQ(shipped.playlist_duration, defaults.playlist_duration);
  EXPECT_EQ(shipped.on_end, defaults.on_end);
  EXPECT_EQ(shipped.end_delay, defaults.end_delay);
  EXPECT_EQ(shipped.endlist_delay, defaults.endlist_delay);
  EXPECT_EQ(shipped.disk, defaults.disk);
  EXPECT_EQ(shipped.disk_path, defaults.disk_path);
  EXPECT_EQ(shipped.segment_max_age, defaults.segment_max_age);
  EXPECT_EQ(shipped.max_segment_bytes, defaults.max_segment_bytes);
}

}  // namespace
}  // namespace streamgate::hls
