#pragma once
// The secret one action (publish or play) of one app may demand in the
// stream's query: `?key=…` equal to one of the configured keys, or a signed
// `?token=…&expires=…` (stream_token.hpp). With both configured either one
// is enough. Keys are kept only as SHA-256 digests and compared in constant
// time; refusal reasons never contain what the client sent.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access/digest.hpp"

namespace streamgate::access {

class SecretCheck {
 public:
  SecretCheck() = default;
  SecretCheck(const std::vector<std::string>& keys, std::string token_secret);

  /// True when neither keys nor a token secret are configured.
  bool empty() const noexcept { return key_digests_.empty() && token_secret_.empty(); }
  bool uses_token() const noexcept { return !token_secret_.empty(); }
  const std::string& token_secret() const noexcept { return token_secret_; }

  /// nullopt when `query` carries what is required, else why not.
  /// `stream_path` is "app/stream" (what a token is signed over).
  std::optional<std::string> refusal(std::string_view query, std::string_view stream_path,
                                     std::int64_t now_unix) const;

 private:
  bool key_matches(std::string_view key) const noexcept;

  std::vector<Digest> key_digests_;
  std::string token_secret_;
};

}  // namespace streamgate::access
