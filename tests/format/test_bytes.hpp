#pragma once
// Byte literals for parser tests: annotated hex fixtures read better than
// arrays of std::byte.

#include <cctype>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace streamgate::test {

using Bytes = std::vector<std::byte>;

/// "02 00 03 61 70 70" -> bytes; whitespace is ignored.
inline Bytes hex(std::string_view text) {
  Bytes out;
  int high = -1;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    if (!std::isxdigit(static_cast<unsigned char>(c)))
      throw std::invalid_argument("hex: bad digit in fixture");
    const int nibble = std::isdigit(static_cast<unsigned char>(c))
                           ? c - '0'
                           : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
    if (high < 0) {
      high = nibble;
    } else {
      out.push_back(std::byte(high << 4 | nibble));
      high = -1;
    }
  }
  if (high >= 0) throw std::invalid_argument("hex: odd number of digits in fixture");
  return out;
}

/// The bytes of an ASCII string.
inline Bytes text(std::string_view s) {
  Bytes out;
  for (char c : s) out.push_back(std::byte(static_cast<unsigned char>(c)));
  return out;
}

/// Concatenation.
inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline Bytes repeat(const Bytes& part, std::size_t times) {
  Bytes out;
  out.reserve(part.size() * times);
  for (std::size_t i = 0; i < times; ++i) out.insert(out.end(), part.begin(), part.end());
  return out;
}

inline Bytes to_bytes(std::span<const std::byte> s) { return Bytes(s.begin(), s.end()); }

}  // namespace streamgate::test
