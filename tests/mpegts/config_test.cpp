// The plugin's settings read from real XML through the core's config node:
// defaults, every setting, hex PIDs, ranges, and typos caught.

#include <gtest/gtest.h>

#include "config/config_document.hpp"
#include "mpegts_config.hpp"
#include "shipped_config.hpp"

namespace streamgate::mpegts {
namespace {

using namespace std::chrono_literals;

MpegtsConfig parse(const std::string& plugin_element) {
  auto document = config::ConfigDocument::parse(
      "test.xml", "<streamgate>\n" + plugin_element + "\n</streamgate>\n");
  const auto& node = *document.root().children("plugin").at(0);
  (void)node.raw("name");  // the host's own attribute, read before configure()
  auto config = parse_mpegts_config(node);
  node.check_all_read();  // what the host does after configure(): unknown settings are errors
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

TEST(MpegtsConfig, DefaultsWhenNothingIsSet) {
  const auto config = parse(R"(<plugin name="mpegts"/>)");
  const MuxerConfig defaults;
  EXPECT_TRUE(config.apps.empty());
  EXPECT_EQ(config.muxer.pmt_pid, 0x1000);
  EXPECT_EQ(config.muxer.video_pid, 0x100);
  EXPECT_EQ(config.muxer.audio_pid, 0x101);
  EXPECT_EQ(config.muxer.program_number, 1);
  EXPECT_EQ(config.muxer.psi_interval, defaults.psi_interval);
  EXPECT_EQ(config.muxer.pcr_interval, defaults.pcr_interval);
  EXPECT_EQ(config.muxer.pcr_delay, defaults.pcr_delay);
  EXPECT_EQ(config.muxer.audio_group_frames, defaults.audio_group_frames);
  EXPECT_EQ(config.muxer.audio_group_delay, defaults.audio_group_delay);
  EXPECT_EQ(config.muxer.track_wait, defaults.track_wait);
  EXPECT_TRUE(config.http_ts);
  EXPECT_EQ(config.http_wait, 5s);
  EXPECT_EQ(config.queue_bytes, 16u << 20);
  EXPECT_EQ(config.http_queue_bytes, 4u << 20);
}

TEST(MpegtsConfig, EverySettingAsAttributeOrElement) {
  const auto config =
      parse(R"(<plugin name="mpegts" apps="live, studio" pmt-pid="0x0200" video-pid="0x210"
      audio-pid="529" program-number="7" transport-stream-id="42" psi-interval="250ms" pcr-interval="20ms"
      pcr-delay="1s" audio-group-frames="1" track-wait="0" queue-size="32M" queue-duration="20s"
      http-ts="off" http-wait="0" http-queue-size="1M">
    <audio-group-delay>100ms</audio-group-delay>
    <http-queue-duration>2s</http-queue-duration>
  </plugin>)");
  EXPECT_EQ(config.apps, (std::vector<std::string>{"live", "studio"}));
  EXPECT_EQ(config.muxer.pmt_pid, 0x200);
  EXPECT_EQ(config.muxer.video_pid, 0x210);
  EXPECT_EQ(config.muxer.audio_pid, 529);
  EXPECT_EQ(config.muxer.program_number, 7);
  EXPECT_EQ(config.muxer.transport_stream_id, 42);
  EXPECT_EQ(config.muxer.psi_interval, 250ms);
  EXPECT_EQ(config.muxer.pcr_interval, 20ms);
  EXPECT_EQ(config.muxer.pcr_delay, 1s);
  EXPECT_EQ(config.muxer.audio_group_frames, 1u);
  EXPECT_EQ(config.muxer.audio_group_delay, 100ms);
  EXPECT_EQ(config.muxer.track_wait, 0s);
  EXPECT_EQ(config.queue_bytes, 32u << 20);
  EXPECT_EQ(config.queue_duration, 20s);
  EXPECT_FALSE(config.http_ts);
  EXPECT_EQ(config.http_wait, 0s);
  EXPECT_EQ(config.http_queue_bytes, 1u << 20);
  EXPECT_EQ(config.http_queue_duration, 2s);
}

TEST(MpegtsConfig, RefusesBadValuesNamingFileLineAndSetting) {
  auto expect_error = [](const std::string& element, const std::string& fragment) {
    const auto error = error_of(element);
    EXPECT_NE(error.find("test.xml:2"), std::string::npos) << error;
    EXPECT_NE(error.find(fragment), std::string::npos) << error;
  };
  expect_error(R"(<plugin name="mpegts" video-pid="0x1FFF"/>)", "video-pid");       // the null PID
  expect_error(R"(<plugin name="mpegts" audio-pid="0x0F"/>)", "audio-pid");         // reserved
  expect_error(R"(<plugin name="mpegts" pmt-pid="0x10g"/>)", "pmt-pid");            // not a number
  expect_error(R"(<plugin name="mpegts" video-pid="0x101"/>)", "must all differ");  // = audio-pid
  expect_error(R"(<plugin name="mpegts" psi-interval="600ms"/>)",
               "psi-interval");  // TR 101 290: <= 500 ms
  expect_error(R"(<plugin name="mpegts" pcr-interval="150ms"/>)",
               "pcr-interval");  // ISO: <= 100 ms
  expect_error(R"(<plugin name="mpegts" audio-group-frames="0"/>)", "audio-group-frames");
  expect_error(R"(<plugin name="mpegts" http-ts="maybe"/>)", "http-ts");
  expect_error(R"(<plugin name="mpegts" pcr-dealy="1s"/>)", "pcr-dealy");  // a typo is not ignored
}

TEST(MpegtsConfig, TheShippedConfigShowsTheDefaults) {
  // etc/streamgate.xml documents every option with its default: keep it true.
  const auto shipped_config = streamgate::test::ShippedConfig::load();
  const auto* section = shipped_config.plugin("mpegts");
  ASSERT_NE(section, nullptr);
  EXPECT_EQ(section->raw("enabled"), "true");
  const streamgate::test::AskedSettings asked(*section);
  const auto shipped = parse_mpegts_config(asked);
  section->check_all_read();  // every element shown is a real setting
  streamgate::test::expect_every_setting_shown(asked, *section);

  const MpegtsConfig defaults;
  EXPECT_EQ(shipped.apps, defaults.apps);
  EXPECT_EQ(shipped.muxer.transport_stream_id, defaults.muxer.transport_stream_id);
  EXPECT_EQ(shipped.muxer.program_number, defaults.muxer.program_number);
  EXPECT_EQ(shipped.muxer.pmt_pid, defaults.muxer.pmt_pid);
  EXPECT_EQ(shipped.muxer.video_pid, defaults.muxer.video_pid);
  EXPECT_EQ(shipped.muxer.audio_pid, defaults.muxer.audio_pid);
  EXPECT_EQ(shipped.muxer.psi_interval, defaults.muxer.psi_interval);
  EXPECT_EQ(shipped.muxer.pcr_interval, defaults.muxer.pcr_interval);
  EXPECT_EQ(shipped.muxer.pcr_delay, defaults.muxer.pcr_delay);
  EXPECT_EQ(shipped.muxer.audio_group_frames, defaults.muxer.audio_group_frames);
  EXPECT_EQ(shipped.muxer.audio_group_delay, defaults.muxer.audio_group_delay);
  EXPECT_EQ(shipped.muxer.track_wait, defaults.muxer.track_wait);
  EXPECT_EQ(shipped.queue_bytes, defaults.queue_bytes);
  EXPECT_EQ(shipped.queue_duration, defaults.queue_duration);
  EXPECT_EQ(shipped.http_ts, defaults.http_ts);
  EXPECT_EQ(shipped.http_wait, defaults.http_wait);
  EXPECT_EQ(shipped.http_queue_bytes, defaults.http_queue_bytes);
  EXPECT_EQ(shipped.http_queue_duration, defaults.http_queue_duration);
}

}  // namespace
}  // namespace streamgate::mpegts
