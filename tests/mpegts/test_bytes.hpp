#pragma once
// Byte helpers for the mpegts tests: hex fixtures and packet builders.

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "streamgate/bytes.hpp"

namespace streamgate::mpegts::test {

// "47 40 00 10" -> bytes; white space and '|' are ignored (for annotation).
inline std::vector<std::byte> hex(std::string_view text) {
  std::vector<std::byte> out;
  int high = -1;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '|') continue;
    const int v =
        std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(std::byte(static_cast<std::uint8_t>(high * 16 + v)));
      high = -1;
    }
  }
  return out;
}

inline std::vector<std::byte> concat(std::initializer_list<std::vector<std::byte>> parts) {
  std::vector<std::byte> out;
  for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

inline std::vector<std::byte> repeat(std::byte value, std::size_t count) {
  return std::vector<std::byte>(count, value);
}

// Deterministic filler bytes.
inline std::vector<std::byte> filler(std::size_t count, std::uint32_t seed = 1) {
  std::vector<std::byte> out(count);
  for (auto& b : out) {
    seed = seed * 1103515245u + 12345u;
    b = std::byte(static_cast<std::uint8_t>(seed >> 16));
  }
  return out;
}

inline std::vector<std::byte> to_vector(std::span<const std::byte> bytes) {
  return {bytes.begin(), bytes.end()};
}

inline std::string dump(std::span<const std::byte> bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::byte b : bytes) {
    const auto v = std::to_integer<unsigned>(b);
    out += digits[v >> 4];
    out += digits[v & 15];
    out += ' ';
  }
  return out;
}

}  // namespace streamgate::mpegts::test
