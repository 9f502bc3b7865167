#pragma once
// The fixture for the hls service tests: a real LocalBus, a fake host (manual
// executor, fake clock, capturing router) and a reader for playlists as a
// player parses them (RFC 8216 §4.3).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fake_host.hpp"
#include "hls_service.hpp"
#include "test_bus.hpp"
#include "ts_units.hpp"

namespace streamgate::hls::test {


struct ParsedPlaylist {
  std::int64_t target = -1;
  std::uint64_t media_sequence = 0;
  std::uint64_t discontinuity_sequence = 0;
  bool endlist = false;
  std::vector<std::string> uris;
  std::vector<double> extinf;
  std::vector<bool> discontinuity;  ///< per segment
};

// Reads the playlist as a player does (RFC 8216 §4.3).
inline ParsedPlaylist parse(const std::string& text) {
  ParsedPlaylist out;
  std::istringstream in(text);
  std::string line;
  bool pending_discontinuity = false;
  EXPECT_TRUE(std::getline(in, line) && line == "#EXTM3U");
  while (std::getline(in, line)) {
    if (line.starts_with("#EXT-X-TARGETDURATION:")) out.target = std::stoll(line.substr(22));
    else if (line.starts_with("#EXT-X-MEDIA-SEQUENCE:")) out.media_sequence = std::stoull(line.substr(22));
    else if (line.starts_with("#EXT-X-DISCONTINUITY-SEQUENCE:")) out.discontinuity_sequence = std::stoull(line.substr(30));
    else if (line == "#EXT-X-DISCONTINUITY") pending_discontinuity = true;
    else if (line == "#EXT-X-ENDLIST") out.endlist = true;
    else if (line.starts_with("#EXTINF:")) out.extinf.push_back(std::stod(line.substr(8)));
    else if (!line.empty() && line[0] != '#') {
      out.uris.push_back(line);
      out.discontinuity.push_back(pending_discontinuity);
      pending_discontinuity = false;
    }
  }
  return out;
}

inline std::uint64_t sequence_of(const std::string& uri) {
  return std::stoull(uri.substr(uri.rfind('/') + 1));
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

class HlsServiceTest : public ::testing::Test {
 protected:
  HlsServiceTest() : bus_(make_test_bus()), host_(*bus_, {"live", "other"}) {}
  ~HlsServiceTest() override {
    if (service_) service_->stop();
  }

  void start(HlsConfig config = {}) {
    config_ = config;
    service_ = std::make_unique<HlsService>(config, host_, [this] { return host_.clock.wall(); });
    service_->start();
  }

  std::unique_ptr<Publisher> publish(const std::string& name, const std::string& app = "live") {
    PublishInfo info;
    info.protocol = "internal";
    info.peer = "10.0.0.1:5000";
    auto publisher = bus_->publish(StreamKey{app, name, "mpegts"}, info);
    EXPECT_TRUE(publisher);
    host_.executor.run();
    return publisher;
  }

  // 25 fps from `from_ms` for `seconds`, a keyframe unit at every even second;
  // the wall clock moves along. Returns the payloads pushed.
  std::vector<SharedBytes> video(Publisher& publisher, std::int64_t from_ms, int seconds) {
    std::vector<SharedBytes> sent;
    for (int i = 0; i < seconds * 25; ++i) {
      const std::int64_t dts = from_ms + i * 40;
      auto packet = std::make_shared<MediaPacket>();
      packet->kind = TrackKind::Mux;
      packet->codec = Codec::MpegTs;
      packet->dts = packet->pts = ms(dts);
      packet->keyframe = dts % 2000 == 0;
      packet->payload = ts_unit(packet->keyframe, static_cast<std::uint8_t>(i));
      sent.push_back(packet->payload);
      publisher.push(packet);
      host_.clock.advance(std::chrono::milliseconds(40));
      host_.executor.run();
    }
    return sent;
  }

  // "cam" publishes `seconds` of video and leaves.
  void publish_then_end(int seconds) {
    auto publisher = publish("cam");
    video(*publisher, 0, seconds);
    publisher.reset();
    host_.executor.run();
  }

  FakeReply get(const std::string& path) {
    host_.executor.run();
    return host_.router.get(path);
  }
  ParsedPlaylist playlist(const std::string& path = "/live/cam.m3u8") {
    auto reply = get(path);
    EXPECT_EQ(reply.status, 200) << path;
    return parse(reply.body);
  }

  std::unique_ptr<Bus> bus_;
  FakeHost host_;
  HlsConfig config_;
  std::unique_ptr<HlsService> service_;
};

}  // namespace streamgate::hls::test
