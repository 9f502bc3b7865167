#pragma once
// The text an AMF value holds (string values and property names, nested
// values included): what the decoders bound so a reference cannot make a
// small message expand into gigabytes.

#include <cstddef>

#include "streamgate/format/amf0.hpp"

namespace streamgate::fuzz {

inline std::size_t text_bytes(const amf0::Value& value) {
  std::size_t total = value.as_string().size();
  for (const auto& [name, member] : value.properties()) total += name.size() + text_bytes(member);
  for (const auto& item : value.items()) total += text_bytes(item);
  return total;
}

}  // namespace streamgate::fuzz
