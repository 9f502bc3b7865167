// RTMP publish types through the real binary: ffmpeg always publishes "live",
// so the protocol library's test client publishes "record" and "append".

#include <gtest/gtest.h>

#include <thread>

#include "file_bytes.hpp"
#include "memory_files.hpp"
#include "rtmp/rtmp_test_client.hpp"
#include "support/gateway.hpp"

namespace streamgate::flvrecord {
namespace {

using namespace test;
using namespace std::chrono_literals;
namespace st = streamgate::test;
using rtmp::MessageType;

// FLV tag bodies (E.4.3.1 AVC, E.4.2.1 AAC) with placeholder codec bytes.
std::vector<std::byte> body(std::initializer_list<int> head, std::size_t size) {
  std::vector<std::byte> out(size, std::byte{0x5A});
  std::size_t i = 0;
  for (int b : head) out[i++] = std::byte(b);
  return out;
}

// Publishes live/`name` with RTMP type `type`: configs, then `duration_ms` of
// 25 fps video (a keyframe every second) and audio every 23 ms, then leaves.
void publish(std::uint16_t port, const std::string& name, std::string_view type,
             std::int64_t duration_ms) {
  rtmp::test::RtmpTestClient client(port);
  ASSERT_EQ(client.connect("live"), "NetConnection.Connect.Success");
  const auto id = client.create_stream();
  ASSERT_NE(id, 0u);
  client.protocol().publish(id, name, type);
  ASSERT_TRUE(client.wait_until([&] { return client.has_status(id, "NetStream.Publish.Start"); }))
      << "publish " << name << " as " << type;
  auto& protocol = client.protocol();
  protocol.send_media(id, MessageType::Video, 0,
                      body({0x17, 0x00, 0, 0, 0, 0x01, 0x64, 0x00, 0x1F, 0xFF, 0xE0, 0x00}, 12));
  protocol.send_media(id, MessageType::Audio, 0, body({0xAF, 0x00, 0x12, 0x10}, 4));
  std::int64_t audio_ms = 0;
  for (std::int64_t ms = 0; ms < duration_ms; ms += 40) {
    for (; audio_ms <= ms; audio_ms += 23)
      protocol.send_media(id, MessageType::Audio, audio_ms, body({0xAF, 0x01}, 40));
    const bool key = ms % 1000 == 0;
    protocol.send_media(id, MessageType::Video, ms, body({key ? 0x17 : 0x27, 0x01, 0, 0, 0}, 500));
  }
  client.flush();
  std::this_thread::sleep_for(100ms);  // let the server read it all before the socket closes
}

TEST(FlvRecordGateway, ModeRecordTakesRecordPublishesAndAppendContinuesTheFile) {
  st::GatewayOptions options;
  options.plugins = st::rtmp_plugin() +
                    "<plugin name=\"flvrecord\" enabled=\"true\">\n  <root>{dir}/rec</root>\n"
                    "  <file>{app}/{stream}.flv</file>\n  <mode>record</mode>\n</plugin>\n";
  st::Gateway gateway(options);
  gateway.start();
  const auto closed = [&](const std::string& name, int times) {
    const std::string line = "file '" + (gateway.dir() / "rec/live" / name).string() + "' closed";
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    for (;;) {
      int seen = 0;
      const std::string log = gateway.log();
      for (auto at = log.find(line); at != std::string::npos; at = log.find(line, at + 1)) ++seen;
      if (seen >= times) return true;
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(50ms);
    }
  };

  publish(gateway.rtmp_port(), "live-type", "live", 1000);
  publish(gateway.rtmp_port(), "cam", "record", 2000);
  ASSERT_TRUE(closed("cam.flv", 1)) << gateway.log();
  publish(gateway.rtmp_port(), "cam", "append", 2000);  // its clock starts at 0 again
  ASSERT_TRUE(closed("cam.flv", 2)) << gateway.log();

  EXPECT_EQ(files_under(gateway.dir() / "rec"), std::vector<std::string>{"live/cam.flv"});
  const Bytes bytes = read_bytes(gateway.dir() / "rec/live/cam.flv");
  const ReadFile file = read_file(bytes);
  ASSERT_EQ(file.error, "");
  std::vector<std::uint32_t> video_times;
  for (const auto& t : file.tags)
    if (t.tag.type == flv::TagType::Video && t.tag.body[1] == std::byte{1})
      video_times.push_back(t.tag.timestamp_ms);
  EXPECT_EQ(video_times.size(), 100u);  // 50 frames from each publish
  EXPECT_TRUE(std::is_sorted(video_times.begin(), video_times.end()));
  EXPECT_GE(video_times[50], 1960u);  // the appended frames follow the first publish's
  const amf0::Value meta = metadata_of(file);
  ASSERT_NE(meta.find("duration"), nullptr);
  EXPECT_NEAR(meta.find("duration")->as_number(), 4.0, 0.1);
  EXPECT_EQ(meta.find("filesize")->as_number(), double(bytes.size()));
  EXPECT_EQ(gateway.stop(), 0);
}

}  // namespace
}  // namespace streamgate::flvrecord
