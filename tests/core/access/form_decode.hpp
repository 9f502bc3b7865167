#pragma once
// An application/x-www-form-urlencoded decoder for tests, written apart from
// the production encoder so that a round trip checks both.

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace streamgate::test {

inline std::string percent_decoded(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw std::invalid_argument("bad percent escape");
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%') {
      if (i + 2 >= text.size()) throw std::invalid_argument("short escape");
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

/// name → value; a repeated name is an error (the tests expect each once).
inline std::map<std::string, std::string> form_decode(std::string_view body) {
  std::map<std::string, std::string> out;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const auto pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) throw std::invalid_argument("field without '='");
    if (!out.emplace(percent_decoded(pair.substr(0, eq)), percent_decoded(pair.substr(eq + 1))).second)
      throw std::invalid_argument("repeated field");
  }
  return out;
}

}  // namespace streamgate::test
