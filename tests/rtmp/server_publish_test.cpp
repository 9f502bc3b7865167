// The server state machine: connect and publish, from the bytes on the wire
// to the events the adapter sees.

#include <gtest/gtest.h>

#include <random>

#include "session_harness.hpp"
#include "status.hpp"

namespace streamgate::rtmp {
namespace {

using namespace test_support;
using amf0::Value;
using test::Bytes;
using test::cat;
using test::hex;

// A client's message as bytes: type-0 header on chunk stream 3, chunks of 128
// (the default size, §5.4.1) with type-3 continuation headers.
Bytes command_chunks(std::uint32_t stream_id, const std::vector<std::byte>& body) {
  const auto n = std::uint32_t(body.size());
  Bytes out = {
      std::byte{0x03},      std::byte{0},      std::byte{0}, std::byte{0},  // fmt 0 csid 3, ts 0
      std::byte(n >> 16),   std::byte(n >> 8), std::byte(n),                // length
      std::byte{0x14},                                                      // AMF0 command
      std::byte(stream_id), std::byte{0},      std::byte{0}, std::byte{0}};
  for (std::size_t at = 0; at < body.size(); at += 128) {
    if (at > 0) out.push_back(std::byte{0xC3});
    out.insert(out.end(), body.begin() + std::ptrdiff_t(at),
               body.begin() + std::ptrdiff_t(std::min(body.size(), at + 128)));
  }
  return out;
}

Bytes plain_c0c1() {
  Bytes out(1 + 1536, std::byte{0});
  out[0] = std::byte{3};
  for (std::size_t i = 9; i < out.size(); ++i) out[i] = std::byte(std::uint8_t(i));
  return out;
}

TEST(ServerPublish, ConnectIsAnsweredWithControlMessagesThenResultOnTheWire) {
  ServerProtocol server;
  ConnectOptions options;
  options.app = "live";
  options.tc_url = "rtmp://localhost/live";
  server.feed(cat({plain_c0c1(), Bytes(1536, std::byte{0x5A}),
                   command_chunks(0, connect_command(1, options))}));
  std::vector<ServerEvent> events;
  server.take_events(events);
  ASSERT_EQ(events.size(), 1u);
  const auto* connect = std::get_if<event::ConnectRequested>(&events[0]);
  ASSERT_NE(connect, nullptr);
  EXPECT_EQ(connect->request.app, "live");
  EXPECT_EQ(connect->request.tc_url, "rtmp://localhost/live");

  const Bytes handshake = server.take_output().flatten();
  EXPECT_EQ(handshake.size(), 1 + 2 * 1536u) << "S0 S1 S2 and nothing before the decision";

  server.accept_connect();
  const Bytes reply = server.take_output().flatten();
  const auto result = connect_result(1, 0);
  const auto bw_done = on_bw_done();
  const auto n = std::uint32_t(result.size());
  const auto m = std::uint32_t(bw_done.size());
  ASSERT_LE(n, 4096u);
  EXPECT_EQ(reply, cat({
                       // §5.4.4 Window Acknowledgement Size 2 500 000 (csid 2, type 5, stream 0)
                       hex("02 000000 000004 05 00000000  00 26 25 A0"),
                       // §5.4.5 Set Peer Bandwidth 2 500 000, limit type 2 (dynamic)
                       hex("02 000000 000005 06 00000000  00 26 25 A0 02"),
                       // §5.4.1 Set Chunk Size 4096, before anything longer is sent
                       hex("02 000000 000004 01 00000000  00 00 10 00"),
                       // _result on csid 3, stream 0, one chunk at the new size
                       Bytes{std::byte{0x03}, std::byte{0}, std::byte{0}, std::byte{0},
                             std::byte(n >> 16), std::byte(n >> 8), std::byte(n), std::byte{0x14},
                             std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}},
                       Bytes(result.begin(), result.end()),
                       // onBWDone, also with a full header
                       Bytes{std::byte{0x03}, std::byte{0}, std::byte{0}, std::byte{0},
                             std::byte(m >> 16), std::byte(m >> 8), std::byte(m), std::byte{0x14},
                             std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}},
                       Bytes(bw_done.begin(), bw_done.end()),
                   }));
}

void full_publish(std::size_t feed_step) {
  Session s;
  s.feed_step = feed_step;
  const std::uint32_t id = s.connect_and_create();
  ASSERT_EQ(id, 1u);
  EXPECT_EQ(s.client.channel().reader().chunk_size(), 4096u) << "the server announced 4096";

  // OBS / ffmpeg order: releaseStream, FCPublish, (createStream), publish.
  const double release =
      s.client.call("releaseStream", Value::null(), {Value::string("cam?key=k1")});
  const double fc = s.client.call("FCPublish", Value::null(), {Value::string("cam?key=k1")});
  s.client.publish(id, "cam?key=k1", "live");
  // Metadata sent before the server decided: held, not lost.
  s.client.send_metadata(id, Value::ecma_array({{"width", Value::number(1280)}}));
  s.pump();

  const auto results = s.client_seen<client_event::Result>();
  ASSERT_EQ(results.size(), 2u) << "releaseStream and FCPublish are answered";
  EXPECT_EQ(results[0].transaction_id, release);
  EXPECT_EQ(results[1].transaction_id, fc);
  ASSERT_EQ(s.status_codes(), std::vector<std::string>{"NetStream.Publish.Start"});
  EXPECT_EQ(s.client_seen<client_event::StatusReceived>()[0].command, "onFCPublish");

  const auto requested = s.server_seen<event::PublishRequested>();
  ASSERT_EQ(requested.size(), 1u);
  EXPECT_EQ(requested[0].stream_id, id);
  EXPECT_EQ(requested[0].request.name, "cam");
  EXPECT_EQ(requested[0].request.query, "key=k1");
  EXPECT_EQ(requested[0].request.mode, PublishMode::Live);
  EXPECT_TRUE(s.server_seen<event::MediaReceived>().empty());
  s.forget();

  ASSERT_TRUE(s.server.accept_publish(id));
  s.pump();
  const auto begin = s.client_seen<client_event::UserControlReceived>();
  ASSERT_EQ(begin.size(), 1u);
  EXPECT_EQ(begin[0].event.event, kStreamBegin);
  EXPECT_EQ(begin[0].event.value, id);
  ASSERT_EQ(s.status_codes(), std::vector<std::string>{"NetStream.Publish.Start"});
  EXPECT_EQ(s.client_seen<client_event::StatusReceived>()[0].command, "onStatus");
  EXPECT_EQ(s.client_seen<client_event::StatusReceived>()[0].stream_id, id);
  auto media = s.server_seen<event::MediaReceived>();
  ASSERT_EQ(media.size(), 1u) << "the held metadata";
  EXPECT_EQ(media[0].message.type, MessageType::DataAmf0);
  s.forget();

  const Bytes video = avc_frame_body(true, 10000);
  s.client.send_media(id, MessageType::Video, 0, avc_config_body());
  s.client.send_media(id, MessageType::Audio, 0, aac_config_body());
  s.client.send_media(id, MessageType::Video, 40, video);
  s.client.send_media(id, MessageType::Audio, 46, aac_frame_body());
  s.pump();
  media = s.server_seen<event::MediaReceived>();
  ASSERT_EQ(media.size(), 4u);
  EXPECT_EQ(media[2].message.type, MessageType::Video);
  EXPECT_EQ(media[2].message.timestamp_ms, 40);
  EXPECT_EQ(test::to_bytes(media[2].message.body), video);
  EXPECT_EQ(media[3].message.timestamp_ms, 46);
  EXPECT_EQ(media[3].stream_id, id);
  s.forget();

  s.client.call("FCUnpublish", Value::null(), {Value::string("cam?key=k1")});
  s.client.delete_stream(id);
  s.pump();
  const auto ended = s.server_seen<event::PublishEnded>();
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].name, "cam");
  EXPECT_EQ(s.status_codes(), std::vector<std::string>{"NetStream.Unpublish.Success"});
  EXPECT_FALSE(s.server.closed());
}

TEST(ServerPublish, FullPublish) { full_publish(0); }
TEST(ServerPublish, FullPublishFedByteByByte) { full_publish(1); }
TEST(ServerPublish, FullPublishFedInOddPieces) { full_publish(7); }

TEST(ServerPublish, SecondPublisherGetsBadNameAndMayTryAgain) {
  Session s;
  const std::uint32_t id = s.connect_and_create();
  s.client.publish(id, "taken");
  s.pump();
  ASSERT_EQ(s.server_seen<event::PublishRequested>().size(), 1u);
  s.server.refuse_publish(id, status::kPublishBadName, "taken is already being published.");
  s.pump();
  const auto statuses = s.client_seen<client_event::StatusReceived>();
  ASSERT_EQ(statuses.size(), 1u);
  EXPECT_EQ(statuses[0].status.level, "error");
  EXPECT_EQ(statuses[0].status.code, "NetStream.Publish.BadName");
  EXPECT_FALSE(s.server.closed());
  s.client.send_media(id, MessageType::Video, 0, avc_config_body());
  s.forget();
  s.client.publish(id, "free");
  s.pump();
  EXPECT_TRUE(s.server_seen<event::MediaReceived>().empty())
      << "media of a refused publish is dropped";
  ASSERT_EQ(s.server_seen<event::PublishRequested>().size(), 1u);
  EXPECT_TRUE(s.server.accept_publish(id));
}

TEST(ServerPublish, UnknownCommandGetsAnErrorNotADisconnect) {
  Session s;
  s.connect_and_create();
  const double t = s.client.call("frobnicate", Value::null(), {Value::number(1)});
  s.pump();
  const auto results = s.client_seen<client_event::Result>();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].error);
  EXPECT_EQ(results[0].transaction_id, t);
  ASSERT_TRUE(results[0].status);
  EXPECT_EQ(results[0].status->code, "NetConnection.Call.Failed");
  EXPECT_FALSE(s.server.closed());
  EXPECT_GT(s.client.create_stream(), 0);
  s.pump();
  EXPECT_EQ(s.client_seen<client_event::Result>().size(), 2u) << "still answering";
}

TEST(ServerPublish, CommandsAnsweredForLiveStreams) {
  Session s;
  s.connect_and_create();
  const double length = s.client.call("getStreamLength", Value::null(), {Value::string("cam")});
  const double bw = s.client.call("_checkbw");
  s.pump();
  const auto results = s.client_seen<client_event::Result>();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].transaction_id, length);
  EXPECT_EQ(results[0].command.number_arg(0), 0.0);
  EXPECT_EQ(results[1].transaction_id, bw);
  EXPECT_FALSE(results[1].error);
}

TEST(ServerPublish, RejectedConnectGetsAnErrorAndCloses) {
  Session s;
  ConnectOptions options;
  options.app = "nope";
  s.client.connect(options);
  s.pump();
  ASSERT_EQ(s.server_seen<event::ConnectRequested>().size(), 1u);
  s.server.reject_connect("unknown application 'nope'");
  s.pump();
  const auto results = s.client_seen<client_event::Result>();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].error);
  EXPECT_EQ(results[0].status->code, "NetConnection.Connect.Rejected");
  EXPECT_EQ(results[0].status->description, "unknown application 'nope'");
  const auto closed = s.server_seen<event::Closed>();
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_FALSE(closed[0].error);
  EXPECT_TRUE(s.server.closed());
}

TEST(ServerPublish, CommandsPipelinedBehindConnectWaitForTheDecision) {
  Session s;
  ConnectOptions options;
  options.app = "live";
  s.client.connect(options);
  const double create = s.client.create_stream();
  s.pump();
  EXPECT_TRUE(s.client_seen<client_event::Result>().empty());
  s.server.accept_connect();
  s.pump();
  const auto results = s.client_seen<client_event::Result>();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].status->code, "NetConnection.Connect.Success");
  EXPECT_EQ(results[1].transaction_id, create);
  EXPECT_EQ(results[1].stream_id, 1u);
}

TEST(ServerPublish, MalformedInputClosesWithAReason) {
  {
    ServerProtocol server;
    server.feed(cat({plain_c0c1(), Bytes(1536), command_chunks(0, hex("02 00 09 61"))}));
    std::vector<ServerEvent> events;
    server.take_events(events);
    const auto closed = of<event::Closed>(events);
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_TRUE(closed[0].error);
    EXPECT_NE(closed[0].reason.find("command"), std::string::npos) << closed[0].reason;
    EXPECT_TRUE(server.closed());
  }
  {
    ServerProtocol server;  // a command other than connect first
    server.feed(cat({plain_c0c1(), Bytes(1536), command_chunks(0, create_stream_command(1))}));
    std::vector<ServerEvent> events;
    server.take_events(events);
    ASSERT_EQ(of<event::Closed>(events).size(), 1u);
    EXPECT_NE(of<event::Closed>(events)[0].reason.find("before connect"), std::string::npos);
  }
  {
    ServerProtocol server;  // an absurd chunk size
    server.feed(cat({plain_c0c1(), Bytes(1536), hex("02 000000 000004 01 00000000 80 00 00 00")}));
    std::vector<ServerEvent> events;
    server.take_events(events);
    ASSERT_EQ(of<event::Closed>(events).size(), 1u);
    EXPECT_NE(of<event::Closed>(events)[0].reason.find("chunk size"), std::string::npos);
  }
  {
    ServerProtocol server;  // not RTMP at all
    server.feed(test::text("GET / HTTP/1.1\r\n"));
    std::vector<ServerEvent> events;
    server.take_events(events);
    ASSERT_EQ(of<event::Closed>(events).size(), 1u);
    EXPECT_FALSE(server.has_output());
  }
}

TEST(ServerPublish, Amf3DataAndAggregatesArriveAsPlainMessages) {
  Session s;
  const std::uint32_t id = s.connect_and_create();
  s.client.publish(id, "cam");
  s.pump();
  s.server.accept_publish(id);
  s.pump();
  s.forget();
  // Type 15: format byte, then AMF0 values, the last one switched to AMF3.
  s.client.send_media(
      id, MessageType::DataAmf3, 0,
      cat({hex("00 02 00 0D"), test::text("@setDataFrame"), hex("02 00 0A"),
           test::text("onMetaData"), hex("11 0A 0B 01 0B 77 69 64 74 68 04 8F 00 01")}));
  // Aggregate (§7.1.6): two FLV-style sub-messages, timestamps 1000 and 1040.
  const Bytes aggregate = hex(
      "08 000004 0003E8 00 000000  AF 01 21 10  0000000F"       // audio, 4 bytes, back pointer 15
      "09 000005 000410 00 000000  27 01 00 00 00  00000010");  // video, 5 bytes, back pointer 16
  s.client.send_media(id, MessageType::Aggregate, 5000, aggregate);
  s.pump();
  const auto media = s.server_seen<event::MediaReceived>();
  ASSERT_EQ(media.size(), 3u);
  EXPECT_EQ(media[0].message.type, MessageType::DataAmf0);
  auto meta = flv::packet_from_tag(flv::TagType::Script, media[0].message.body, 0);
  ASSERT_TRUE(meta.ok()) << meta.error;
  EXPECT_EQ(media[1].message.type, MessageType::Audio);
  EXPECT_EQ(media[1].message.timestamp_ms, 5000);
  EXPECT_EQ(test::to_bytes(media[1].message.body), hex("AF 01 21 10"));
  EXPECT_EQ(media[2].message.type, MessageType::Video);
  EXPECT_EQ(media[2].message.timestamp_ms, 5040);
}

TEST(ServerPublish, MutatedSessionsNeverCrash) {
  // A recorded session (plain handshake) with random bytes flipped, cut or
  // repeated: the server must either carry on or close with a reason.
  ClientHandshake::Options plain;
  plain.digest = false;
  Session s(ServerConfig{}, ClientConfig{plain, {}});
  Bytes wire;
  auto pump_recording = [&] {
    for (bool moved = true; moved;) {
      moved = false;
      if (s.client.has_output()) {
        const Bytes b = s.client.take_output().flatten();
        wire.insert(wire.end(), b.begin(), b.end());
        s.server.feed(b);
        moved = true;
      }
      if (s.server.has_output()) {
        s.client.feed(s.server.take_output().flatten());
        moved = true;
      }
      s.server.take_events(s.server_events);
      s.client.take_events(s.client_events);
    }
  };
  ConnectOptions options;
  options.app = "live";
  s.client.connect(options);
  pump_recording();
  s.server.accept_connect();
  s.client.create_stream();
  pump_recording();
  s.client.publish(1, "cam", "live");
  pump_recording();
  s.server.accept_publish(1);
  pump_recording();
  s.client.send_metadata(1, Value::ecma_array({{"width", Value::number(1280)}}));
  s.client.send_media(1, MessageType::Video, 0, avc_config_body());
  s.client.send_media(1, MessageType::Video, 40, avc_frame_body(true, 9000));
  s.client.send_media(1, MessageType::Audio, 41, aac_frame_body());
  s.client.call("FCUnpublish", Value::null(), {Value::string("cam")});
  pump_recording();
  ASSERT_FALSE(s.server.closed());
  ASSERT_GT(wire.size(), 2 * 1537u);

  std::mt19937 rng(1234);
  std::size_t closed = 0;
  for (int round = 0; round < 2000; ++round) {
    Bytes mutated = wire;
    const int edits = 1 + int(rng() % 8);
    for (int e = 0; e < edits; ++e) {
      // Leave the handshake alone most of the time so the chunk layer is hit.
      const std::size_t from = rng() % 4 ? 1 + 2 * 1536 : 0;
      const std::size_t at = from + rng() % (mutated.size() - from);
      switch (rng() % 3) {
        case 0:
          mutated[at] = std::byte(std::uint8_t(rng()));
          break;
        case 1:
          mutated.erase(mutated.begin() + std::ptrdiff_t(at));
          break;
        default:
          mutated.insert(mutated.begin() + std::ptrdiff_t(at), std::byte(std::uint8_t(rng())));
      }
    }
    ServerProtocol server;
    std::vector<ServerEvent> events;
    const std::span<const std::byte> all(mutated);
    for (std::size_t at = 0; at < mutated.size() && !server.closed(); at += 997) {
      server.feed(all.subspan(at, std::min<std::size_t>(997, mutated.size() - at)));
      server.take_events(events);
      for (const auto& e : events) {
        if (std::holds_alternative<event::ConnectRequested>(e)) server.accept_connect();
        if (const auto* p = std::get_if<event::PublishRequested>(&e))
          server.accept_publish(p->stream_id);
      }
      events.clear();
      server.take_output();
    }
    if (server.closed()) {
      ++closed;
      EXPECT_FALSE(server.close_reason().empty());
    }
  }
  EXPECT_GT(closed, 0u) << "some mutations must be caught";
}

TEST(ChunkChannel, AcknowledgesThePeersWindowAndAnswersPings) {
  ChunkChannel channel;
  std::vector<Message> out;
  ASSERT_TRUE(
      channel.feed(hex("02 000000 000004 05 00000000 00 00 01 00"), out).ok());  // window 256
  EXPECT_FALSE(channel.has_output());
  // A 300-byte audio message in 128-byte chunks: 12 + 128 + 1 + 128 + 1 + 44 = 314 bytes.
  ASSERT_TRUE(channel
                  .feed(cat({hex("04 000000 00012C 08 01000000"), Bytes(128), hex("C4"), Bytes(128),
                             hex("C4"), Bytes(44)}),
                        out)
                  .ok());
  // Ping request (§7.1.7 event 6) with timestamp 0x0D0F.
  ASSERT_TRUE(channel.feed(hex("02 000000 000006 04 00000000 0006 00000D0F"), out).ok());
  ChunkReader reader;
  std::vector<Message> sent;
  ASSERT_TRUE(reader.feed(channel.take_output().flatten(), sent).ok());
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].type, MessageType::Acknowledgement);
  EXPECT_EQ(test::to_bytes(sent[0].body), hex("00 00 01 4A")) << "16 + 314 bytes received";
  EXPECT_EQ(sent[1].type, MessageType::UserControl);
  EXPECT_EQ(test::to_bytes(sent[1].body), hex("0007 00000D0F")) << "ping response, same timestamp";
}

}  // namespace
}  // namespace streamgate::rtmp
