#include "amf3.hpp"

#include <bit>
#include <cmath>
#include <string>

#include "byte_order.hpp"

namespace streamgate::rtmp::amf3 {
namespace {

using amf0::Value;

constexpr std::uint8_t kAvmPlusMarker = 0x11;  // AMF0 §2.1: switch to AMF3

class Decoder {
 public:
  Decoder(std::span<const std::byte> in, const Limits& limits) : in_(in), limits_(limits) {}

  Parsed<Value> run() {
    Value v;
    if (!value(v, 0)) return Parsed<Value>::fail("amf3: " + error_);
    return Parsed<Value>::done(pos_, std::move(v));
  }

 private:
  struct Entry {
    Value value;
    std::size_t elements = 0;
    std::size_t string_bytes = 0;
    bool complete = false;
  };
  struct Traits {
    std::vector<std::string> members;
    std::size_t name_bytes = 0;
    bool dynamic = false;
  };

  bool fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    return false;
  }
  std::size_t remaining() const { return in_.size() - pos_; }

  bool u8(std::uint8_t& out) {
    if (remaining() < 1) return fail("truncated value");
    out = std::to_integer<std::uint8_t>(in_[pos_++]);
    return true;
  }

  // §1.3.1 U29: 7 bits per byte while the high bit is set; the 4th byte
  // gives all 8 bits.
  bool u29(std::uint32_t& out) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      std::uint8_t b = 0;
      if (!u8(b)) return fail("truncated U29");
      if (i == 3) {
        out = (v << 8) | b;
        return true;
      }
      v = (v << 7) | (b & 0x7F);
      if ((b & 0x80) == 0) break;
    }
    out = v;
    return true;
  }

  bool f64(double& out) {
    if (remaining() < 8) return fail("truncated double");
    const std::uint64_t raw =
        std::uint64_t(load_be32(in_.data() + pos_)) << 32 | load_be32(in_.data() + pos_ + 4);
    pos_ += 8;
    out = std::bit_cast<double>(raw);
    return true;
  }

  bool bytes(std::size_t n, std::string& out) {
    if (remaining() < n) return fail("length " + std::to_string(n) + " runs past the end");
    out.assign(reinterpret_cast<const char*>(in_.data() + pos_), n);
    pos_ += n;
    string_bytes_ += n;
    return true;
  }

  bool count_element() {
    if (++elements_ > limits_.max_elements)
      return fail("more than " + std::to_string(limits_.max_elements) + " values");
    return true;
  }

  // A reference copies values and string bytes into the result: both count,
  // and the bytes count as part of any value being built around them.
  bool charge_copy(std::size_t elements, std::size_t string_bytes) {
    elements_ += elements;
    string_bytes_ += string_bytes;
    reference_bytes_ += string_bytes;
    if (elements_ > limits_.max_elements)
      return fail("references expand past " + std::to_string(limits_.max_elements) + " values");
    return check_reference_bytes();
  }

  bool check_reference_bytes() {
    if (reference_bytes_ > limits_.max_reference_bytes)
      return fail("references copy more than " + std::to_string(limits_.max_reference_bytes) +
                  " bytes");
    return true;
  }

  // §1.3.2 UTF-8-vr: inline (low bit 1, length above it) or a reference to
  // the string table; the empty string is never put in the table.
  bool string(std::string& out) {
    std::uint32_t h = 0;
    if (!u29(h)) return false;
    if ((h & 1) == 0) {
      const std::size_t index = h >> 1;
      if (index >= strings_.size())
        return fail("string reference " + std::to_string(index) + " out of range");
      out = strings_[index];
      return charge_copy(0, out.size());
    }
    if (!bytes(h >> 1, out)) return false;
    if (!out.empty()) strings_.push_back(out);
    return true;
  }

  // Header of a value that may be sent by reference (object table). Returns
  // true with `inline_value` false when the reference was resolved into `out`.
  bool header(Value& out, std::uint32_t& h, bool& inline_value) {
    if (!u29(h)) return false;
    inline_value = (h & 1) != 0;
    if (inline_value) return true;
    const std::size_t index = h >> 1;
    if (index >= objects_.size())
      return fail("object reference " + std::to_string(index) + " out of range");
    const Entry& e = objects_[index];
    if (!e.complete) return fail("reference to an object still being decoded");
    out = e.value;
    return charge_copy(e.elements, e.string_bytes);
  }

  std::size_t open_entry() {
    objects_.push_back(Entry{});
    return objects_.size() - 1;
  }
  bool close_entry(std::size_t index, const Value& v, std::size_t elements_before,
                   std::size_t string_bytes_before) {
    Entry& e = objects_[index];
    e.elements = elements_ - elements_before;
    e.string_bytes = string_bytes_ - string_bytes_before;
    e.value = v;
    e.complete = true;
    // The table keeps a copy of every complex value (nested ones at each
    // level): bounded like references, in a budget of its own.
    table_values_ += e.elements;
    reference_bytes_ += e.string_bytes;
    if (table_values_ > limits_.max_elements)
      return fail("reference table copies more than " + std::to_string(limits_.max_elements) +
                  " values");
    return check_reference_bytes();
  }

  bool value(Value& out, std::size_t depth) {
    if (depth > limits_.max_depth)
      return fail("nesting deeper than " + std::to_string(limits_.max_depth));
    if (!count_element()) return false;
    std::uint8_t marker = 0;
    if (!u8(marker)) return false;
    switch (Marker(marker)) {
      case Marker::Undefined:
        out = Value::undefined();
        return true;
      case Marker::Null:
        out = Value::null();
        return true;
      case Marker::False:
        out = Value::boolean(false);
        return true;
      case Marker::True:
        out = Value::boolean(true);
        return true;
      case Marker::Integer: {
        std::uint32_t v = 0;
        if (!u29(v)) return false;
        // 29-bit two's complement.
        out = Value::number(
            double((v & 0x10000000u) ? std::int32_t(v) - 0x20000000 : std::int32_t(v)));
        return true;
      }
      case Marker::Double: {
        double d = 0;
        if (!f64(d)) return false;
        out = Value::number(d);
        return true;
      }
      case Marker::String: {
        std::string s;
        if (!string(s)) return false;
        out = Value::string(std::move(s));
        return true;
      }
      case Marker::XmlDocument:
      case Marker::Xml:
      case Marker::ByteArray:
        return blob(out);
      case Marker::Date:
        return date(out);
      case Marker::Array:
        return array(out, depth);
      case Marker::Object:
        return object(out, depth);
      case Marker::VectorInt:
      case Marker::VectorUint:
      case Marker::VectorDouble:
      case Marker::VectorObject:
        return vector(Marker(marker), out, depth);
      case Marker::Dictionary:
        return fail("dictionary values are not supported");
    }
    return fail("unknown marker " + std::to_string(marker));
  }

  bool blob(Value& out) {
    std::uint32_t h = 0;
    bool is_inline = false;
    if (!header(out, h, is_inline) || !is_inline) return error_.empty();
    const std::size_t e0 = elements_, b0 = string_bytes_;
    const std::size_t index = open_entry();
    std::string s;
    if (!bytes(h >> 1, s)) return false;
    out = Value::string(std::move(s));
    return close_entry(index, out, e0, b0);
  }

  bool date(Value& out) {
    std::uint32_t h = 0;
    bool is_inline = false;
    if (!header(out, h, is_inline) || !is_inline) return error_.empty();
    const std::size_t index = open_entry();
    double ms = 0;
    if (!f64(ms)) return false;
    out = Value::date(ms);
    return close_entry(index, out, elements_, string_bytes_);
  }

  bool array(Value& out, std::size_t depth) {
    std::uint32_t h = 0;
    bool is_inline = false;
    if (!header(out, h, is_inline) || !is_inline) return error_.empty();
    const std::size_t e0 = elements_, b0 = string_bytes_;
    const std::size_t index = open_entry();
    const std::size_t dense = h >> 1;
    amf0::Properties assoc;
    for (;;) {
      std::string key;
      if (!string(key)) return false;
      if (key.empty()) break;
      Value v;
      if (!value(v, depth + 1)) return false;
      assoc.emplace_back(std::move(key), std::move(v));
    }
    if (dense > remaining())
      return fail("array of " + std::to_string(dense) + " items runs past the end");
    amf0::Array items;
    items.reserve(dense);
    for (std::size_t i = 0; i < dense; ++i) {
      Value v;
      if (!value(v, depth + 1)) return false;
      items.push_back(std::move(v));
    }
    if (assoc.empty()) {
      out = Value::strict_array(std::move(items));
    } else {
      for (std::size_t i = 0; i < items.size(); ++i)
        assoc.emplace_back(std::to_string(i), std::move(items[i]));
      out = Value::ecma_array(std::move(assoc));
    }
    return close_entry(index, out, e0, b0);
  }

  // §3.12 object: U29O-ref | U29O-traits-ref | U29O-traits-ext | U29O-traits.
  bool object(Value& out, std::size_t depth) {
    std::uint32_t h = 0;
    bool is_inline = false;
    if (!header(out, h, is_inline) || !is_inline) return error_.empty();
    const std::size_t e0 = elements_, b0 = string_bytes_;
    Traits traits;
    if ((h & 2) == 0) {
      const std::size_t t = h >> 2;
      if (t >= traits_.size())
        return fail("traits reference " + std::to_string(t) + " out of range");
      traits = traits_[t];
      // Each object made from shared traits copies the member names.
      if (!charge_copy(0, traits.name_bytes)) return false;
    } else if ((h & 4) != 0) {
      std::string class_name;
      string(class_name);
      return fail("externalizable object '" + class_name + "' is not supported");
    } else {
      traits.dynamic = (h & 8) != 0;
      const std::size_t sealed = h >> 4;
      std::string class_name;
      if (!string(class_name)) return false;
      if (sealed > remaining())
        return fail("traits with " + std::to_string(sealed) + " members run past the end");
      traits.members.reserve(sealed);
      for (std::size_t i = 0; i < sealed; ++i) {
        std::string name;
        if (!string(name)) return false;
        traits.name_bytes += name.size();
        traits.members.push_back(std::move(name));
      }
      traits_.push_back(traits);
    }
    const std::size_t index = open_entry();
    amf0::Properties props;
    for (const auto& name : traits.members) {
      Value v;
      if (!value(v, depth + 1)) return false;
      props.emplace_back(name, std::move(v));
    }
    while (traits.dynamic) {
      std::string name;
      if (!string(name)) return false;
      if (name.empty()) break;
      Value v;
      if (!value(v, depth + 1)) return false;
      props.emplace_back(std::move(name), std::move(v));
    }
    out = Value::object(std::move(props));
    return close_entry(index, out, e0, b0);
  }

  bool vector(Marker kind, Value& out, std::size_t depth) {
    std::uint32_t h = 0;
    bool is_inline = false;
    if (!header(out, h, is_inline) || !is_inline) return error_.empty();
    const std::size_t e0 = elements_, b0 = string_bytes_;
    const std::size_t index = open_entry();
    const std::size_t count = h >> 1;
    std::uint8_t fixed = 0;
    if (!u8(fixed)) return false;
    if (kind == Marker::VectorObject) {
      std::string type_name;
      if (!string(type_name)) return false;
    }
    const std::size_t item_size = kind == Marker::VectorDouble   ? 8
                                  : kind == Marker::VectorObject ? 1
                                                                 : 4;
    if (count > remaining() / item_size)
      return fail("vector of " + std::to_string(count) + " items runs past the end");
    amf0::Array items;
    items.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      Value v;
      if (kind == Marker::VectorObject) {
        if (!value(v, depth + 1)) return false;
      } else {
        if (!count_element()) return false;
        if (kind == Marker::VectorDouble) {
          double d = 0;
          f64(d);
          v = Value::number(d);
        } else {
          const std::uint32_t raw = load_be32(in_.data() + pos_);
          pos_ += 4;
          v = Value::number(kind == Marker::VectorInt ? double(std::int32_t(raw)) : double(raw));
        }
      }
      items.push_back(std::move(v));
    }
    out = Value::strict_array(std::move(items));
    return close_entry(index, out, e0, b0);
  }

  std::span<const std::byte> in_;
  const Limits& limits_;
  std::size_t pos_ = 0;
  std::size_t elements_ = 0;
  std::size_t string_bytes_ = 0;
  std::size_t reference_bytes_ = 0;
  std::size_t table_values_ = 0;
  std::vector<std::string> strings_;
  std::vector<Entry> objects_;
  std::vector<Traits> traits_;
  std::string error_;
};

}  // namespace

Parsed<amf0::Value> decode(std::span<const std::byte> bytes, const Limits& limits) {
  return Decoder(bytes, limits).run();
}

Parsed<amf0::Value> decode_amf0_or_amf3(std::span<const std::byte> bytes,
                                        const MixedLimits& limits) {
  if (!bytes.empty() && std::to_integer<std::uint8_t>(bytes[0]) == kAvmPlusMarker) {
    auto v = decode(bytes.subspan(1), limits.amf3);
    if (v.ok()) v.consumed += 1;
    return v;
  }
  return amf0::decode(bytes, limits.amf0);
}

Parsed<std::vector<amf0::Value>> decode_all_amf0_or_amf3(std::span<const std::byte> bytes,
                                                         const MixedLimits& limits) {
  using Result = Parsed<std::vector<amf0::Value>>;
  std::vector<amf0::Value> values;
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    if (values.size() == limits.max_values)
      return Result::fail("amf: more than " + std::to_string(limits.max_values) + " values");
    auto v = decode_amf0_or_amf3(bytes.subspan(pos), limits);
    if (!v.ok()) return Result::fail(v.error.empty() ? "amf: undecodable value" : v.error);
    if (v.consumed == 0) return Result::fail("amf: value of zero bytes");
    values.push_back(std::move(v.value));
    pos += v.consumed;
  }
  return Result::done(pos, std::move(values));
}

}  // namespace streamgate::rtmp::amf3
