// Attacks on the chunk stream and AMF after a valid connect: chunk sizes 0
// and 2^31-1, messages announcing 16 MiB that never come, thousands of chunk
// stream ids, a 10 000-deep AMF value.

#include <thread>

#include "hardening_fixture.hpp"
#include "rtmp/synthetic_publisher.hpp"

namespace streamgate::hardening {
namespace {

using namespace std::string_view_literals;
using rtmp::MessageType;
using rtmp::test::RtmpTestClient;

constexpr std::uint32_t kVideoCsid = 6;

// A connected client with a stream created (its id in `stream_id`).
std::unique_ptr<RtmpTestClient> connected(std::uint16_t port, std::uint32_t* stream_id = nullptr) {
  auto client = std::make_unique<RtmpTestClient>(port);
  EXPECT_EQ(client->connect("live"), "NetConnection.Connect.Success");
  if (stream_id != nullptr) *stream_id = client->create_stream();
  return client;
}

// AMF0 §2.5: `depth` objects, each the property "a" of the one around it.
Bytes nested_amf0(std::size_t depth) {
  Bytes out;
  for (std::size_t i = 0; i < depth; ++i)
    out.insert(out.end(), {std::byte{0x03}, std::byte{0x00}, std::byte{0x01}, std::byte{'a'}});
  out.push_back(std::byte{0x05});
  for (std::size_t i = 0; i < depth; ++i)
    out.insert(out.end(), {std::byte{0x00}, std::byte{0x00}, std::byte{0x09}});
  return out;
}

// AMF0 0x11 then AMF3 §3.12 arrays of one dense item, `depth` deep: 3 bytes a level.
Bytes nested_amf3(std::size_t depth) {
  Bytes out = {std::byte{0x11}};
  for (std::size_t i = 0; i < depth; ++i)
    out.insert(out.end(), {std::byte{0x09}, std::byte{0x03}, std::byte{0x01}});
  out.push_back(std::byte{0x01});
  return out;
}

TEST_F(HardeningTest, ChunkSizeZeroEndsTheSession) {
  start();
  auto client = connected(port());
  client->send_raw(control_message(MessageType::SetChunkSize, 0));
  EXPECT_TRUE(client->wait_closed(kPrompt));
  EXPECT_TRUE(gateway().wait_for_log(
      "session ended: chunk stream: set chunk size 0 is outside 1..2^31-1", kPrompt));
  expect_recovered();
}

TEST_F(HardeningTest, ChunkSizeTwoToThe31MinusOneIsClampedAndMediaStillFlows) {
  start();
  std::uint32_t id = 0;
  auto publisher = connected(port(), &id);
  ASSERT_EQ(publisher->publish(id, "huge-chunks"), "NetStream.Publish.Start");
  auto player = connected(port(), nullptr);
  const auto player_stream = player->create_stream();
  ASSERT_EQ(player->play(player_stream, "huge-chunks"), "NetStream.Play.Reset");

  // The largest size §5.4.1 allows; from here every message is one chunk.
  publisher->send_raw(control_message(MessageType::SetChunkSize, 0x7FFFFFFF));
  const auto config_body = rtmp::test::avc_config();
  const Bytes config(config_body.begin(), config_body.end());
  publisher->send_raw(
      type0_chunk(kVideoCsid, std::uint32_t(config.size()), MessageType::Video, id, config));
  const auto key = rtmp::test::avc_frame(true, 300'000);
  publisher->send_raw(type0_chunk(kVideoCsid, std::uint32_t(key.size()), MessageType::Video, id,
                                  Bytes(key.begin(), key.end())));
  ASSERT_TRUE(
      player->wait_until([&] { return player->count_media(MessageType::Video) >= 2; }, kPrompt));
  const auto media = player->media();
  EXPECT_EQ(media.back()->body.size(), key.size()) << "the 300 kB keyframe arrived whole";

  // Now a message announcing 16 MiB - 1 in that one chunk, and 100 bytes of it.
  const auto before = rss();
  publisher->send_raw(type0_chunk(kVideoCsid, 0xFFFFFF, MessageType::Video, id, Bytes(100)));
  std::this_thread::sleep_for(300ms);
  if (kRssMeaningful) {
    EXPECT_LT(rss(), before + (4u << 20)) << "nothing is allocated for bytes not yet sent";
  }
  EXPECT_FALSE(publisher->closed_by_peer());
  publisher.reset();
  player.reset();
  expect_recovered();
}

TEST_F(HardeningTest, MessagesAnnouncing16MiBWithNoBodyCostWhatWasSentAndTimeOut) {
  start("<handshake-timeout>2s</handshake-timeout>\n<idle-timeout>2s</idle-timeout>\n");
  // 40 connections, each announcing a 16 MiB - 1 video message on two chunk
  // streams and sending one 10-byte chunk of each: 1.3 GB if it were
  // allocated up front.
  constexpr int kConnections = 40;
  std::vector<std::unique_ptr<RtmpTestClient>> clients;
  const auto before = rss();
  const auto virtual_before = virtual_bytes();
  for (int i = 0; i < kConnections; ++i) {
    std::uint32_t id = 0;
    clients.push_back(connected(port(), &id));
    clients.back()->send_raw(control_message(MessageType::SetChunkSize, 10));
    clients.back()->send_raw(type0_chunk(kVideoCsid, 0xFFFFFF, MessageType::Video, id, Bytes(10)));
    clients.back()->send_raw(
        type0_chunk(kVideoCsid + 1, 0xFFFFFF, MessageType::Video, id, Bytes(10)));
  }
  std::this_thread::sleep_for(200ms);
  const auto during = rss();
  std::cout << "[ rss ] " << during / 1024 << " KiB with " << kConnections
            << " connections holding unfinished 16 MiB messages (before: " << before / 1024
            << " KiB)\n";
  if (kRssMeaningful) {
    EXPECT_LT(during, before + (8u << 20));
    // Not even reserved: pages of a buffer allocated up front and not yet
    // written would not show in RSS, but would in the address space.
    EXPECT_LT(virtual_bytes(), virtual_before + (256u << 20));
  }
  // They send nothing more: the idle timeout ends each one.
  int closed = 0;
  for (auto& client : clients)
    if (client->wait_closed(kPrompt)) ++closed;
  EXPECT_EQ(closed, kConnections);
  EXPECT_GE(log_count("closed: nothing received for 2000 ms"), std::size_t(kConnections));
  clients.clear();
  expect_recovered();
}

TEST_F(HardeningTest, ThousandsOfChunkStreamIdsEndTheSessionAtTheLimit) {
  start();
  std::uint32_t id = 0;
  auto client = connected(port(), &id);
  // Chunk size 1, then 5000 chunk streams (3-byte basic headers, ids 320
  // and up), each beginning a 1000-byte message with its first 1-byte chunk
  // (nginx-rtmp holds 55 times the bytes sent for this), until the server
  // stops listening.
  Bytes wire = control_message(MessageType::SetChunkSize, 1);
  for (std::uint32_t i = 0; i < 5000; ++i) {
    const auto chunk =
        type0_chunk(320 + i, 1000, MessageType::Video, id, Bytes(1, std::byte{0x17}));
    wire.insert(wire.end(), chunk.begin(), chunk.end());
  }
  client->send_raw(wire);
  EXPECT_TRUE(client->wait_closed(kPrompt));
  EXPECT_TRUE(
      gateway().wait_for_log("session ended: chunk stream: more than 64 chunk streams", kPrompt));
  expect_recovered();
}

TEST_F(HardeningTest, TenThousandDeepAmfEndsTheSessionInAConnectAndInMetadata) {
  start();
  {
    // connect("live") with a 10 000-deep AMF3 argument: 30 kB, under the
    // command size limit, so the depth bound decides (sent as the client's
    // first command, right after the handshake).
    RtmpTestClient client(port());
    Bytes connect = text_bytes(
        "\x02\x00\x07"
        "connect"sv);
    const Bytes rest = {
        std::byte{0x00}, std::byte{0x3F}, std::byte{0xF0}, std::byte{0},    std::byte{0},
        std::byte{0},    std::byte{0},    std::byte{0},    std::byte{0},    std::byte{0x03},
        std::byte{0x00}, std::byte{0x03}, std::byte{'a'},  std::byte{'p'},  std::byte{'p'},
        std::byte{0x02}, std::byte{0x00}, std::byte{0x04}, std::byte{'l'},  std::byte{'i'},
        std::byte{'v'},  std::byte{'e'},  std::byte{0x00}, std::byte{0x00}, std::byte{0x09}};
    connect.insert(connect.end(), rest.begin(), rest.end());
    const auto deep = nested_amf3(10'000);
    connect.insert(connect.end(), deep.begin(), deep.end());
    client.protocol().send_media(0, MessageType::CommandAmf0, 0, connect);
    EXPECT_TRUE(client.wait_closed(kPrompt));
    EXPECT_TRUE(gateway().wait_for_log("amf3: nesting deeper than 32", kPrompt));
  }
  {
    // A publisher's metadata holding a 10 000-deep AMF0 object (70 kB).
    std::uint32_t id = 0;
    auto publisher = connected(port(), &id);
    ASSERT_EQ(publisher->publish(id, "deep"), "NetStream.Publish.Start");
    Bytes metadata = text_bytes("\x02\x00\x0D@setDataFrame\x02\x00\x0AonMetaData"sv);
    const auto deep = nested_amf0(10'000);
    metadata.insert(metadata.end(), deep.begin(), deep.end());
    publisher->protocol().send_media(id, MessageType::DataAmf0, 0, metadata);
    EXPECT_TRUE(publisher->wait_closed(kPrompt));
    EXPECT_TRUE(
        gateway().wait_for_log("session ended: data: amf0: nesting deeper than 32", kPrompt))
        << "the publisher's session ends with the reason";
    EXPECT_TRUE(gateway().wait_for_log("live/deep publish ended", kPrompt));
  }
  expect_recovered();
}

}  // namespace
}  // namespace streamgate::hardening
