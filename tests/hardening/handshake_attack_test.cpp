// Attacks before or during the handshake: garbage instead of RTMP, and 200
// connections that never finish the handshake.

#include <random>
#include <thread>

#include "hardening_fixture.hpp"
#include "rtmp/synthetic_publisher.hpp"

namespace streamgate::hardening {
namespace {

using rtmp::test::RtmpTestClient;
using rtmp::test::SyntheticPublisher;

// Whatever a scanner or a confused client may send first.
std::vector<std::pair<std::string, Bytes>> garbage() {
  std::mt19937 random(42);
  Bytes noise(64 * 1024);
  for (auto& b : noise) b = std::byte(random());
  noise[0] = std::byte{0xFE};  // not an RTMP version (C0 is 3, §5.2.2)
  // A TLS 1.2 ClientHello's record header (RFC 5246 §6.2.1): rtmps to a plain port.
  Bytes tls = {std::byte{0x16}, std::byte{0x03}, std::byte{0x01}, std::byte{0x02},
               std::byte{0x00}, std::byte{0x01}, std::byte{0x00}, std::byte{0x01},
               std::byte{0xFC}, std::byte{0x03}, std::byte{0x03}};
  tls.resize(517, std::byte{0x41});
  return {{"an HTTP request", text_bytes("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")},
          {"a TLS ClientHello", tls},
          {"64 KiB of noise", noise},
          {"one zero byte", Bytes(1)}};
}

TEST_F(HardeningTest, GarbageInsteadOfAHandshakeIsClosedAtOnceWithAReason) {
  start();
  for (const auto& [what, bytes] : garbage()) {
    RawConnection bad(port());
    const auto sent_at = std::chrono::steady_clock::now();
    bad.send(bytes);
    EXPECT_TRUE(bad.wait_closed(1s)) << what << " is refused without waiting for a timeout";
    EXPECT_LT(std::chrono::steady_clock::now() - sent_at, 1s) << what;
    EXPECT_TRUE(bad.received().empty()) << what << ": nothing is answered to garbage";
  }
  EXPECT_TRUE(wait_for_log_count("session ended: handshake: ", 4, 2s))
      << "each is logged with its reason";

  // Noise that starts with a valid C0: the rest is taken as C1 and C2, then
  // chunks; either the chunk reader refuses it or the handshake timeout ends it.
  std::mt19937 random(7);
  Bytes noise(16 * 1024);
  for (auto& b : noise) b = std::byte(random());
  noise[0] = std::byte{3};
  RawConnection sneaky(port());
  sneaky.send(noise);
  EXPECT_TRUE(sneaky.wait_closed(4s));
  expect_recovered();
}

TEST_F(HardeningTest, HalfOpenConnectionsAreAllDroppedAtTheHandshakeTimeoutWhileTheServerServes) {
  start("<handshake-timeout>2s</handshake-timeout>\n<idle-timeout>3s</idle-timeout>\n");
  constexpr int kConnections = 200;
  const Bytes c0_and_half_c1 = [] {
    Bytes out(1 + 768, std::byte{0x11});
    out[0] = std::byte{3};
    return out;
  }();
  std::vector<std::unique_ptr<RawConnection>> half_open;
  const auto opened = std::chrono::steady_clock::now();
  for (int i = 0; i < kConnections; ++i) {
    half_open.push_back(std::make_unique<RawConnection>(port()));
    // Half say nothing at all; half stop in the middle of C1.
    if (i % 2 == 1) half_open.back()->send(c0_and_half_c1);
  }

  // Meanwhile a publisher and a player do their work at the protocol level.
  {
    SyntheticPublisher publisher(port(), "busy");
    publisher.configs();
    RtmpTestClient player(port());
    ASSERT_EQ(player.connect("live"), "NetConnection.Connect.Success");
    const auto id = player.create_stream();
    ASSERT_EQ(player.play(id, "busy"), "NetStream.Play.Reset");
    for (int frame = 0; frame < 10; ++frame)
      publisher.send(rtmp::MessageType::Video, frame * 40, rtmp::test::avc_frame(frame == 0, 2000));
    EXPECT_TRUE(
        player.wait_until([&] { return player.count_media(rtmp::MessageType::Video) >= 10; }, 5s))
        << "the server serves while 200 connections hang";
  }

  // None is dropped early...
  std::this_thread::sleep_until(opened + 1500ms);
  int open_at_1500ms = 0;
  for (auto& connection : half_open)
    if (!connection->wait_closed(1ms)) ++open_at_1500ms;
  EXPECT_EQ(open_at_1500ms, kConnections);
  // ...and every one is gone soon after 2 s (ticks are a quarter of the timeout).
  int closed = 0;
  for (auto& connection : half_open)
    if (connection->wait_closed(std::chrono::duration_cast<std::chrono::milliseconds>(
            opened + 3500ms - std::chrono::steady_clock::now())))
      ++closed;
  EXPECT_EQ(closed, kConnections);
  EXPECT_GE(log_count("closed: no handshake and connect within 2000 ms"),
            std::size_t(kConnections));
  half_open.clear();
  expect_recovered();
}

}  // namespace
}  // namespace streamgate::hardening
