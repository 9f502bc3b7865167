#pragma once
// The OpenSSL 3 primitives access control needs: SHA-256, HMAC-SHA256
// (EVP_MAC) and a constant-time comparison (CRYPTO_memcmp).

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace streamgate::access {

using Digest = std::array<unsigned char, 32>;

Digest sha256(std::string_view data);

/// RFC 2104 HMAC with SHA-256 (RFC 4231 test vectors), through EVP_MAC.
/// Throws std::runtime_error only if OpenSSL itself fails (no provider).
Digest hmac_sha256(std::string_view key, std::string_view message);

/// Compares in time independent of where the digests differ (CRYPTO_memcmp).
bool digests_equal(const Digest& a, const Digest& b) noexcept;

/// Lowercase hex, 64 characters.
std::string to_hex(const Digest& digest);
/// Exactly 64 hex digits (either case) → digest; nullopt otherwise.
std::optional<Digest> digest_from_hex(std::string_view hex);

}  // namespace streamgate::access
