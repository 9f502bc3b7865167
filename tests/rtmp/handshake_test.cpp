// The RTMP handshake (RTMP 1.0 §5.2) and the FP9 digest scheme, checked the
// way clients check it: digests recomputed here with OpenSSL's one-shot HMAC,
// independently of the code under test.

#include "handshake.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace streamgate::rtmp {
namespace {

using Bytes = std::vector<std::byte>;
constexpr std::size_t kBlock = 1536;

// The two keys as rtmpdump and ffmpeg publish them: an ASCII name followed by
// the same 32 constant bytes.
const std::array<std::uint8_t, 32> kTail = {
    0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57,
    0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE};

Bytes key(const std::string& name, bool with_tail) {
  Bytes out;
  for (char c : name) out.push_back(std::byte(c));
  if (with_tail)
    for (auto b : kTail) out.push_back(std::byte(b));
  return out;
}
const Bytes kPlayerKey30 = key("Genuine Adobe Flash Player 001", false);
const Bytes kPlayerKey62 = key("Genuine Adobe Flash Player 001", true);
const Bytes kServerKey36 = key("Genuine Adobe Flash Media Server 001", false);
const Bytes kServerKey68 = key("Genuine Adobe Flash Media Server 001", true);

Bytes hmac(const Bytes& k, const Bytes& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), k.data(), int(k.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &length);
  Bytes result(length);
  std::memcpy(result.data(), out, length);
  return result;
}

// Offset of the digest in a 1536-byte block: the 4 bytes at `base` summed,
// mod 728, plus base + 4 (base 8 = scheme 0, base 772 = scheme 1).
std::size_t offset_in(const Bytes& block, std::size_t base) {
  std::size_t sum = 0;
  for (std::size_t i = 0; i < 4; ++i) sum += std::to_integer<std::size_t>(block[base + i]);
  return sum % 728 + base + 4;
}

Bytes without(const Bytes& block, std::size_t offset) {
  Bytes out(block.begin(), block.begin() + std::ptrdiff_t(offset));
  out.insert(out.end(), block.begin() + std::ptrdiff_t(offset + 32), block.end());
  return out;
}

Bytes slice(const Bytes& b, std::size_t at, std::size_t n) {
  return Bytes(b.begin() + std::ptrdiff_t(at), b.begin() + std::ptrdiff_t(at + n));
}

Bytes random_block(unsigned seed) {
  std::mt19937 rng(seed);
  Bytes out(kBlock);
  for (auto& b : out) b = std::byte(std::uint8_t(rng()));
  return out;
}

// C1 as a Flash/rtmpdump client builds it: time, version 128.0.7.2, random,
// digest over the rest with the 30-byte player key.
Bytes digest_c1(std::size_t base, unsigned seed) {
  Bytes c1 = random_block(seed);
  std::fill_n(c1.begin(), 4, std::byte{0});
  c1[4] = std::byte{0x80}, c1[5] = std::byte{0}, c1[6] = std::byte{7}, c1[7] = std::byte{2};
  const std::size_t at = offset_in(c1, base);
  const Bytes d = hmac(kPlayerKey30, without(c1, at));
  std::copy(d.begin(), d.end(), c1.begin() + std::ptrdiff_t(at));
  return c1;
}

Bytes plain_c1(unsigned seed) {
  Bytes c1 = random_block(seed);
  std::fill_n(c1.begin(), 8, std::byte{0});
  return c1;
}

Bytes with_c0(const Bytes& c1) {
  Bytes out{std::byte{3}};
  out.insert(out.end(), c1.begin(), c1.end());
  return out;
}

RandomFill seeded(unsigned seed) {
  auto rng = std::make_shared<std::mt19937>(seed);
  return [rng](std::span<std::byte> out) {
    for (auto& b : out) b = std::byte(std::uint8_t((*rng)()));
  };
}

struct ServerReply {
  Bytes s0s1s2;
  Parsed<HandshakeKind> result;
};

ServerReply run_server(const Bytes& c0c1, const Bytes& c2, unsigned seed = 7) {
  ServerHandshake server({true, 1234, seeded(seed)});
  ServerReply reply;
  auto first = server.feed(c0c1, reply.s0s1s2);
  EXPECT_TRUE(first.need_more());
  EXPECT_EQ(first.consumed, c0c1.size());
  reply.result = server.feed(c2, reply.s0s1s2);
  return reply;
}

// A client's checks of S1/S2 for a digest handshake, as in rtmpdump's
// HandShake(): S1 digest with the 36-byte server key at either position;
// S2 signed with HMAC(HMAC(68-byte server key, client digest), S2[0..1504)).
void expect_valid_digest_reply(const Bytes& c1, std::size_t client_base, const Bytes& reply) {
  ASSERT_EQ(reply.size(), 1 + 2 * kBlock);
  EXPECT_EQ(reply[0], std::byte{3});
  const Bytes s1 = slice(reply, 1, kBlock);
  const Bytes s2 = slice(reply, 1 + kBlock, kBlock);
  EXPECT_GE(std::to_integer<int>(s1[4]), 3) << "ffmpeg verifies S1 only if this byte >= 3";
  EXPECT_EQ(slice(s1, 0, 4), (Bytes{std::byte{0}, std::byte{0}, std::byte{0x04}, std::byte{0xD2}}))
      << "S1 time field = server time 1234";

  bool s1_ok = false;
  for (std::size_t base : {772u, 8u}) {
    const std::size_t at = offset_in(s1, base);
    if (hmac(kServerKey36, without(s1, at)) == slice(s1, at, 32)) s1_ok = true;
  }
  EXPECT_TRUE(s1_ok) << "S1 digest verifies at neither position";

  const std::size_t client_at = offset_in(c1, client_base);
  const Bytes temp = hmac(kServerKey68, slice(c1, client_at, 32));
  EXPECT_EQ(hmac(temp, slice(s2, 0, kBlock - 32)), slice(s2, kBlock - 32, 32))
      << "S2 signature does not verify against the client digest";
}

TEST(ServerHandshake, DigestAtOffset8IsAnsweredWithValidS1AndS2) {
  const Bytes c1 = digest_c1(8, 1);
  const auto reply = run_server(with_c0(c1), random_block(2));
  ASSERT_TRUE(reply.result.ok()) << reply.result.error;
  EXPECT_EQ(reply.result.value, HandshakeKind::Digest);
  expect_valid_digest_reply(c1, 8, reply.s0s1s2);
}

TEST(ServerHandshake, DigestAtOffset772IsAnsweredWithValidS1AndS2) {
  const Bytes c1 = digest_c1(772, 3);
  ServerHandshake server({true, 1234, seeded(4)});
  Bytes out;
  auto first = server.feed(with_c0(c1), out);
  ASSERT_TRUE(first.need_more());
  EXPECT_EQ(server.scheme(), digest::Scheme::Offset772);
  expect_valid_digest_reply(c1, 772, out);
}

TEST(ServerHandshake, S1DigestUsesTheClientsScheme) {
  for (std::size_t base : {8u, 772u}) {
    const Bytes c1 = digest_c1(base, 11);
    const auto reply = run_server(with_c0(c1), random_block(12));
    const Bytes s1 = slice(reply.s0s1s2, 1, kBlock);
    const std::size_t at = offset_in(s1, base);
    EXPECT_EQ(hmac(kServerKey36, without(s1, at)), slice(s1, at, 32)) << "base " << base;
  }
}

TEST(ServerHandshake, PlainClientGetsAnEchoAndZeroVersion) {
  const Bytes c1 = plain_c1(5);
  const auto reply = run_server(with_c0(c1), random_block(6));
  ASSERT_TRUE(reply.result.ok());
  EXPECT_EQ(reply.result.value, HandshakeKind::Plain);
  const Bytes s1 = slice(reply.s0s1s2, 1, kBlock);
  const Bytes s2 = slice(reply.s0s1s2, 1 + kBlock, kBlock);
  // §5.2.3: S1 = time(4) zero(4) random(1528).
  EXPECT_EQ(slice(s1, 4, 4), Bytes(4, std::byte{0}));
  // §5.2.4: S2 = C1's time, time2 (our read time), C1's random echoed.
  EXPECT_EQ(slice(s2, 0, 4), slice(c1, 0, 4));
  EXPECT_EQ(slice(s2, 4, 4), (Bytes{std::byte{0}, std::byte{0}, std::byte{0x04}, std::byte{0xD2}}));
  EXPECT_EQ(slice(s2, 8, kBlock - 8), slice(c1, 8, kBlock - 8));
}

TEST(ServerHandshake, VersionWithoutValidDigestFallsBackToPlain) {
  Bytes c1 = digest_c1(8, 21);
  c1[offset_in(c1, 8)] ^= std::byte{0xFF};  // break the digest
  const auto reply = run_server(with_c0(c1), random_block(22));
  ASSERT_TRUE(reply.result.ok());
  EXPECT_EQ(reply.result.value, HandshakeKind::Plain);
  EXPECT_EQ(slice(reply.s0s1s2, 1 + 4, 4), Bytes(4, std::byte{0}));
  EXPECT_EQ(slice(reply.s0s1s2, 1 + kBlock + 8, kBlock - 8), slice(c1, 8, kBlock - 8));
}

TEST(ServerHandshake, DigestCanBeSwitchedOff) {
  const Bytes c1 = digest_c1(8, 31);
  ServerHandshake server({false, 0, seeded(1)});
  Bytes out;
  server.feed(with_c0(c1), out);
  EXPECT_EQ(server.kind(), HandshakeKind::Plain);
}

TEST(ServerHandshake, C2NeedNotEchoS1AndTrailingBytesAreLeft) {
  const Bytes c1 = digest_c1(8, 41);
  Bytes input = with_c0(c1);
  const Bytes c2 = random_block(42);  // echoes nothing
  input.insert(input.end(), c2.begin(), c2.end());
  const Bytes chunk_bytes = {std::byte{0x03}, std::byte{0x00}};
  input.insert(input.end(), chunk_bytes.begin(), chunk_bytes.end());
  ServerHandshake server({true, 0, seeded(1)});
  Bytes out;
  auto result = server.feed(input, out);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.consumed, 1 + 2 * kBlock) << "the chunk stream starts right after C2";
  EXPECT_TRUE(server.done());
}

TEST(ServerHandshake, C0C1AndC2SplitAtEveryOffsetGiveTheSameReply) {
  const Bytes c1 = digest_c1(772, 51);
  Bytes input = with_c0(c1);
  const Bytes c2 = random_block(52);
  input.insert(input.end(), c2.begin(), c2.end());
  Bytes whole;
  {
    ServerHandshake server({true, 9, seeded(3)});
    ASSERT_TRUE(server.feed(input, whole).ok());
  }
  for (std::size_t split = 0; split <= input.size(); ++split) {
    ServerHandshake server({true, 9, seeded(3)});
    Bytes out;
    const std::span<const std::byte> all(input);
    auto a = server.feed(all.first(split), out);
    ASSERT_FALSE(a.invalid()) << split;
    std::size_t used = a.consumed;
    if (!a.ok()) {
      EXPECT_EQ(a.consumed, split);
      auto b = server.feed(all.subspan(split), out);
      ASSERT_TRUE(b.ok()) << "split " << split << ": " << b.error;
      used += b.consumed;
    }
    EXPECT_EQ(used, input.size()) << split;
    ASSERT_EQ(out, whole) << "split at " << split;
  }
}

TEST(ServerHandshake, ByteByByte) {
  const Bytes input = with_c0(plain_c1(61));
  ServerHandshake server({true, 0, seeded(1)});
  Bytes out;
  for (std::size_t i = 0; i < input.size(); ++i) {
    EXPECT_EQ(out.empty(), true) << "S0S1S2 before C1 was complete, at " << i;
    auto r = server.feed(std::span<const std::byte>(input).subspan(i, 1), out);
    ASSERT_TRUE(r.need_more());
  }
  EXPECT_EQ(out.size(), 1 + 2 * kBlock);
}

TEST(ServerHandshake, RejectsOtherVersionsAtOnce) {
  for (std::uint8_t version : {0, 6, 8, 0x16, 0x47}) {
    ServerHandshake server;
    Bytes out;
    const Bytes one{std::byte{version}};
    auto r = server.feed(one, out);
    ASSERT_TRUE(r.invalid()) << int(version);
    EXPECT_NE(r.error.find("version " + std::to_string(version)), std::string::npos) << r.error;
    EXPECT_TRUE(out.empty());
    EXPECT_TRUE(server.feed(with_c0(plain_c1(1)), out).invalid()) << "stays failed";
  }
  ServerHandshake server;
  Bytes out;
  EXPECT_NE(server.feed(Bytes{std::byte{6}}, out).error.find("RTMPE"), std::string::npos);
}

// ---- the client side against the server ----

struct Pair {
  Parsed<HandshakeKind> client_result;
  Parsed<HandshakeKind> server_result;
  HandshakeKind server_kind = HandshakeKind::Invalid;
};

Pair run_pair(ClientHandshake::Options client_options, ServerHandshake::Options server_options,
              const std::function<void(Bytes&)>& tamper = {}) {
  ClientHandshake client(std::move(client_options));
  ServerHandshake server(std::move(server_options));
  Pair p;
  Bytes to_server = client.start();
  Bytes to_client;
  p.server_result = server.feed(to_server, to_client);
  if (tamper) tamper(to_client);
  Bytes c2;
  p.client_result = client.feed(to_client, c2);
  if (!p.client_result.ok()) return p;
  EXPECT_EQ(c2.size(), kBlock);
  p.server_result = server.feed(c2, to_client);
  p.server_kind = server.kind();
  return p;
}

TEST(ClientHandshake, CompletesAgainstTheServerInAllForms) {
  for (auto scheme : {digest::Scheme::Offset8, digest::Scheme::Offset772}) {
    auto p = run_pair({true, scheme, 5, seeded(1)}, {true, 6, seeded(2)});
    ASSERT_TRUE(p.client_result.ok()) << p.client_result.error;
    EXPECT_EQ(p.client_result.value, HandshakeKind::Digest);
    ASSERT_TRUE(p.server_result.ok());
    EXPECT_EQ(p.server_kind, HandshakeKind::Digest);
  }
  auto plain = run_pair({false, digest::Scheme::Offset8, 5, seeded(1)}, {true, 6, seeded(2)});
  ASSERT_TRUE(plain.client_result.ok());
  EXPECT_EQ(plain.client_result.value, HandshakeKind::Plain);
  EXPECT_EQ(plain.server_kind, HandshakeKind::Plain);
  // A digest client against a server that declines: plain on both sides.
  auto declined = run_pair({true, digest::Scheme::Offset8, 5, seeded(1)}, {false, 6, seeded(2)});
  ASSERT_TRUE(declined.client_result.ok());
  EXPECT_EQ(declined.client_result.value, HandshakeKind::Plain);
}

TEST(ClientHandshake, RejectsABadS1DigestOrS2Signature) {
  auto bad_s1 = run_pair({true, digest::Scheme::Offset8, 0, seeded(1)}, {true, 0, seeded(2)},
                         [](Bytes& reply) { reply[1 + 100] ^= std::byte{1}; });
  EXPECT_TRUE(bad_s1.client_result.invalid());
  EXPECT_NE(bad_s1.client_result.error.find("S1"), std::string::npos);
  auto bad_s2 = run_pair({true, digest::Scheme::Offset8, 0, seeded(1)}, {true, 0, seeded(2)},
                         [](Bytes& reply) { reply[1 + kBlock + 10] ^= std::byte{1}; });
  EXPECT_TRUE(bad_s2.client_result.invalid());
  EXPECT_NE(bad_s2.client_result.error.find("S2"), std::string::npos);
}

TEST(ClientHandshake, C1CarriesAVerifiableDigest) {
  for (std::size_t base : {8u, 772u}) {
    ClientHandshake client(
        {true, base == 8 ? digest::Scheme::Offset8 : digest::Scheme::Offset772, 0, seeded(9)});
    const Bytes c0c1 = client.start();
    ASSERT_EQ(c0c1.size(), 1 + kBlock);
    const Bytes c1 = slice(c0c1, 1, kBlock);
    const std::size_t at = offset_in(c1, base);
    EXPECT_EQ(hmac(kPlayerKey30, without(c1, at)), slice(c1, at, 32)) << base;
  }
}

TEST(ClientHandshake, C2AnswersTheServerDigest) {
  ClientHandshake client({true, digest::Scheme::Offset8, 0, seeded(1)});
  ServerHandshake server({true, 0, seeded(2)});
  Bytes s0s1s2;
  server.feed(client.start(), s0s1s2);
  Bytes c2;
  ASSERT_TRUE(client.feed(s0s1s2, c2).ok());
  const Bytes s1 = slice(s0s1s2, 1, kBlock);
  const std::size_t at = offset_in(s1, 8);  // the server signs S1 with the client's scheme
  const Bytes temp = hmac(kPlayerKey62, slice(s1, at, 32));
  EXPECT_EQ(hmac(temp, slice(c2, 0, kBlock - 32)), slice(c2, kBlock - 32, 32));
}

}  // namespace
}  // namespace streamgate::rtmp
