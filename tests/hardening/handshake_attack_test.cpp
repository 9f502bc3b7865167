// Attacks before or during the handshake: garbage instead of RTMP, and 200
// connections that never finish the handshake.

#include <algorithm>
#include <random>
#include <thread>

#include "hardening_fixture.hpp"
#include "rtmp/synthetic_publisher.hpp"

namespace streamgate::hardening {
namespace {

using rtmp::test::RtmpTestClient;
using rtmp::test::SyntheticPublisher;
using Clock = std::chrono::steady_clock;

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
  // Timeouts far longer than the waits below: a close comes from the
  // refusal, not from a timer.
  start("<handshake-timeout>60s</handshake-timeout>\n<idle-timeout>60s</idle-timeout>\n");
  for (const auto& [what, bytes] : garbage()) {
    RawConnection bad(port());
    bad.send(bytes);
    EXPECT_TRUE(bad.wait_closed(kPrompt)) << what << " is refused without waiting for a timeout";
    EXPECT_TRUE(bad.received().empty()) << what << ": nothing is answered to garbage";
  }
  EXPECT_TRUE(wait_for_log_count("session ended: handshake: ", 4, kPrompt))
      << "each is logged with its reason";

  // Noise that starts with a valid C0: the rest is taken as C1 and C2, then
  // chunks, which the chunk reader or the connect check refuses.
  std::mt19937 random(7);
  Bytes noise(16 * 1024);
  for (auto& b : noise) b = std::byte(random());
  noise[0] = std::byte{3};
  RawConnection sneaky(port());
  sneaky.send(noise);
  EXPECT_TRUE(sneaky.wait_closed(kPrompt));
  EXPECT_TRUE(wait_for_log_count("session ended: ", 5, kPrompt));
  expect_recovered();
}

TEST_F(HardeningTest, HalfOpenConnectionsAreAllDroppedAtTheHandshakeTimeoutWhileTheServerServes) {
  constexpr auto kTimeout = 3s;
  start("<handshake-timeout>3s</handshake-timeout>\n<idle-timeout>3s</idle-timeout>\n");
  constexpr int kConnections = 200;
  const Bytes c0_and_half_c1 = [] {
    Bytes out(1 + 768, std::byte{0x11});
    out[0] = std::byte{3};
    return out;
  }();
  std::vector<std::unique_ptr<RawConnection>> half_open;
  // The server accepts each connection after this, so its timeout cannot end before opened + 3 s.
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
    EXPECT_TRUE(player.wait_until(
        [&] { return player.count_media(rtmp::MessageType::Video) >= 10; }, kPrompt))
        << "the server serves while 200 connections hang";
  }

  // Watch them close: none before the timeout, every one soon after it
  // (ticks are a quarter of the timeout; the deadline is generous for a
  // loaded machine and is only reached on failure).
  std::vector<Clock::time_point> closed_at(half_open.size());
  std::size_t closed = 0;
  Clock::time_point first_close = Clock::time_point::max();
  const auto deadline = opened + kTimeout + 15s;
  while (closed < half_open.size() && Clock::now() < deadline) {
    for (std::size_t i = 0; i < half_open.size(); ++i) {
      if (closed_at[i] != Clock::time_point{} || !half_open[i]->wait_closed(1ms)) continue;
      closed_at[i] = Clock::now();  // at or after the close
      first_close = std::min(first_close, closed_at[i]);
      ++closed;
    }
  }
  EXPECT_EQ(closed, half_open.size());
  EXPECT_TRUE(first_close >= opened + kTimeout) << "a connection was dropped before its timeout";
  EXPECT_GE(log_count("closed: no handshake and connect within 3000 ms"),
            std::size_t(kConnections));
  half_open.clear();
  expect_recovered();
}

}  // namespace
}  // namespace streamgate::hardening
