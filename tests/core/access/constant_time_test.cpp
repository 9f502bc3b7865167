// Keys and tokens are compared with OpenSSL's CRYPTO_memcmp, whose running
// time does not depend on where the inputs differ. This program defines its
// own CRYPTO_memcmp, which the dynamic linker binds ahead of libcrypto's for
// the core's calls (ELF symbol interposition), and counts the calls: a plain
// memcmp or operator== in the key or token path would leave the count at 0.
#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>

#include "access/secret_check.hpp"
#include "access/stream_token.hpp"

namespace {
std::atomic<int> g_memcmp_calls{0};
}  // namespace

extern "C" int CRYPTO_memcmp(const volatile void* a, const volatile void* b, std::size_t length) {
  ++g_memcmp_calls;
  // The same contract as OpenSSL's: OR of every byte difference, no early exit.
  const volatile unsigned char* x = static_cast<const volatile unsigned char*>(a);
  const volatile unsigned char* y = static_cast<const volatile unsigned char*>(b);
  unsigned char diff = 0;
  for (std::size_t i = 0; i < length; ++i) diff |= static_cast<unsigned char>(x[i] ^ y[i]);
  return diff;
}

namespace streamgate::access {
namespace {

TEST(ConstantTime, KeyCheckComparesEveryConfiguredKeyWithCryptoMemcmp) {
  const SecretCheck keys({"first-key", "second-key", "third-key"}, "");
  g_memcmp_calls = 0;
  EXPECT_EQ(keys.refusal("key=first-key", "live/cam1", 0), std::nullopt);
  // All three compared even though the first matched: no early exit tells which key it was.
  EXPECT_EQ(g_memcmp_calls.load(), 3);
  g_memcmp_calls = 0;
  EXPECT_EQ(keys.refusal("key=wrong", "live/cam1", 0), "wrong key");
  EXPECT_EQ(g_memcmp_calls.load(), 3);
}

TEST(ConstantTime, TokenCheckUsesCryptoMemcmp) {
  const std::string secret = "0123456789abcdef0123";
  const auto token = mint_token(secret, "live/cam1", 2000);
  g_memcmp_calls = 0;
  EXPECT_EQ(check_token(secret, "live/cam1", token, "2000", 1000), TokenCheck::Valid);
  EXPECT_GE(g_memcmp_calls.load(), 1);
  const int after_valid = g_memcmp_calls.load();
  EXPECT_EQ(check_token(secret, "live/cam2", token, "2000", 1000), TokenCheck::Mismatch);
  EXPECT_GT(g_memcmp_calls.load(), after_valid);
}

}  // namespace
}  // namespace streamgate::access
