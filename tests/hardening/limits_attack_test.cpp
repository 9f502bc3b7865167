// Load an attacker can put on the gateway, and the limits that bound it: a
// player that never reads, 500 publish/unpublish cycles, connections and
// publishers over their limits.

#include <atomic>
#include <thread>

#include "hardening_fixture.hpp"
#include "rtmp/synthetic_publisher.hpp"

namespace streamgate::hardening {
namespace {

using rtmp::MessageType;
using rtmp::test::RtmpTestClient;
using rtmp::test::SyntheticPublisher;
using Clock = std::chrono::steady_clock;

// The description of the last onStatus `client` got on `stream_id`.
std::string last_description(const RtmpTestClient& client, std::uint32_t stream_id) {
  std::string description;
  for (const auto& received : client.received())
    if (const auto* status = std::get_if<rtmp::client_event::StatusReceived>(&received.event))
      if (status->stream_id == stream_id) description = status->status.description;
  return description;
}

TEST_F(HardeningTest, PlayerThatNeverReadsIsDroppedWhileMemoryStaysBounded) {
  // The scene is 30 s of 5 Mbit/s; with player-lag-timeout 3 s
  // (default 10 s) the drop comes sooner, and 12 s of pushing covers the
  // time before it, the drop and the time after.
  start("<player-lag-timeout>3s</player-lag-timeout>\n" + short_timeouts());
  SyntheticPublisher publisher(port(), "fast");
  publisher.configs();

  RtmpTestClient stalled(port(), {}, 4096);
  ASSERT_EQ(stalled.connect("live"), "NetConnection.Connect.Success");
  const auto stalled_stream = stalled.create_stream();
  stalled.protocol().play(stalled_stream, "fast");
  stalled.flush();  // and never read again

  // A player that keeps up, on its own thread.
  std::atomic<bool> done{false};
  std::atomic<std::size_t> watched{0};
  std::thread watcher([&] {
    RtmpTestClient player(port());
    if (player.connect("live") != "NetConnection.Connect.Success") return;
    player.play(player.create_stream(), "fast");
    while (!done) {
      player.wait_until([&] { return done.load(); }, 100ms);
      watched = player.count_media(MessageType::Video);
    }
  });

  // 5 Mbit/s: a 20 833-byte frame every 1/30 s, a keyframe every 2 s.
  constexpr std::size_t kFrameBytes = 5'000'000 / 8 / 30;
  const auto begin = Clock::now();
  std::size_t peak = rss();
  for (int frame = 0; frame < 12 * 30; ++frame) {
    std::this_thread::sleep_until(begin + frame * std::chrono::microseconds(33'333));
    publisher.send(MessageType::Video, frame * 33,
                   rtmp::test::avc_frame(frame % 60 == 0, kFrameBytes));
    if (frame % 10 == 0) peak = std::max(peak, rss());
  }
  // The player that keeps up may trail a little on a loaded machine.
  for (const auto until = Clock::now() + kPrompt; watched < 300 && Clock::now() < until;)
    std::this_thread::sleep_for(50ms);
  done = true;
  watcher.join();

  std::cout << "[ rss ] peak " << peak / 1024 << " KiB while pushing, baseline "
            << baseline_rss() / 1024 << " KiB\n";
  EXPECT_TRUE(
      gateway().wait_for_log("player disconnected: it has not kept up for 3000 ms", kPrompt));
  EXPECT_TRUE(stalled.wait_closed(kPrompt)) << "the stalled player's connection is closed";
  EXPECT_FALSE(publisher.client.closed_by_peer()) << "the publisher never waits for a player";
  EXPECT_GE(watched.load(), 300u) << "a player that keeps up got the frames";
  // The stalled player's bus queue (player-queue-size, 8 MiB) is what it
  // may cost, with the usual margin on top.
  if (kRssMeaningful) {
    EXPECT_LE(peak, baseline_rss() + (8u << 20) + kRssMargin);
  }
  expect_recovered();
}

TEST_F(HardeningTest, FiveHundredPublishUnpublishCyclesLeaveNothingBehind) {
  // One publisher at a time and few connections per address: a place that
  // a cycle failed to give back would refuse a later one.
  start("<max-publishers>1</max-publishers>\n<max-connections-per-ip>8</max-connections-per-ip>\n" +
        short_timeouts());
  constexpr int kCycles = 500;
  int retries = 0;
  const auto begin = Clock::now();
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    // The server may not have seen the last connection close yet (the
    // abrupt endings): then it refuses, and the cycle tries again.
    std::unique_ptr<RtmpTestClient> client;
    std::uint32_t id = 0;
    for (int attempt = 0;; ++attempt) {
      ASSERT_LT(attempt, 200) << "cycle " << cycle << " never got a place";
      client = std::make_unique<RtmpTestClient>(port());
      if (client->connect("live", 2s) == "NetConnection.Connect.Success") {
        id = client->create_stream();
        if (client->publish(id, "cycle") == "NetStream.Publish.Start") break;
      }
      ++retries;
      std::this_thread::sleep_for(2ms);
    }
    for (const auto& [type, body] :
         {std::pair{MessageType::Video, rtmp::test::avc_config()},
          std::pair{MessageType::Audio, rtmp::test::aac_config()},
          std::pair{MessageType::Video, rtmp::test::avc_frame(true, 4000)}})
      client->protocol().send_media(id, type, 0, body);
    switch (cycle % 3) {
      case 0:  // closeStream, answered once the stream is released
        client->protocol().stream_command(id, "closeStream");
        EXPECT_TRUE(client->wait_until(
            [&] { return client->has_status(id, "NetStream.Unpublish.Success"); }));
        break;
      case 1:  // what ffmpeg does: FCUnpublish, deleteStream, close
        client->protocol().call("FCUnpublish", amf0::Value::null(), {amf0::Value::string("cycle")});
        client->protocol().delete_stream(id);
        client->flush();
        break;
      default:  // the encoder just goes away
        client->flush();
        break;
    }
    client.reset();
  }
  const auto took = Clock::now() - begin;
  std::cout << "[ cycles ] " << kCycles << " in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms, "
            << retries << " retries\n";
  EXPECT_TRUE(wait_for_log_count("live/cycle publish ended", kCycles, 30s));
  EXPECT_EQ(log_count("live/cycle publish started"), std::size_t(kCycles));
  expect_recovered();
}

// A connection from `address` that the server admitted: it answered C0+C1
// with S0+S1 (§5.2.5); a refused one is closed without a byte. Connections of
// earlier checks may still hold places for a moment, so a refusal is retried.
std::unique_ptr<RawConnection> admitted(std::uint16_t port, const std::string& address) {
  Bytes c0_c1(1 + 1536, std::byte{0});
  c0_c1[0] = std::byte{3};
  for (int attempt = 0; attempt < 50; ++attempt) {
    auto connection = std::make_unique<RawConnection>(port, address);
    connection->send(c0_c1);
    if (connection->wait_received(1 + 1536, kPrompt)) return connection;
    std::this_thread::sleep_for(100ms);
  }
  ADD_FAILURE() << "no connection from " << address << " was admitted";
  return nullptr;
}

// A connection from `address` that the server refused: closed, nothing sent.
void expect_refused(std::uint16_t port, const std::string& address) {
  RawConnection connection(port, address);
  EXPECT_TRUE(connection.wait_closed(kPrompt))
      << "a connection from " << address << " over the limit is closed at once";
  EXPECT_TRUE(connection.received().empty());
}

TEST_F(HardeningTest, ConnectionsOverTheLimitsAreClosedAtOnceAndLoggedSparingly) {
  start(
      "<max-connections>20</max-connections>\n<max-connections-per-ip>10</max-connections-per-ip>\n"
      "<handshake-timeout>60s</handshake-timeout>\n<idle-timeout>60s</idle-timeout>\n");
  // 127.0.0.5 and .6 are addresses no check uses.
  std::vector<std::unique_ptr<RawConnection>> first, second;
  for (int i = 0; i < 10; ++i) first.push_back(admitted(port(), "127.0.0.5"));
  expect_refused(port(), "127.0.0.5");
  EXPECT_TRUE(gateway().wait_for_log(
      "connection refused: 10 connections are open from this address (max-connections-per-ip 10)",
      kPrompt));

  // Another address still gets in, up to the total.
  for (int i = 0; i < 10; ++i) second.push_back(admitted(port(), "127.0.0.6"));
  std::this_thread::sleep_for(1100ms);  // refusal lines come at most once a second
  expect_refused(port(), "127.0.0.3");
  EXPECT_TRUE(gateway().wait_for_log(
      "connection refused: 20 connections are open (max-connections 20)", kPrompt));

  // A flood of refused connections gives a line a second, not a line each.
  const auto lines_before = log_count("connection refused:");
  const auto flood_start = Clock::now();
  for (int i = 0; i < 100; ++i) {
    RawConnection flood(port(), "127.0.0.4");
    flood.wait_closed(kPrompt);
  }
  const auto flood_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - flood_start).count();
  std::this_thread::sleep_for(1100ms);
  expect_refused(port(), "127.0.0.4");
  EXPECT_TRUE(gateway().wait_for_log("more refused since the last such line)", kPrompt));
  // One line per started second of the flood (with a second's slack for
  // when the server saw it begin and end), and the one after the pause.
  const auto lines = log_count("connection refused:") - lines_before;
  std::cout << "[ flood ] 100 refused in " << flood_seconds << " s: " << lines << " lines\n";
  EXPECT_LE(lines, std::size_t(flood_seconds) + 3);

  // Places come back when connections close.
  first.resize(5);
  EXPECT_NE(admitted(port(), "127.0.0.3"), nullptr);
  first.clear();
  second.clear();
  expect_recovered();
}

TEST_F(HardeningTest, PublishersOverTheLimitsAreRefusedAndClosed) {
  start("<max-publishers>3</max-publishers>\n<max-streams-per-app>2</max-streams-per-app>\n" +
            short_timeouts(),
        "<app name=\"live\"/><app name=\"other\"/>");
  auto publisher = [&](const std::string& app, const std::string& name, std::string* description) {
    auto client = std::make_unique<RtmpTestClient>(port());
    EXPECT_EQ(client->connect(app), "NetConnection.Connect.Success");
    const auto id = client->create_stream();
    const auto code = client->publish(id, name);
    if (description) *description = last_description(*client, id);
    return std::pair{std::move(client), code};
  };
  auto [a, a_code] = publisher("live", "a", nullptr);
  auto [b, b_code] = publisher("live", "b", nullptr);
  ASSERT_EQ(a_code, "NetStream.Publish.Start");
  ASSERT_EQ(b_code, "NetStream.Publish.Start");
  std::string why;
  auto [c, c_code] = publisher("live", "c", &why);
  EXPECT_EQ(c_code, "NetStream.Publish.BadName");
  EXPECT_EQ(
      why, "Publishing refused: 2 streams are being published in this app (max-streams-per-app 2)");
  EXPECT_TRUE(c->wait_closed(kPrompt)) << "a refused publisher's connection is closed";

  auto [x, x_code] = publisher("other", "x", nullptr);
  EXPECT_EQ(x_code, "NetStream.Publish.Start");
  auto [y, y_code] = publisher("other", "y", &why);
  EXPECT_EQ(y_code, "NetStream.Publish.BadName");
  EXPECT_EQ(why, "Publishing refused: 3 streams are being published (max-publishers 3)");
  EXPECT_TRUE(y->wait_closed(kPrompt));
  EXPECT_TRUE(
      gateway().wait_for_log("publish of other/y refused: 3 streams are being published", kPrompt));

  // One leaves: its place is free again.
  a.reset();
  ASSERT_TRUE(gateway().wait_for_log("live/a publish ended", kPrompt));
  auto [d, d_code] = publisher("live", "d", nullptr);
  EXPECT_EQ(d_code, "NetStream.Publish.Start");
  b.reset();
  d.reset();
  x.reset();
  ASSERT_TRUE(wait_for_log_count(" publish ended", 4 + checks(), kPrompt));  // and the checks'
  expect_recovered();
}

}  // namespace
}  // namespace streamgate::hardening
