// The server state machine's bounds on what one peer can make it hold or
// decode (docs/security.md, "Limits"): input held per connection against
// what was sent and against max-connection-memory, AMF depth and element
// counts in commands and data, and a publish or play without a name.

#include <gtest/gtest.h>

#include <random>

#include "chunk_bytes.hpp"
#include "session_harness.hpp"
#include "status.hpp"

namespace streamgate::rtmp {
namespace {

using namespace test_support;
using test::Bytes;
using test::cat;
using test::hex;
using test::repeat;

// A type-0 chunk header (1-byte basic header, timestamp 0) announcing a
// message of `length` bytes of `type` on message stream `stream_id`.
Bytes type0_header(std::uint8_t csid, std::uint32_t length, MessageType type,
                   std::uint32_t stream_id) {
  return test::type0(csid, 0, length, static_cast<std::uint8_t>(type), stream_id);
}

std::string closed_reason(const Session& s) {
  const auto closed = s.server_seen<event::Closed>();
  return closed.empty() ? std::string() : closed.back().reason;
}

// AMF0 (AMF0 spec §2.5, §2.12): `depth` objects, each the single property
// "a" of the one around it, innermost null.
Bytes nested_amf0_objects(std::size_t depth) {
  return cat({repeat(hex("03 00 01 61"), depth), hex("05"), repeat(hex("00 00 09"), depth)});
}

// AMF3 (AMF3 spec §3.12) after the AMF0 switch marker 0x11: `depth` dense
// arrays of one element (09 03 01 = array, 1 dense item, empty assoc part).
Bytes nested_amf3_arrays(std::size_t depth) {
  return cat({hex("11"), repeat(hex("09 03 01"), depth), hex("01")});
}

Bytes connect_with_extra(const Bytes& extra_value) {
  // connect, 1, {app: "live"}, then `extra_value` as an argument.
  return cat({hex("02 00 07"), test::text("connect"), hex("00 3F F0 00 00 00 00 00 00"),
              hex("03 00 03"), test::text("app"), hex("02 00 04"), test::text("live"),
              hex("00 00 09"), extra_value});
}

Bytes metadata_with(const Bytes& value) {
  return cat({hex("02 00 0D"), test::text("@setDataFrame"), hex("02 00 0A"),
              test::text("onMetaData"), value});
}

// ---- memory held for one connection ----

TEST(ServerLimits, HeldInputFollowsWhatWasSentAtChunkSize1AcrossManyChunkStreams) {
  // nginx-rtmp holds 55 times the bytes sent for this pattern. Here every
  // chunk stream announces 16 MiB and sends one byte per chunk of size 1.
  ServerConfig config;
  config.limits.max_chunk_streams = 1000;
  Session s(config);
  s.connect_and_create();
  s.client.set_chunk_size(1);
  s.pump();
  std::size_t sent = 0;
  for (std::uint32_t i = 0; i < 900; ++i) {
    // 3-byte basic header (§5.3.1.1): chunk stream 64 + i.
    Bytes chunk = {std::byte{0x01}, std::byte(i & 0xFF), std::byte(i >> 8)};
    const Bytes rest = cat({Bytes(3, std::byte{0}), hex("FF FF FF 09 01 00 00 00"), hex("17")});
    chunk.insert(chunk.end(), rest.begin(), rest.end());
    s.server.feed(chunk);
    sent += chunk.size();
    ASSERT_FALSE(s.server.closed()) << closed_reason(s);
  }
  EXPECT_LE(s.server.held_bytes(), 900u) << "one payload byte per chunk stream";
  EXPECT_LE(s.server.held_bytes(), sent);
}

TEST(ServerLimits, HeldInputStaysUnderTwiceWhatWasSentWhateverTheSplit) {
  // Four messages announced at 16 MiB, interleaved chunk by chunk (chunk
  // size 4096), the wire cut into pieces of random sizes: a buffer grows by
  // doubling from what has arrived, never to the announced length.
  Session s;
  s.connect_and_create();
  s.client.set_chunk_size(4096);
  s.pump();
  const std::uint8_t csids[] = {4, 5, 6, 7};
  Bytes wire;
  for (int round = 0; round < 30; ++round) {
    for (const std::uint8_t csid : csids) {
      const Bytes header = round == 0 ? type0_header(csid, 0xFFFFFF, MessageType::Video, 1)
                                      : Bytes{std::byte(0xC0 | csid)};  // type 3 (§5.3.1.2.4)
      wire.insert(wire.end(), header.begin(), header.end());
      wire.insert(wire.end(), 4096, std::byte{0x5A});
    }
  }
  std::mt19937 random(7);
  std::size_t sent = 0;
  while (sent < wire.size()) {
    const std::size_t piece = std::min<std::size_t>(1 + random() % 5000, wire.size() - sent);
    s.server.feed(std::span<const std::byte>(wire).subspan(sent, piece));
    sent += piece;
    ASSERT_FALSE(s.server.closed()) << closed_reason(s);
    ASSERT_LE(s.server.held_bytes(), 2 * sent) << "after " << sent << " bytes";
  }
  EXPECT_GE(s.server.held_bytes(), 4u * 30 * 4096) << "all of it is still unfinished, so held";
}

TEST(ServerLimits, InputOverTheConnectionCapEndsTheSessionWithAReason) {
  ServerConfig config;
  config.max_connection_bytes = 100'000;
  Session s(config);
  const std::uint32_t id = s.connect_and_create();
  s.client.publish(id, "cam");
  s.pump();  // publish pending: media is held until the decision
  ASSERT_EQ(s.server_seen<event::PublishRequested>().size(), 1u);
  const Bytes frame = avc_frame_body(true, 30'000);
  for (int i = 0; i < 3; ++i) s.client.send_media(id, MessageType::Video, i * 40, frame);
  s.pump();
  EXPECT_FALSE(s.server.closed()) << "90 000 bytes held, under the cap";
  EXPECT_LE(s.server.held_bytes(), 100'000u);
  s.client.send_media(id, MessageType::Video, 120, frame);
  s.pump();
  EXPECT_TRUE(s.server.closed());
  EXPECT_NE(closed_reason(s).find("more than 100000 (max-connection-memory)"), std::string::npos)
      << closed_reason(s);
  ASSERT_FALSE(s.server_seen<event::Closed>().empty());
  EXPECT_TRUE(s.server_seen<event::Closed>().back().error);
}

TEST(ServerLimits, UnfinishedMessagesCountTowardsTheCap) {
  ServerConfig config;
  config.max_connection_bytes = 64 * 1024;
  Session s(config);
  s.connect_and_create();
  s.client.set_chunk_size(32768);
  s.pump();
  // 1 MiB messages begun on three chunk streams, one whole chunk each.
  for (const std::uint8_t csid : {5, 6}) {
    s.server.feed(cat({type0_header(csid, 1u << 20, MessageType::Video, 1), Bytes(32768)}));
  }
  s.pump();
  EXPECT_FALSE(s.server.closed()) << "64 KiB held is not more than 64 KiB";
  s.server.feed(cat({type0_header(7, 1u << 20, MessageType::Video, 1), Bytes(32768)}));
  s.pump();
  EXPECT_TRUE(s.server.closed());
  EXPECT_NE(closed_reason(s).find("max-connection-memory"), std::string::npos) << closed_reason(s);
}

TEST(ServerLimits, CommandsHeldBehindConnectCountTowardsTheCap) {
  ServerConfig config;
  config.max_connection_bytes = 64 * 1024;
  config.max_deferred_messages = 1000;
  Session s(config);
  ConnectOptions options;
  options.app = "live";
  s.client.connect(options);
  s.pump();  // connect awaits the decision: what follows is held
  ASSERT_EQ(s.server_seen<event::ConnectRequested>().size(), 1u);
  const Bytes ping(8000, std::byte{0x5A});  // data messages on stream 0, held as they are
  for (int i = 0; i < 7; ++i) s.client.send_media(0, MessageType::DataAmf0, 0, ping);
  s.pump();
  EXPECT_FALSE(s.server.closed()) << closed_reason(s);
  for (int i = 0; i < 2; ++i) s.client.send_media(0, MessageType::DataAmf0, 0, ping);
  s.pump();
  EXPECT_TRUE(s.server.closed());
  EXPECT_NE(closed_reason(s).find("max-connection-memory"), std::string::npos) << closed_reason(s);
}

// ---- AMF ----

TEST(ServerLimits, ConnectNestedDeeperThanTheBoundEndsTheSession) {
  for (const std::size_t depth : {32u, 33u}) {
    Session s;  // default bound: 32 levels (the command object counts as one)
    s.client.send_media(0, MessageType::CommandAmf0, 0,
                        connect_with_extra(nested_amf0_objects(depth)));
    s.pump();
    if (depth <= 32) {
      EXPECT_EQ(s.server_seen<event::ConnectRequested>().size(), 1u) << closed_reason(s);
    } else {
      EXPECT_TRUE(s.server.closed());
      EXPECT_NE(closed_reason(s).find("nesting deeper than 32"), std::string::npos)
          << closed_reason(s);
    }
  }
}

TEST(ServerLimits, TheDepthBoundIsTheConfiguredOne) {
  ServerConfig config;
  config.amf.max_depth = 8;
  Session s(config);
  s.client.send_media(0, MessageType::CommandAmf0, 0, connect_with_extra(nested_amf0_objects(9)));
  s.pump();
  EXPECT_NE(closed_reason(s).find("nesting deeper than 8"), std::string::npos) << closed_reason(s);
}

TEST(ServerLimits, TenThousandDeepAmf3InsideAConnectEndsTheSessionWithoutRecursingThatDeep) {
  // 30 000 bytes: under the 32 KiB command limit, so the depth bound decides.
  Session s;
  s.client.send_media(0, MessageType::CommandAmf0, 0,
                      connect_with_extra(nested_amf3_arrays(10'000)));
  s.pump();
  EXPECT_TRUE(s.server.closed());
  EXPECT_NE(closed_reason(s).find("nesting deeper than 32"), std::string::npos) << closed_reason(s);
  EXPECT_TRUE(s.server_seen<event::ConnectRequested>().empty());
}

TEST(ServerLimits, DeepOrHugeMetadataEndsThePublishersSession) {
  {
    Session s;
    const std::uint32_t id = s.connect_and_create();
    s.client.publish(id, "cam");
    s.pump();
    ASSERT_TRUE(s.server.accept_publish(id));
    s.client.send_media(id, MessageType::DataAmf0, 0, metadata_with(nested_amf0_objects(10'000)));
    s.pump();
    EXPECT_TRUE(s.server.closed());
    EXPECT_NE(closed_reason(s).find("data: "), std::string::npos) << closed_reason(s);
    EXPECT_NE(closed_reason(s).find("nesting deeper than 32"), std::string::npos)
        << closed_reason(s);
    EXPECT_TRUE(s.server_seen<event::MediaReceived>().empty());
  }
  {
    ServerConfig config;
    config.amf.max_elements = 100;
    Session s(config);
    const std::uint32_t id = s.connect_and_create();
    s.client.publish(id, "cam");
    s.pump();
    ASSERT_TRUE(s.server.accept_publish(id));
    // A strict array (AMF0 §2.12) of 200 numbers.
    const Bytes array =
        cat({hex("0A 00 00 00 C8"), repeat(hex("00 00 00 00 00 00 00 00 00"), 200)});
    s.client.send_media(id, MessageType::DataAmf0, 0, metadata_with(array));
    s.pump();
    EXPECT_NE(closed_reason(s).find("exceeds the element limit"), std::string::npos)
        << closed_reason(s);
  }
  {
    Session s;  // ordinary metadata passes untouched
    const std::uint32_t id = s.connect_and_create();
    s.client.publish(id, "cam");
    s.pump();
    ASSERT_TRUE(s.server.accept_publish(id));
    s.client.send_media(id, MessageType::DataAmf0, 0, metadata_body());
    s.pump();
    ASSERT_EQ(s.server_seen<event::MediaReceived>().size(), 1u);
    EXPECT_EQ(test::to_bytes(s.server_seen<event::MediaReceived>()[0].message.body),
              metadata_body());
  }
}

// ---- names ----

TEST(ServerLimits, PublishOrPlayWithoutANameIsAnsweredThenTheConnectionCloses) {
  for (const bool publish : {true, false}) {
    Session s;
    const std::uint32_t id = s.connect_and_create();
    s.client.stream_command(id, publish ? "publish" : "play", {amf0::Value::string("")});
    s.pump();
    const auto codes = s.status_codes();
    ASSERT_EQ(codes.size(), 1u);
    EXPECT_EQ(codes[0], publish ? status::kPublishBadName : status::kPlayStreamNotFound);
    EXPECT_TRUE(s.server.closed());
    EXPECT_NE(closed_reason(s).find("no stream name"), std::string::npos) << closed_reason(s);
  }
}

}  // namespace
}  // namespace streamgate::rtmp
