// The server state machine: play, egress of bus packets with per-player
// timestamps, publisher leaving and returning, pause, and the shared-body
// fan-out.

#include <gtest/gtest.h>

#include "session_harness.hpp"
#include "status.hpp"

namespace streamgate::rtmp {
namespace {

using namespace test_support;
using amf0::Value;
using test::Bytes;
using test::hex;

struct Player : Session {
  std::uint32_t id = 0;
  explicit Player(ServerConfig config = {}) : Session(std::move(config)) {
    id = connect_and_create();
    client.play(id, "cam?token=t");
    pump();
  }
  void start() {
    EXPECT_TRUE(server.start_play(id));
    pump();
  }
  std::vector<Message> media() const {
    std::vector<Message> out;
    for (const auto& m : client_seen<client_event::MediaReceived>()) out.push_back(m.message);
    return out;
  }
};

TEST(ServerPlay, PlayStartsWithStreamBeginResetStartAndSampleAccess) {
  Player p;
  const auto requested = p.server_seen<event::PlayRequested>();
  ASSERT_EQ(requested.size(), 1u);
  EXPECT_EQ(requested[0].stream_id, p.id);
  EXPECT_EQ(requested[0].request.name, "cam");
  EXPECT_EQ(requested[0].request.query, "token=t");
  EXPECT_TRUE(p.client_events.empty()) << "nothing before the adapter decides";
  p.forget();
  ASSERT_TRUE(p.server.start_play(p.id));
  const Bytes wire = p.server.take_output().flatten();
  // §7.1.7: User Control (type 4) on csid 2, stream 0: Stream Begin (event 0) for stream 1.
  ASSERT_GE(wire.size(), 18u);
  EXPECT_EQ(Bytes(wire.begin(), wire.begin() + 18),
            hex("02 000000 000006 04 00000000  0000 00000001"));
  p.client.feed(wire);
  p.client.take_events(p.client_events);
  // Order on the wire: Stream Begin, Play.Reset, Play.Start, |RtmpSampleAccess.
  ASSERT_EQ(p.client_events.size(), 4u);
  const auto* begin = std::get_if<client_event::UserControlReceived>(&p.client_events[0]);
  ASSERT_NE(begin, nullptr);
  EXPECT_EQ(begin->event.event, kStreamBegin);
  EXPECT_EQ(begin->event.value, p.id);
  EXPECT_EQ(p.status_codes(),
            (std::vector<std::string>{"NetStream.Play.Reset", "NetStream.Play.Start"}));
  const auto* access = std::get_if<client_event::MediaReceived>(&p.client_events[3]);
  ASSERT_NE(access, nullptr);
  EXPECT_EQ(access->message.type, MessageType::DataAmf0);
  EXPECT_EQ(access->message.stream_id, p.id);
  auto values = decode_data(MessageType::DataAmf0, access->message.body);
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(values.value[0], Value::string("|RtmpSampleAccess"));
}

TEST(ServerPlay, RefusedPlayGetsAnErrorStatus) {
  Player p;
  p.forget();
  p.server.refuse_play(p.id, status::kPlayStreamNotFound, "No such stream.");
  p.pump();
  ASSERT_EQ(p.status_codes(), std::vector<std::string>{"NetStream.Play.StreamNotFound"});
  EXPECT_EQ(p.client_seen<client_event::StatusReceived>()[0].status.level, "error");
  EXPECT_FALSE(p.server.start_play(p.id)) << "no longer pending";
}

TEST(ServerPlay, LateJoinerGetsMetadataHeadersAndGopWithTimestampsFromZero) {
  Player p;
  p.start();
  p.forget();
  // What the bus replays to a late joiner: metadata, configs, then the GOP
  // that started at 3 600 000 ms of publisher time.
  const std::vector<PacketPtr> packets = {
      packet(flv::TagType::Script, metadata_body(), 1000),
      packet(flv::TagType::Video, avc_config_body(), 1000),
      packet(flv::TagType::Audio, aac_config_body(), 1000),
      packet(flv::TagType::Video, avc_frame_body(true, 9000), 3'600'000),
      packet(flv::TagType::Audio, aac_frame_body(), 3'600'010),
      packet(flv::TagType::Video, avc_frame_body(false, 700), 3'600'033),
      packet(flv::TagType::Audio, aac_frame_body(), 3'600'031),
      packet(flv::TagType::Video, avc_frame_body(false, 700), 3'600'066),
  };
  for (const auto& pk : packets) EXPECT_TRUE(p.server.send_media(p.id, *pk));
  p.pump();
  const auto got = p.media();
  ASSERT_EQ(got.size(), packets.size());
  const std::int64_t expected_ms[] = {0, 0, 0, 0, 10, 33, 31, 66};
  const MessageType expected_type[] = {
      MessageType::DataAmf0, MessageType::Video, MessageType::Audio, MessageType::Video,
      MessageType::Audio,    MessageType::Video, MessageType::Audio, MessageType::Video};
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].timestamp_ms, expected_ms[i]) << i;
    EXPECT_EQ(got[i].type, expected_type[i]) << i;
    EXPECT_EQ(got[i].stream_id, p.id) << i;
    EXPECT_EQ(test::to_bytes(got[i].body), test::to_bytes(flv::tag_body(*packets[i]))) << i;
  }
  auto meta = decode_data(MessageType::DataAmf0, got[0].body);
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta.value[0], Value::string("onMetaData")) << "players get a plain onMetaData";
}

TEST(ServerPlay, BackwardStepsAreClampedPerTrack) {
  Player p;
  p.start();
  p.forget();
  p.server.send_media(p.id, *packet(flv::TagType::Video, avc_frame_body(true, 50), 1000));
  p.server.send_media(p.id, *packet(flv::TagType::Video, avc_frame_body(false, 50), 1040));
  p.server.send_media(
      p.id, *packet(flv::TagType::Video, avc_frame_body(false, 50), 1039));  // NVENC rounding
  p.server.send_media(p.id, *packet(flv::TagType::Video, avc_frame_body(false, 50), 1080));
  p.pump();
  const auto got = p.media();
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[1].timestamp_ms, 40);
  EXPECT_EQ(got[2].timestamp_ms, 40) << "never backwards";
  EXPECT_EQ(got[3].timestamp_ms, 80);
}

TEST(ServerPlay, PublisherLeavesAndReturns) {
  Player p;
  p.start();
  p.server.send_media(p.id, *packet(flv::TagType::Video, avc_frame_body(true, 50), 500'000));
  p.server.send_media(p.id, *packet(flv::TagType::Video, avc_frame_body(false, 50), 500'040));
  p.pump();
  p.forget();
  p.server.notify_unpublished(p.id);
  p.pump();
  ASSERT_EQ(p.client_seen<client_event::UserControlReceived>().size(), 1u);
  EXPECT_EQ(p.client_seen<client_event::UserControlReceived>()[0].event.event, kStreamEof);
  EXPECT_EQ(p.status_codes(), std::vector<std::string>{"NetStream.Play.UnpublishNotify"});
  p.forget();
  // The new publisher's clock starts at 0; the player's continues.
  p.server.notify_published(p.id);
  p.server.send_media(p.id, *packet(flv::TagType::Video, avc_config_body(), 0));
  p.server.send_media(p.id, *packet(flv::TagType::Video, avc_frame_body(true, 50), 0));
  p.server.send_media(p.id, *packet(flv::TagType::Video, avc_frame_body(false, 50), 40));
  p.pump();
  ASSERT_EQ(p.client_seen<client_event::UserControlReceived>().size(), 1u);
  EXPECT_EQ(p.client_seen<client_event::UserControlReceived>()[0].event.event, kStreamBegin);
  EXPECT_EQ(p.status_codes(), std::vector<std::string>{"NetStream.Play.PublishNotify"});
  const auto got = p.media();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].timestamp_ms, 40);
  EXPECT_EQ(got[1].timestamp_ms, 40);
  EXPECT_EQ(got[2].timestamp_ms, 80);
}

TEST(ServerPlay, PauseHoldsMediaAndResumesOnAKeyframe) {
  Player p;
  p.start();
  p.forget();
  p.client.stream_command(p.id, "pause", {Value::boolean(true), Value::number(0)});
  p.pump();
  ASSERT_EQ(p.server_seen<event::PauseChanged>().size(), 1u);
  EXPECT_EQ(p.status_codes(), std::vector<std::string>{"NetStream.Pause.Notify"});
  EXPECT_FALSE(
      p.server.send_media(p.id, *packet(flv::TagType::Video, avc_frame_body(true, 50), 0)));
  p.client.stream_command(p.id, "pause", {Value::boolean(false), Value::number(0)});
  p.pump();
  EXPECT_FALSE(
      p.server.send_media(p.id, *packet(flv::TagType::Video, avc_frame_body(false, 50), 40)))
      << "an inter frame right after unpause cannot be decoded";
  EXPECT_TRUE(p.server.send_media(p.id, *packet(flv::TagType::Audio, aac_frame_body(), 41)));
  EXPECT_TRUE(
      p.server.send_media(p.id, *packet(flv::TagType::Video, avc_frame_body(true, 50), 80)));
  EXPECT_TRUE(
      p.server.send_media(p.id, *packet(flv::TagType::Video, avc_frame_body(false, 50), 120)));
}

TEST(ServerPlay, ReceiveVideoFalseDropsVideoOnly) {
  Player p;
  p.start();
  p.client.stream_command(p.id, "receiveVideo", {Value::boolean(false)});
  p.pump();
  EXPECT_FALSE(
      p.server.send_media(p.id, *packet(flv::TagType::Video, avc_frame_body(true, 50), 0)));
  EXPECT_TRUE(p.server.send_media(p.id, *packet(flv::TagType::Audio, aac_frame_body(), 0)));
  p.client.stream_command(p.id, "receiveVideo", {Value::boolean(true)});
  p.pump();
  EXPECT_FALSE(
      p.server.send_media(p.id, *packet(flv::TagType::Video, avc_frame_body(false, 50), 40)));
  EXPECT_TRUE(
      p.server.send_media(p.id, *packet(flv::TagType::Video, avc_frame_body(true, 50), 80)));
}

TEST(ServerPlay, PlayersShareOneChunkedBodyPerPacket) {
  Player a, b;
  a.start();
  b.start();
  a.forget();
  b.forget();
  const PacketPtr frame = packet(flv::TagType::Video, avc_frame_body(true, 20000), 1000);
  ASSERT_TRUE(a.server.send_media(a.id, *frame));
  ASSERT_TRUE(b.server.send_media(b.id, *frame));
  const OutputBatch wa = a.server.take_output();
  const OutputBatch wb = b.server.take_output();
  ASSERT_EQ(wa.buffers().size(), 2u) << "one gathered write: own header + shared body";
  ASSERT_EQ(wb.buffers().size(), 2u);
  EXPECT_EQ(wa.buffers()[1].data(), wb.buffers()[1].data()) << "the same bytes, not a copy";
  EXPECT_EQ(wa.buffers()[1].size(), 20000u + 4) << "payload + 4 continuation headers (chunk 4096)";
  a.client.feed(wa.flatten());
  a.client.take_events(a.client_events);
  ASSERT_EQ(a.media().size(), 1u);
  EXPECT_EQ(test::to_bytes(a.media()[0].body), avc_frame_body(true, 20000));
}

TEST(ServerPlay, WritesGatherEverythingPending) {
  Player p;
  p.start();
  p.forget();
  for (int i = 0; i < 10; ++i)
    p.server.send_media(p.id, *packet(flv::TagType::Audio, aac_frame_body(), 1000 + 23 * i));
  const OutputBatch batch = p.server.take_output();
  EXPECT_EQ(batch.buffers().size(), 1u) << "small messages coalesce into one buffer";
  EXPECT_FALSE(p.server.has_output());
}

TEST(ServerPlay, PlayerTimestampsPast24BitsUseExtendedTimestamps) {
  Player p;
  p.start();
  p.forget();
  // A player connected for more than 4 h 40 min: its clock passes 0xFFFFFF.
  const std::int64_t start = 1'000;
  p.server.send_media(p.id, *packet(flv::TagType::Video, avc_frame_body(true, 100), start));
  const std::int64_t late = start + 0xFFFFFF + 5;
  p.server.send_media(p.id, *packet(flv::TagType::Video, avc_frame_body(false, 9000), late));
  p.server.send_media(p.id, *packet(flv::TagType::Video, avc_frame_body(false, 9000), late + 40));
  p.pump();
  const auto got = p.media();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].timestamp_ms, 0xFFFFFF + 5);
  EXPECT_EQ(got[2].timestamp_ms, 0xFFFFFF + 45);
  EXPECT_EQ(test::to_bytes(got[2].body), avc_frame_body(false, 9000));
}

TEST(ServerPlay, StopPlayingEndsThePlay) {
  Player p;
  p.start();
  p.forget();
  p.client.delete_stream(p.id);
  p.pump();
  ASSERT_EQ(p.server_seen<event::PlayEnded>().size(), 1u);
  EXPECT_FALSE(p.server.send_media(p.id, *packet(flv::TagType::Audio, aac_frame_body(), 0)));
}

}  // namespace
}  // namespace streamgate::rtmp
