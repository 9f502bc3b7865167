#pragma once
// The Flash Player 9 "digest" handshake that sits inside the 1536-byte C1/S1
// blocks of the RTMP 1.0 handshake (§5.2). Not in the published spec; the
// layout below is what Flash, FMS, rtmpdump and ffmpeg agree on.
//
// A 1536-byte block = time(4) version(4) then two 764-byte halves. One half
// holds a 32-byte HMAC-SHA256 digest at an offset derived from its first four
// bytes; the digest covers the whole block except the digest itself.
//   scheme 0: digest half at byte 8,   offset = (b[8]+b[9]+b[10]+b[11]) % 728 + 12
//   scheme 1: digest half at byte 772, offset = (b[772]+..+b[775]) % 728 + 776
// C1 is signed with the first 30 bytes of the player key, S1 with the first 36
// bytes of the server key. C2/S2 end with HMAC(key = HMAC(full other-side key,
// peer's digest), the first 1504 bytes).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace streamgate::rtmp::digest {

constexpr std::size_t kBlockSize = 1536;
constexpr std::size_t kDigestSize = 32;

using Digest = std::array<std::byte, kDigestSize>;

enum class Scheme : std::uint8_t { Invalid = 0, Offset8, Offset772 };

/// "Genuine Adobe Flash Player 001" + 32 constant bytes (62 bytes).
std::span<const std::byte> player_key() noexcept;
/// "Genuine Adobe Flash Media Server 001" + 32 constant bytes (68 bytes).
std::span<const std::byte> server_key() noexcept;
constexpr std::size_t kPlayerKeyPublicSize = 30;
constexpr std::size_t kServerKeyPublicSize = 36;

/// HMAC-SHA256 over the concatenation of `parts`, through OpenSSL 3's EVP_MAC.
Digest hmac_sha256(std::span<const std::byte> key,
                   std::initializer_list<std::span<const std::byte>> parts);

/// Where the digest of `block` lies under `scheme`.
std::size_t digest_offset(std::span<const std::byte, kBlockSize> block, Scheme scheme) noexcept;

/// The digest `block` should carry at `offset` (the block minus those 32 bytes).
Digest block_digest(std::span<const std::byte, kBlockSize> block, std::size_t offset,
                    std::span<const std::byte> key);

/// Writes the digest into `block` for `scheme`; returns its offset.
std::size_t sign_block(std::span<std::byte, kBlockSize> block, Scheme scheme,
                       std::span<const std::byte> key);

/// The offset of a valid digest under `scheme`, or nullopt.
std::optional<std::size_t> verify_block(std::span<const std::byte, kBlockSize> block, Scheme scheme,
                                        std::span<const std::byte> key);

/// Sets the last 32 bytes of `block` (already filled with random bytes) to the
/// C2/S2 response signature for the peer's digest, keyed by `key` (the full
/// key of the side that answers).
void sign_response(std::span<std::byte, kBlockSize> block, std::span<const std::byte> peer_digest,
                   std::span<const std::byte> key);

/// Checks the signature in the last 32 bytes of a C2/S2 block.
bool verify_response(std::span<const std::byte, kBlockSize> block,
                     std::span<const std::byte> own_digest, std::span<const std::byte> key);

/// Cryptographically random bytes (OpenSSL RAND_bytes).
void random_fill(std::span<std::byte> out) noexcept;

}  // namespace streamgate::rtmp::digest
