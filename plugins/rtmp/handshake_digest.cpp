#include "handshake_digest.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <algorithm>
#include <memory>

namespace streamgate::rtmp::digest {
namespace {

constexpr std::array<std::uint8_t, 32> kKeyTail = {
    0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57,
    0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE};

template <std::size_t N>
constexpr std::array<std::byte, N - 1 + kKeyTail.size()> make_key(const char (&text)[N]) {
  std::array<std::byte, N - 1 + kKeyTail.size()> key{};
  for (std::size_t i = 0; i + 1 < N; ++i) key[i] = std::byte(std::uint8_t(text[i]));
  for (std::size_t i = 0; i < kKeyTail.size(); ++i) key[N - 1 + i] = std::byte(kKeyTail[i]);
  return key;
}

constexpr auto kPlayerKey = make_key("Genuine Adobe Flash Player 001");
constexpr auto kServerKey = make_key("Genuine Adobe Flash Media Server 001");
static_assert(kPlayerKey.size() == 62 && kServerKey.size() == 68);

struct MacDeleter {
  void operator()(EVP_MAC* mac) const noexcept { EVP_MAC_free(mac); }
};
struct MacCtxDeleter {
  void operator()(EVP_MAC_CTX* ctx) const noexcept { EVP_MAC_CTX_free(ctx); }
};

// Fetching an algorithm walks OpenSSL's provider tables: do it once.
EVP_MAC* hmac_algorithm() {
  static const std::unique_ptr<EVP_MAC, MacDeleter> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  return mac.get();
}

}  // namespace

std::span<const std::byte> player_key() noexcept { return kPlayerKey; }
std::span<const std::byte> server_key() noexcept { return kServerKey; }

Digest hmac_sha256(std::span<const std::byte> key,
                   std::initializer_list<std::span<const std::byte>> parts) {
  // A failure leaves the digest zeroed, so verification fails and the
  // handshake falls back to the plain form instead of throwing.
  Digest out{};
  EVP_MAC* mac = hmac_algorithm();
  if (mac == nullptr) return out;
  std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter> ctx(EVP_MAC_CTX_new(mac));
  if (!ctx) return out;
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(ctx.get(), reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                   params) != 1)
    return out;
  for (const auto& part : parts) {
    if (EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(part.data()),
                       part.size()) != 1)
      return Digest{};
  }
  std::size_t length = 0;
  if (EVP_MAC_final(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length, out.size()) !=
          1 ||
      length != out.size())
    return Digest{};
  return out;
}

std::size_t digest_offset(std::span<const std::byte, kBlockSize> block, Scheme scheme) noexcept {
  const std::size_t base = scheme == Scheme::Offset772 ? 772 : 8;
  std::size_t sum = 0;
  for (std::size_t i = 0; i < 4; ++i) sum += std::to_integer<std::size_t>(block[base + i]);
  return sum % 728 + base + 4;
}

Digest block_digest(std::span<const std::byte, kBlockSize> block, std::size_t offset,
                    std::span<const std::byte> key) {
  return hmac_sha256(key, {block.first(offset), block.subspan(offset + kDigestSize)});
}

std::size_t sign_block(std::span<std::byte, kBlockSize> block, Scheme scheme,
                       std::span<const std::byte> key) {
  const std::size_t offset = digest_offset(block, scheme);
  const Digest d = block_digest(block, offset, key);
  std::copy(d.begin(), d.end(), block.begin() + std::ptrdiff_t(offset));
  return offset;
}

std::optional<std::size_t> verify_block(std::span<const std::byte, kBlockSize> block, Scheme scheme,
                                        std::span<const std::byte> key) {
  const std::size_t offset = digest_offset(block, scheme);
  const Digest d = block_digest(block, offset, key);
  if (!std::equal(d.begin(), d.end(), block.begin() + std::ptrdiff_t(offset))) return std::nullopt;
  return offset;
}

void sign_response(std::span<std::byte, kBlockSize> block, std::span<const std::byte> peer_digest,
                   std::span<const std::byte> key) {
  const Digest temp_key = hmac_sha256(key, {peer_digest});
  const Digest signature = hmac_sha256(temp_key, {block.first(kBlockSize - kDigestSize)});
  std::copy(signature.begin(), signature.end(), block.end() - kDigestSize);
}

bool verify_response(std::span<const std::byte, kBlockSize> block,
                     std::span<const std::byte> own_digest, std::span<const std::byte> key) {
  const Digest temp_key = hmac_sha256(key, {own_digest});
  const Digest signature = hmac_sha256(temp_key, {block.first(kBlockSize - kDigestSize)});
  return std::equal(signature.begin(), signature.end(), block.end() - kDigestSize);
}

void random_fill(std::span<std::byte> out) noexcept {
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), int(out.size())) != 1) {
    // RAND_bytes only fails without an entropy source; handshake bytes need
    // not be secret, only unpredictable enough to look random to the peer.
    std::uint32_t x = 0x9E3779B9u;
    for (auto& b : out) {
      x ^= x << 13, x ^= x >> 17, x ^= x << 5;
      b = std::byte(std::uint8_t(x));
    }
  }
}

}  // namespace streamgate::rtmp::digest
