#pragma once
// FLV tag bodies for a publisher made by the test itself, when the test needs
// to choose the timestamps (backward steps, the 24-bit overflow) or the send
// times (latency). The codec bytes are placeholders: only the FLV headers
// (FLV 10.1 E.4.2.1, E.4.3.1) matter to the server.

#include <cstdint>
#include <vector>

#include "rtmp_test_client.hpp"

namespace streamgate::rtmp::test {

using TagBody = std::vector<std::byte>;

// Video: FrameType (1 key, 2 inter) | CodecID 7 (AVC); AVCPacketType; CTS 0.
inline TagBody avc_config() {
  TagBody body = {std::byte{0x17}, std::byte{0x00}, std::byte{0}, std::byte{0}, std::byte{0}};
  // AVCDecoderConfigurationRecord: version 1, profile 100, compat 0, level 31, 4-byte lengths, no SPS/PPS.
  for (int b : {0x01, 0x64, 0x00, 0x1F, 0xFF, 0xE0, 0x00}) body.push_back(std::byte(b));
  return body;
}
inline TagBody avc_frame(bool key, std::size_t size = 64) {
  TagBody body = {std::byte(key ? 0x17 : 0x27), std::byte{0x01}, std::byte{0}, std::byte{0},
                  std::byte{0}};
  const std::uint32_t nal = static_cast<std::uint32_t>(size);
  for (int shift : {24, 16, 8, 0}) body.push_back(std::byte((nal >> shift) & 0xFF));
  body.push_back(std::byte(key ? 0x65 : 0x41));
  body.resize(body.size() + size - 1, std::byte{0x5A});
  return body;
}
// Audio: SoundFormat 10 (AAC), 44 kHz, 16-bit, stereo = 0xAF; AACPacketType.
inline TagBody aac_config() { return {std::byte{0xAF}, std::byte{0x00}, std::byte{0x12}, std::byte{0x10}}; }
inline TagBody aac_frame() {
  TagBody body = {std::byte{0xAF}, std::byte{0x01}};
  body.resize(body.size() + 32, std::byte{0x21});
  return body;
}

/// A publisher client on live/`name` (Publish.Start seen) sending configs first.
struct SyntheticPublisher {
  SyntheticPublisher(std::uint16_t port, const std::string& name) : client(port) {
    EXPECT_EQ(client.connect("live"), "NetConnection.Connect.Success");
    stream_id = client.create_stream();
    EXPECT_EQ(client.publish(stream_id, name), "NetStream.Publish.Start");
  }
  void configs(std::int64_t timestamp_ms = 0) {
    send(MessageType::Video, timestamp_ms, avc_config());
    send(MessageType::Audio, timestamp_ms, aac_config());
  }
  void send(MessageType type, std::int64_t timestamp_ms, const TagBody& body) {
    client.protocol().send_media(stream_id, type, timestamp_ms, body);
    client.flush();
  }

  RtmpTestClient client;
  std::uint32_t stream_id = 0;
};

}  // namespace streamgate::rtmp::test
