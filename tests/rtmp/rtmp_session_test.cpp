// The real gateway at the protocol level: a test client (the protocol
// library's ClientProtocol on a socket) publishes or plays next to ffmpeg and
// checks what the server says and sends, and when.

#include <algorithm>

#include "gateway_fixture.hpp"
#include "status.hpp"
#include "support/net.hpp"
#include "synthetic_publisher.hpp"

namespace streamgate::rtmp::test {
namespace {

namespace st = streamgate::test;

// FLV 10.1 E.4.3.1: the first byte of a video tag is FrameType << 4 | CodecID;
// for AVC the second is AVCPacketType (0 = sequence header).
bool is_avc_config(const Message& m) { return m.body.size() > 1 && m.body[1] == std::byte{0}; }
bool is_keyframe(const Message& m) {
  return !m.body.empty() && (std::to_integer<int>(m.body[0]) >> 4) == 1 && !is_avc_config(m);
}

std::vector<std::int64_t> timestamps(const RtmpTestClient& client, MessageType type) {
  std::vector<std::int64_t> out;
  for (const auto* m : client.media())
    if (m->type == type) out.push_back(m->timestamp_ms);
  return out;
}

class RtmpSession : public RtmpGatewayTest {};

TEST_F(RtmpSession, UnknownAppIsRejectedAndTheConnectionClosed) {
  start_gateway();
  RtmpTestClient client(gateway().rtmp_port());
  EXPECT_EQ(client.connect("nope"), status::kConnectRejected);
  EXPECT_TRUE(client.wait_closed(5s));
  EXPECT_TRUE(gateway().wait_for_log("connect to app 'nope' rejected", 1s));
}

TEST_F(RtmpSession, UnknownCommandGetsAnErrorAndTheSessionGoesOn) {
  start_gateway();
  RtmpTestClient client(gateway().rtmp_port());
  ASSERT_EQ(client.connect("live"), status::kConnectSuccess);
  const auto answer = client.result_of(client.protocol().call("noSuchMethod"));
  ASSERT_TRUE(answer);
  EXPECT_TRUE(answer->error) << "answered with _error";
  ASSERT_TRUE(answer->status);
  EXPECT_EQ(answer->status->code, status::kCallFailed);
  EXPECT_NE(client.create_stream(), 0u) << "the session continues";
  EXPECT_FALSE(client.closed_by_peer());
}

TEST_F(RtmpSession, LateJoinerGetsTheCachedGopWithinAFrame) {
  start_gateway();
  auto publisher = publish("cam", st::test_media(standard_media()));
  std::this_thread::sleep_for(1s);  // halfway into a 2 s GOP
  std::uint32_t id = 0;
  auto player = client(&id);
  EXPECT_EQ(player->play(id, "cam"), status::kPlayReset);
  ASSERT_TRUE(player->wait_until([&] { return player->count_media(MessageType::Video) >= 3; }));
  const auto first_video = player->first_arrival(MessageType::Video);
  ASSERT_TRUE(first_video);
  const auto startup = std::chrono::duration_cast<std::chrono::microseconds>(*first_video -
                                                                              player->play_sent());
  RecordProperty("startup_to_first_video_us", std::to_string(startup.count()));
  std::cout << "startup: play to first video message " << startup.count() << " us\n";
  // GOP cache: the first video messages are the sequence header and the keyframe
  // that started the GOP, sent at once rather than at the next keyframe (1 s away).
  EXPECT_LT(startup, 100ms);
  std::vector<const Message*> video;
  for (const auto* m : player->media())
    if (m->type == MessageType::Video) video.push_back(m);
  EXPECT_TRUE(is_avc_config(*video[0]));
  EXPECT_TRUE(is_keyframe(*video[1]));
  // Status sequence a Flash-era player expects.
  EXPECT_EQ(player->status_codes(id),
            (std::vector<std::string>{std::string(status::kPlayReset), std::string(status::kPlayStart)}));
  EXPECT_EQ(player->count_user_control(kStreamBegin), 1u);
}

TEST_F(RtmpSession, SecondPublisherOnALiveNameIsRefusedWhileTheFirstGoesOn) {
  start_gateway();
  auto publisher = publish("cam", st::test_media(standard_media()));
  {
    std::uint32_t id = 0;
    auto intruder = client(&id);
    EXPECT_EQ(intruder->publish(id, "cam"), status::kPublishBadName);
    EXPECT_TRUE(intruder->wait_closed(5s)) << "a refused publisher's connection is closed";
  }
  auto player = playing("cam");
  EXPECT_TRUE(player->wait_until([&] { return player->count_media(MessageType::Video) >= 30; }))
      << "the first publisher's media still flows";
  EXPECT_TRUE(publisher->running());
  EXPECT_TRUE(gateway().wait_for_log("publish of live/cam refused: the stream is already published", 1s));
}

TEST_F(RtmpSession, PublisherLeavingAndReturningResumesAWaitingPlayer) {
  start_gateway();
  const auto media = st::test_media(standard_media());
  std::uint32_t id = 0;
  auto player = client(&id);
  // Before any publisher: the player waits.
  EXPECT_EQ(player->play(id, "cam"), status::kPlayReset);
  for (int round = 1; round <= 2; ++round) {
    SCOPED_TRACE("publish " + std::to_string(round));
    const std::size_t before = player->count_media(MessageType::Video);
    auto publisher = st::ffmpeg_publish(media, url("cam"), file("pub" + std::to_string(round) + ".log"));
    ASSERT_TRUE(player->wait_until(
        [&] { return player->count_media(MessageType::Video) >= before + 30; }, 15s));
    publisher->terminate();  // ffmpeg ends its stream (FCUnpublish, deleteStream) and leaves
    ASSERT_TRUE(publisher->wait_for(10s).has_value());
    ASSERT_TRUE(player->wait_until(
        [&] { return player->has_status(id, std::string(status::kPlayUnpublishNotify)) &&
                     player->count_user_control(kStreamEof) >= std::size_t(round); },
        10s));
  }
  EXPECT_EQ(player->count_user_control(kStreamEof), 2u);
  EXPECT_TRUE(player->has_status(id, std::string(status::kPlayPublishNotify)))
      << "the return is announced";
  // Each publish brought its sequence headers, and the player's clock never went back.
  std::size_t configs = 0;
  for (const auto* m : player->media())
    if (m->type == MessageType::Video && is_avc_config(*m)) ++configs;
  EXPECT_EQ(configs, 2u);
  for (auto type : {MessageType::Video, MessageType::Audio}) {
    const auto ts = timestamps(*player, type);
    EXPECT_TRUE(std::is_sorted(ts.begin(), ts.end())) << to_string(type);
  }
  EXPECT_FALSE(player->closed_by_peer());
}

TEST_F(RtmpSession, MalformedMessageEndsOnlyThatSession) {
  start_gateway();
  auto publisher = publish("cam", st::test_media(standard_media()));
  auto player = playing("cam");

  RtmpTestClient bad(gateway().rtmp_port());
  ASSERT_EQ(bad.connect("live"), status::kConnectSuccess);
  // RTMP 1.0 §5.3.1 / §5.4.1: chunk basic header fmt 0 csid 2, timestamp 0,
  // length 4, type 1 (Set Chunk Size), stream id 0; then a chunk size of 0,
  // which means nothing.
  const std::vector<std::byte> set_chunk_size_zero = {
      std::byte{0x02}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0},
      std::byte{4},    std::byte{1}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0},
      std::byte{0},    std::byte{0}, std::byte{0}, std::byte{0}};
  bad.send_raw(set_chunk_size_zero);
  EXPECT_TRUE(bad.wait_closed(5s));
  EXPECT_TRUE(gateway().wait_for_log("session ended:", 2s));

  const std::size_t before = player->count_media(MessageType::Video);
  EXPECT_TRUE(player->wait_until(
      [&] { return player->count_media(MessageType::Video) >= before + 20; }, 10s))
      << "the other session is unaffected";
  EXPECT_TRUE(publisher->running());
}

TEST_F(RtmpSession, SigtermWithLiveSessionsExitsCleanly) {
  start_gateway();
  auto publisher = publish("cam", st::test_media(standard_media()));
  auto player = playing("cam");
  EXPECT_EQ(stop_gateway(), 0);
  EXPECT_NE(gateway().log().find("rtmp: stopped (2 sessions closed)"), std::string::npos);
  EXPECT_TRUE(player->wait_closed(5s));
}

TEST_F(RtmpSession, HandshakeAndIdleTimeoutsCloseSilentConnections) {
  start_gateway("<handshake-timeout>500ms</handshake-timeout><idle-timeout>1s</idle-timeout>\n");
  {
    // A TCP connection that never says anything.
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket silent(io);
    silent.connect({boost::asio::ip::address_v4::loopback(), gateway().rtmp_port()});
    const auto start = std::chrono::steady_clock::now();
    std::array<char, 16> buffer{};
    boost::system::error_code ec;
    silent.read_some(boost::asio::buffer(buffer), ec);  // returns when the server closes
    const auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_TRUE(ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset)
        << ec.message();
    EXPECT_GE(waited, 400ms);
    EXPECT_LT(waited, 3s);
  }
  // A publisher that goes quiet after Publish.Start.
  SyntheticPublisher quiet(gateway().rtmp_port(), "quiet");
  quiet.configs();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(quiet.client.wait_closed(5s));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 800ms);
  EXPECT_TRUE(gateway().wait_for_log("closed: nothing received for 1000 ms", 1s));
  EXPECT_TRUE(gateway().wait_for_log("live/quiet publish ended", 1s));
}

TEST_F(RtmpSession, PlayerThatStopsReadingIsDisconnectedAndThePublisherGoesOn) {
  start_gateway("<player-lag-timeout>1s</player-lag-timeout>\n");
  // As fast as ffmpeg can: the stalled player's socket fills within a second.
  auto publisher = st::ffmpeg_publish(st::test_media(standard_media()), url("fast"),
                                      file("fast.log"), {}, false, -1);
  ASSERT_TRUE(gateway().wait_for_log("live/fast publish started", 10s));
  RtmpTestClient stalled(gateway().rtmp_port(), {}, 4096);
  ASSERT_EQ(stalled.connect("live"), status::kConnectSuccess);
  const auto stream = stalled.create_stream();
  stalled.protocol().play(stream, "fast");
  stalled.flush();  // and never read again
  EXPECT_TRUE(gateway().wait_for_log("player disconnected: it has not kept up for 1000 ms", 20s));
  EXPECT_TRUE(publisher->running()) << "the publisher never waits for a player";
  auto other = playing("fast");
  EXPECT_GE(other->count_media(MessageType::Video), 5u) << "other players are served";
}

TEST_F(RtmpSession, IpV6ListenerServesPublishersAndPlayers) {
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor probe(io);
    boost::system::error_code ec;
    probe.open(boost::asio::ip::tcp::v6(), ec);
    if (!ec) probe.bind({boost::asio::ip::address_v6::loopback(), 0}, ec);
    if (ec) GTEST_SKIP() << "no IPv6 loopback here: " << ec.message();
  }
  const std::uint16_t port = st::free_tcp_port();
  start_gateway_with("<plugin name=\"rtmp\" enabled=\"true\">\n  <listen>127.0.0.1:{rtmp_port}, [::1]:" +
                     std::to_string(port) + "</listen>\n</plugin>\n");
  const std::string v6_url = "rtmp://[::1]:" + std::to_string(port) + "/live/six";
  auto publisher = st::ffmpeg_publish(st::test_media(standard_media()), v6_url, file("v6.log"));
  ASSERT_TRUE(gateway().wait_for_log("live/six publish started", 10s)) << publisher->output();
  EXPECT_TRUE(gateway().wait_for_log("rtmp: [::1]:", 1s)) << "peers are named by their address";
  auto player = playing("six");  // over IPv4, same stream
  EXPECT_GE(player->count_media(MessageType::Video), 5u);
}

}  // namespace
}  // namespace streamgate::rtmp::test
