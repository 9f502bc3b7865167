// The recorder's settings read from real XML through the core's config node:
// defaults, every setting, ranges, typos, and the shipped etc/streamgate.xml.

#include "flvrecord_config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "config/config_document.hpp"
#include "config/xml_config_node.hpp"

namespace streamgate::flvrecord {
namespace {

using namespace std::chrono_literals;

FlvRecordConfig parse(const std::string& plugin_element) {
  auto document = config::ConfigDocument::parse(
      "/etc/streamgate/test.xml", "<streamgate>\n" + plugin_element + "\n</streamgate>\n");
  const auto& node = *document.root().children("plugin").at(0);
  (void)node.raw("name");  // the host's own attribute, read before configure()
  auto config = parse_flvrecord_config(node);
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

TEST(FlvRecordConfig, DefaultsWhenNothingIsSet) {
  const auto config = parse(R"(<plugin name="flvrecord"/>)");
  EXPECT_TRUE(config.apps.empty());
  EXPECT_TRUE(config.streams.empty());
  EXPECT_EQ(config.mode, RecordMode::All);
  EXPECT_EQ(config.root,
            std::filesystem::path("/etc/streamgate/recordings"));  // next to the config
  EXPECT_EQ(config.path_template, "{app}/{stream}-{date}-{time}.flv");
  EXPECT_EQ(config.max_duration, 0ms);
  EXPECT_EQ(config.max_bytes, 0u);
  EXPECT_EQ(config.flush_interval, 1s);
  EXPECT_EQ(config.max_queue_bytes, 16u << 20);
  EXPECT_EQ(config.max_queue_duration, 30s);
  EXPECT_EQ(config.retry_after, 2s);
  EXPECT_EQ(config.index_capacity, 2000u);
  EXPECT_EQ(config.writer_threads, 1u);
}

TEST(FlvRecordConfig, ReadsEverySetting) {
  const auto config = parse(
      R"(<plugin name="flvrecord" apps="live, studio" streams="cam* ?x" mode="record" root="/srv/rec"
           max-duration="10m" max-size="1G" flush-interval="500ms" queue-size="32M"
           queue-duration="1m" retry-after="5s" index-size="4000" writer-threads="2">
           <file>{app}/{date}/{stream}-{unix}.flv</file></plugin>)");
  EXPECT_EQ(config.apps, (std::vector<std::string>{"live", "studio"}));
  EXPECT_EQ(config.streams, (std::vector<std::string>{"cam*", "?x"}));
  EXPECT_EQ(config.mode, RecordMode::Record);
  EXPECT_EQ(config.root, std::filesystem::path("/srv/rec"));
  EXPECT_EQ(config.path_template, "{app}/{date}/{stream}-{unix}.flv");
  EXPECT_EQ(config.max_duration, 10min);
  EXPECT_EQ(config.max_bytes, 1u << 30);
  EXPECT_EQ(config.flush_interval, 500ms);
  EXPECT_EQ(config.max_queue_bytes, 32u << 20);
  EXPECT_EQ(config.max_queue_duration, 1min);
  EXPECT_EQ(config.retry_after, 5s);
  EXPECT_EQ(config.index_capacity, 4000u);
  EXPECT_EQ(config.writer_threads, 2u);

  const RecordingOptions recording = config.recording();
  EXPECT_EQ(recording.segments.max_duration, 10min);
  EXPECT_EQ(recording.segments.max_bytes, 1u << 30);
  EXPECT_EQ(recording.writer.index.capacity, 4000u);
  EXPECT_EQ(recording.retry_after, 5s);
}

TEST(FlvRecordConfig, BadValuesNameFileLineAndReason) {
  EXPECT_NE(error_of(R"(<plugin name="flvrecord" mode="sometimes"/>)").find("mode"),
            std::string::npos);
  const auto placeholder = error_of(R"(<plugin name="flvrecord" file="{app}/{name}.flv"/>)");
  EXPECT_NE(placeholder.find("unknown placeholder {name}"), std::string::npos) << placeholder;
  EXPECT_NE(placeholder.find("/etc/streamgate/test.xml:2"), std::string::npos) << placeholder;
  const auto escape = error_of(R"(<plugin name="flvrecord" file="../{stream}.flv"/>)");
  EXPECT_NE(escape.find("'..'"), std::string::npos) << escape;
  const auto absolute = error_of(R"(<plugin name="flvrecord" file="/tmp/{stream}.flv"/>)");
  EXPECT_NE(absolute.find("relative"), std::string::npos) << absolute;
  EXPECT_NE(error_of(R"(<plugin name="flvrecord" max-duration="200ms"/>)").find("at least 1s"),
            std::string::npos);
  EXPECT_NE(error_of(R"(<plugin name="flvrecord" max-size="1k"/>)").find("at least 64k"),
            std::string::npos);
  EXPECT_NE(error_of(R"(<plugin name="flvrecord" flush-interval="10ms"/>)"), "");
  EXPECT_NE(error_of(R"(<plugin name="flvrecord" index-size="100000"/>)"), "");
  EXPECT_NE(error_of(R"(<plugin name="flvrecord" writer-threads="0"/>)"), "");
  EXPECT_NE(error_of(R"(<plugin name="flvrecord" root=""/>)").find("root"), std::string::npos);
  const auto typo =
      error_of("<plugin name=\"flvrecord\">\n  <flush-intervall>1s</flush-intervall>\n</plugin>");
  EXPECT_NE(typo.find("test.xml:3"), std::string::npos) << typo;
  EXPECT_NE(typo.find("did you mean <flush-interval>"), std::string::npos) << typo;
}

TEST(FlvRecordConfig, TheShippedConfigShowsTheDefaults) {
  // etc/streamgate.xml documents every option with its default: keep it true.
  const char* source = std::getenv("STREAMGATE_SOURCE_DIR");
  ASSERT_NE(source, nullptr);
  const auto path = std::filesystem::path(source) / "etc/streamgate.xml";
  auto document = config::ConfigDocument::load_file(path);
  const config::XmlConfigNode* section = nullptr;
  for (const auto* plugin : document.root().children("plugin"))
    if (plugin->raw("name") == "flvrecord") section = plugin;
  ASSERT_NE(section, nullptr);
  EXPECT_EQ(section->raw("enabled"), "false");  // recording is opt-in
  const auto shipped = parse_flvrecord_config(*section);
  section->check_all_read();  // every element shown is a real setting
  const FlvRecordConfig defaults;
  EXPECT_EQ(shipped.apps, defaults.apps);
  EXPECT_EQ(shipped.streams, defaults.streams);
  EXPECT_EQ(shipped.mode, defaults.mode);
  EXPECT_EQ(shipped.root, (path.parent_path() / defaults.root).lexically_normal());
  EXPECT_EQ(shipped.path_template, defaults.path_template);
  EXPECT_EQ(shipped.max_duration, defaults.max_duration);
  EXPECT_EQ(shipped.max_bytes, defaults.max_bytes);
  EXPECT_EQ(shipped.flush_interval, defaults.flush_interval);
  EXPECT_EQ(shipped.max_queue_bytes, defaults.max_queue_bytes);
  EXPECT_EQ(shipped.max_queue_duration, defaults.max_queue_duration);
  EXPECT_EQ(shipped.retry_after, defaults.retry_after);
  EXPECT_EQ(shipped.index_capacity, defaults.index_capacity);
  EXPECT_EQ(shipped.writer_threads, defaults.writer_threads);
}

}  // namespace
}  // namespace streamgate::flvrecord
