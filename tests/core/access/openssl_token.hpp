#pragma once
// Mints a stream token with the openssl command line, exactly as
// docs/security.md tells operators to, so tests check the gateway against an
// independent implementation rather than against its own minting.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "support/process.hpp"

namespace streamgate::test {

inline std::string openssl_token(std::string_view secret, std::string_view stream_path, std::int64_t expires) {
  const auto result = run(
      "sh",
      {"-c", "printf '%s:%s' \"$1\" \"$2\" | openssl dgst -sha256 -hmac \"$3\" -r | cut -d' ' -f1", "mint",
       std::string(stream_path), std::to_string(expires), std::string(secret)},
      std::chrono::seconds(20));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  auto token = result.out;
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  return token;
}

}  // namespace streamgate::test
