#include "access/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <stdexcept>

namespace streamgate::access {

Digest sha256(std::string_view data) {
  Digest out{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != out.size()) {
    throw std::runtime_error("access: SHA-256 failed in OpenSSL");
  }
  return out;
}

Digest hmac_sha256(std::string_view key, std::string_view message) {
  Digest out{};
  std::size_t length = 0;
  // EVP_Q_mac fetches HMAC from the default provider and runs it in one call.
  const auto* result = EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                                 reinterpret_cast<const unsigned char*>(message.data()),
                                 message.size(), out.data(), out.size(), &length);
  if (result == nullptr || length != out.size()) {
    throw std::runtime_error("access: HMAC-SHA256 failed in OpenSSL");
  }
  return out;
}

bool digests_equal(const Digest& a, const Digest& b) noexcept {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string to_hex(const Digest& digest) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (unsigned char byte : digest) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0x0F]);
  }
  return out;
}

std::optional<Digest> digest_from_hex(std::string_view hex) {
  Digest out{};
  if (hex.size() != out.size() * 2) return std::nullopt;
  // OpenSSL reads a NUL-terminated string; no separator between digit pairs.
  const std::string text(hex);
  std::size_t length = 0;
  if (OPENSSL_hexstr2buf_ex(out.data(), out.size(), &length, text.c_str(), '\0') != 1 ||
      length != out.size()) {
    return std::nullopt;
  }
  return out;
}

}  // namespace streamgate::access
