// SHA-256, HMAC-SHA256 against their published test vectors; signed stream
// tokens checked against tokens minted by the openssl command line (the
// one-liner of docs/security.md), not by our own code.
#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "access/digest.hpp"
#include "access/stream_token.hpp"
#include "openssl_token.hpp"

namespace streamgate::access {
namespace {

constexpr std::string_view kSecret = "correct horse battery staple";
constexpr std::int64_t kExpires = 1767225600;  // 2026-01-01T00:00:00Z

using test::openssl_token;

TEST(Digest, Sha256OfAbc) {
  // FIPS 180-2, appendix B.1.
  EXPECT_EQ(to_hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Digest, HmacSha256Rfc4231Vectors) {
  // RFC 4231 §4.2 (test case 1), §4.3 (test case 2), §4.7 (test case 6: key longer than a block).
  EXPECT_EQ(to_hex(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(to_hex(hmac_sha256(std::string(131, '\xaa'),
                               "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Digest, HexRoundTripAndRejects) {
  const auto digest = sha256("x");
  const auto hex = to_hex(digest);
  ASSERT_EQ(hex.size(), 64u);
  EXPECT_EQ(digest_from_hex(hex), digest);
  std::string upper = hex;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(digest_from_hex(upper), digest);
  EXPECT_FALSE(digest_from_hex(hex.substr(1)));
  EXPECT_FALSE(digest_from_hex(hex + "0"));
  EXPECT_FALSE(digest_from_hex(""));
  EXPECT_FALSE(digest_from_hex(std::string(63, '0') + "g"));
  EXPECT_FALSE(digest_from_hex(std::string(62, '0') + " 0"));
}

TEST(Digest, EqualityIsExact) {
  auto a = sha256("a");
  auto b = a;
  EXPECT_TRUE(digests_equal(a, b));
  b.back() ^= 1;
  EXPECT_FALSE(digests_equal(a, b));
  b = a;
  b.front() ^= 0x80;
  EXPECT_FALSE(digests_equal(a, b));
}

TEST(StreamToken, MessageIsPathColonExpires) {
  EXPECT_EQ(token_message("live/cam1", "1767225600"), "live/cam1:1767225600");
}

TEST(StreamToken, OpensslMintedTokenIsValidBeforeExpiry) {
  const auto token = openssl_token(kSecret, "live/cam1", kExpires);
  ASSERT_EQ(token.size(), 64u) << token;
  EXPECT_EQ(check_token(kSecret, "live/cam1", token, std::to_string(kExpires), kExpires - 3600),
            TokenCheck::Valid);
  EXPECT_EQ(check_token(kSecret, "live/cam1", token, std::to_string(kExpires), kExpires - 1),
            TokenCheck::Valid);
  // Our own minting agrees with openssl's.
  EXPECT_EQ(mint_token(kSecret, "live/cam1", kExpires), token);
}

TEST(StreamToken, ExpiredAtTheExpiryInstant) {
  const auto token = openssl_token(kSecret, "live/cam1", kExpires);
  EXPECT_EQ(check_token(kSecret, "live/cam1", token, std::to_string(kExpires), kExpires),
            TokenCheck::Expired);
  EXPECT_EQ(check_token(kSecret, "live/cam1", token, std::to_string(kExpires), kExpires + 86400),
            TokenCheck::Expired);
}

TEST(StreamToken, WrongPathSecretOrExpiryIsAMismatch) {
  const auto token = openssl_token(kSecret, "live/cam1", kExpires);
  const auto now = kExpires - 10;
  EXPECT_EQ(check_token(kSecret, "live/cam2", token, std::to_string(kExpires), now), TokenCheck::Mismatch);
  EXPECT_EQ(check_token(kSecret, "vod/cam1", token, std::to_string(kExpires), now), TokenCheck::Mismatch);
  EXPECT_EQ(check_token("another secret of length", "live/cam1", token, std::to_string(kExpires), now),
            TokenCheck::Mismatch);
  // Pushing the expiry later without re-signing.
  EXPECT_EQ(check_token(kSecret, "live/cam1", token, std::to_string(kExpires + 3600), now),
            TokenCheck::Mismatch);
  // A leading zero is another message, though the same number.
  EXPECT_EQ(check_token(kSecret, "live/cam1", token, "0" + std::to_string(kExpires), now),
            TokenCheck::Mismatch);
}

TEST(StreamToken, TamperedTokenIsAMismatch) {
  const auto token = openssl_token(kSecret, "live/cam1", kExpires);
  for (std::size_t i : {std::size_t{0}, std::size_t{31}, std::size_t{63}}) {
    auto tampered = token;
    tampered[i] = tampered[i] == '0' ? '1' : '0';
    EXPECT_EQ(check_token(kSecret, "live/cam1", tampered, std::to_string(kExpires), kExpires - 10),
              TokenCheck::Mismatch)
        << "changed hex digit " << i;
  }
}

TEST(StreamToken, MalformedInputIsNamed) {
  const auto token = openssl_token(kSecret, "live/cam1", kExpires);
  const auto expires = std::to_string(kExpires);
  EXPECT_EQ(check_token(kSecret, "live/cam1", token.substr(0, 63), expires, 0), TokenCheck::Malformed);
  EXPECT_EQ(check_token(kSecret, "live/cam1", "", expires, 0), TokenCheck::Malformed);
  EXPECT_EQ(check_token(kSecret, "live/cam1", token, "", 0), TokenCheck::BadExpires);
  EXPECT_EQ(check_token(kSecret, "live/cam1", token, "-1", 0), TokenCheck::BadExpires);
  EXPECT_EQ(check_token(kSecret, "live/cam1", token, "+1767225600", 0), TokenCheck::BadExpires);
  EXPECT_EQ(check_token(kSecret, "live/cam1", token, "1767225600 ", 0), TokenCheck::BadExpires);
  EXPECT_EQ(check_token(kSecret, "live/cam1", token, "99999999999999999999", 0), TokenCheck::BadExpires);
}

}  // namespace
}  // namespace streamgate::access
