#include "access/secret_check.hpp"

#include "access/stream_token.hpp"
#include "streamgate/http.hpp"

namespace streamgate::access {
namespace {

// HttpRequest::query_param is the core's one decoder of query strings.
std::string query_value(std::string_view query, std::string_view name) {
  HttpRequest request;
  request.query = std::string(query);
  return request.query_param(name);
}

std::string token_refusal(TokenCheck check) {
  switch (check) {
    case TokenCheck::Malformed: return "token malformed (expected 64 hex digits)";
    case TokenCheck::BadExpires: return "token expiry missing or malformed (expected a Unix time)";
    case TokenCheck::Expired: return "token expired";
    case TokenCheck::Mismatch: return "token invalid";
    case TokenCheck::Valid:
    case TokenCheck::Invalid: break;
  }
  return "token invalid";
}

}  // namespace

SecretCheck::SecretCheck(const std::vector<std::string>& keys, std::string token_secret)
    : token_secret_(std::move(token_secret)) {
  key_digests_.reserve(keys.size());
  for (const auto& key : keys) key_digests_.push_back(sha256(key));
}

bool SecretCheck::key_matches(std::string_view key) const noexcept {
  // Hashing first makes the comparison independent of both lengths; every
  // configured key is compared, so timing does not tell which one matched.
  Digest presented{};
  try {
    presented = sha256(key);
  } catch (...) {
    return false;
  }
  bool match = false;
  for (const auto& digest : key_digests_) match |= digests_equal(digest, presented);
  return match;
}

std::optional<std::string> SecretCheck::refusal(std::string_view query, std::string_view stream_path,
                                                std::int64_t now_unix) const {
  if (empty()) return std::nullopt;
  const bool use_keys = !key_digests_.empty();
  const auto key = use_keys ? query_value(query, "key") : std::string();
  if (!key.empty() && key_matches(key)) return std::nullopt;

  const auto token = uses_token() ? query_value(query, "token") : std::string();
  if (!token.empty()) {
    const auto check =
        check_token(token_secret_, stream_path, token, query_value(query, "expires"), now_unix);
    if (check == TokenCheck::Valid) return std::nullopt;
    return token_refusal(check);
  }
  if (!key.empty()) return "wrong key";
  if (use_keys && uses_token()) return "key or token missing";
  return use_keys ? "key missing" : "token missing";
}

}  // namespace streamgate::access
