// AMF3 encoding (AMF3 spec §3) of the values the server sends: everything
// inline, no reference tables (valid AMF3 that every reader handles).

#include <bit>
#include <cmath>
#include <string>

#include "amf3.hpp"
#include "byte_order.hpp"

namespace streamgate::rtmp::amf3 {
namespace {

using amf0::Value;

void u29(std::vector<std::byte>& out, std::uint32_t v) {
  v &= 0x1FFFFFFF;
  if (v < 0x80) {
    out.push_back(std::byte(std::uint8_t(v)));
  } else if (v < 0x4000) {
    out.push_back(std::byte(std::uint8_t(v >> 7 | 0x80)));
    out.push_back(std::byte(std::uint8_t(v & 0x7F)));
  } else if (v < 0x200000) {
    out.push_back(std::byte(std::uint8_t(v >> 14 | 0x80)));
    out.push_back(std::byte(std::uint8_t((v >> 7 & 0x7F) | 0x80)));
    out.push_back(std::byte(std::uint8_t(v & 0x7F)));
  } else {
    out.push_back(std::byte(std::uint8_t(v >> 22 | 0x80)));
    out.push_back(std::byte(std::uint8_t((v >> 15 & 0x7F) | 0x80)));
    out.push_back(std::byte(std::uint8_t((v >> 8 & 0x7F) | 0x80)));
    out.push_back(std::byte(std::uint8_t(v & 0xFF)));
  }
}

void inline_string(std::vector<std::byte>& out, const std::string& s) {
  u29(out, std::uint32_t(s.size()) << 1 | 1);
  const auto* p = reinterpret_cast<const std::byte*>(s.data());
  out.insert(out.end(), p, p + s.size());
}

void double_be(std::vector<std::byte>& out, double d) {
  const auto raw = std::bit_cast<std::uint64_t>(d);
  append_be(out, std::uint32_t(raw >> 32), 4);
  append_be(out, std::uint32_t(raw), 4);
}

void marker(std::vector<std::byte>& out, Marker m) { out.push_back(std::byte(std::uint8_t(m))); }

}  // namespace

void encode(const amf0::Value& value, std::vector<std::byte>& out) {
  switch (value.type()) {
    case Value::Type::Undefined:
      marker(out, Marker::Undefined);
      return;
    case Value::Type::Null:
      marker(out, Marker::Null);
      return;
    case Value::Type::Boolean:
      marker(out, value.as_boolean() ? Marker::True : Marker::False);
      return;
    case Value::Type::Number: {
      const double d = value.as_number();
      // Integers that fit 29 bits take the compact form, as Flash writes them.
      if (d >= -268435456.0 && d <= 268435455.0 && std::trunc(d) == d &&
          !(d == 0 && std::signbit(d))) {
        marker(out, Marker::Integer);
        u29(out, std::uint32_t(std::int32_t(d)));
      } else {
        marker(out, Marker::Double);
        double_be(out, d);
      }
      return;
    }
    case Value::Type::String:
      marker(out, Marker::String);
      inline_string(out, value.as_string());
      return;
    case Value::Type::Date:
      marker(out, Marker::Date);
      u29(out, 1);
      double_be(out, value.as_number());
      return;
    case Value::Type::Object:
      marker(out, Marker::Object);
      u29(out, 0x0B);          // inline object, inline traits, dynamic, no sealed members
      inline_string(out, "");  // anonymous class
      for (const auto& [name, v] : value.properties()) {
        if (name.empty()) continue;  // the empty name ends the dynamic members
        inline_string(out, name);
        amf3::encode(v, out);
      }
      inline_string(out, "");
      return;
    case Value::Type::EcmaArray:
      marker(out, Marker::Array);
      u29(out, 1);  // no dense part
      for (const auto& [name, v] : value.properties()) {
        if (name.empty()) continue;  // the empty key ends the associative part
        inline_string(out, name);
        amf3::encode(v, out);
      }
      inline_string(out, "");
      return;
    case Value::Type::StrictArray:
      marker(out, Marker::Array);
      u29(out, std::uint32_t(value.items().size()) << 1 | 1);
      inline_string(out, "");
      for (const auto& v : value.items()) amf3::encode(v, out);
      return;
  }
}

}  // namespace streamgate::rtmp::amf3
