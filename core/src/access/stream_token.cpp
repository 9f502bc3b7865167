#include "access/stream_token.hpp"

#include <charconv>

#include "access/digest.hpp"

namespace streamgate::access {
namespace {

// A decimal Unix time: 1 to 19 digits, nothing else (no sign, no spaces).
bool parse_expires(std::string_view text, std::int64_t& out) noexcept {
  if (text.empty() || text.size() > 19) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

}  // namespace

std::string token_message(std::string_view stream_path, std::string_view expires) {
  std::string message;
  message.reserve(stream_path.size() + 1 + expires.size());
  message.append(stream_path).push_back(':');
  message.append(expires);
  return message;
}

std::string mint_token(std::string_view secret, std::string_view stream_path, std::int64_t expires_unix) {
  return to_hex(hmac_sha256(secret, token_message(stream_path, std::to_string(expires_unix))));
}

TokenCheck check_token(std::string_view secret, std::string_view stream_path, std::string_view token,
                       std::string_view expires, std::int64_t now_unix) {
  const auto presented = digest_from_hex(token);
  if (!presented) return TokenCheck::Malformed;
  std::int64_t expires_unix = 0;
  if (!parse_expires(expires, expires_unix)) return TokenCheck::BadExpires;
  const auto expected = hmac_sha256(secret, token_message(stream_path, expires));
  if (!digests_equal(*presented, expected)) return TokenCheck::Mismatch;
  return now_unix < expires_unix ? TokenCheck::Valid : TokenCheck::Expired;
}

}  // namespace streamgate::access
