#pragma once
// Signed, expiring tokens: a client proves it may publish (or play) one
// stream until a given time without knowing the secret.
//
//   token = lowercase hex of HMAC-SHA256(secret, "<app>/<stream>:<expires>")
//
// `expires` is a Unix time in seconds, written in decimal exactly as it
// appears in the query; the token is valid while now < expires. The stream
// path is the stream key without the query. docs/security.md shows how to
// mint one with `openssl dgst`.

#include <cstdint>
#include <string>
#include <string_view>

namespace streamgate::access {

enum class TokenCheck : std::uint8_t {
  Invalid = 0,
  Valid,
  Malformed,        // token is not 64 hex digits
  BadExpires,       // expires missing or not a decimal Unix time
  Expired,
  Mismatch,         // signed for another stream, another expiry or another secret
};

/// The text the HMAC covers.
std::string token_message(std::string_view stream_path, std::string_view expires);

/// The token for `stream_path` valid until `expires_unix` (for operators' tools and tests).
std::string mint_token(std::string_view secret, std::string_view stream_path, std::int64_t expires_unix);

/// Checks `token` and `expires` as they came in the query. The comparison
/// runs in constant time; expiry is checked after the signature, so an
/// attacker learns nothing about a forged token's timing.
TokenCheck check_token(std::string_view secret, std::string_view stream_path, std::string_view token,
                       std::string_view expires, std::int64_t now_unix);

}  // namespace streamgate::access
