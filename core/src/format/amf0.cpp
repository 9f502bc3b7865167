#include <cmath>
#include "streamgate/format/amf0.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "format/byte_reader.hpp"
#include "format/byte_writer.hpp"

namespace streamgate::amf0 {

// ---- Value ----

Value Value::null() {
  Value v;
  v.type_ = Type::Null;
  return v;
}

Value Value::number(double n) {
  Value v;
  v.type_ = Type::Number;
  v.data_ = n;
  return v;
}

Value Value::boolean(bool b) {
  Value v;
  v.type_ = Type::Boolean;
  v.data_ = b;
  return v;
}

Value Value::string(std::string s) {
  Value v;
  v.type_ = Type::String;
  v.data_ = std::move(s);
  return v;
}

Value Value::object(Properties props) {
  Value v;
  v.type_ = Type::Object;
  v.data_ = std::move(props);
  return v;
}

// The two pairs below share their storage with number/object.
Value Value::ecma_array(Properties props) {
  Value v = object(std::move(props));
  v.type_ = Type::EcmaArray;
  return v;
}

Value Value::date(double ms_since_epoch) {
  Value v = number(ms_since_epoch);
  v.type_ = Type::Date;
  return v;
}

Value Value::strict_array(Array items) {
  Value v;
  v.type_ = Type::StrictArray;
  v.data_ = std::move(items);
  return v;
}

std::optional<std::int64_t> whole_number(double number, std::int64_t min, std::int64_t max) noexcept {
  // Compare as doubles first: converting an out-of-range double is undefined.
  if (!(number >= static_cast<double>(min) && number <= static_cast<double>(max))) return std::nullopt;
  if (number != std::trunc(number)) return std::nullopt;
  const auto value = static_cast<std::int64_t>(number);
  if (value < min || value > max) return std::nullopt;  // max not exactly representable
  return value;
}

double Value::as_number(double fallback) const noexcept {
  if (type_ == Type::Number || type_ == Type::Date) return std::get<double>(data_);
  return fallback;
}

bool Value::as_boolean(bool fallback) const noexcept {
  return type_ == Type::Boolean ? std::get<bool>(data_) : fallback;
}

const std::string& Value::as_string() const noexcept {
  static const std::string kEmpty;
  return type_ == Type::String ? std::get<std::string>(data_) : kEmpty;
}

const Properties& Value::properties() const noexcept {
  static const Properties kEmpty;
  return is_object_like() ? std::get<Properties>(data_) : kEmpty;
}

Properties& Value::properties() noexcept {
  if (is_object_like()) return std::get<Properties>(data_);
  // Not an object: hand out a scratch list so callers need no branch; what
  // they write there is discarded on the next call.
  thread_local Properties scratch;
  scratch.clear();
  return scratch;
}

const Array& Value::items() const noexcept {
  static const Array kEmpty;
  return type_ == Type::StrictArray ? std::get<Array>(data_) : kEmpty;
}

const Value* Value::find(std::string_view key) const noexcept {
  for (const auto& [name, value] : properties())
    if (name == key) return &value;
  return nullptr;
}

void Value::set(std::string_view key, Value value) {
  if (!is_object_like()) return;  // only objects have properties
  auto& props = std::get<Properties>(data_);
  for (auto& [name, existing] : props) {
    if (name == key) {
      existing = std::move(value);
      return;
    }
  }
  props.emplace_back(std::string(key), std::move(value));
}

bool operator==(const Value& a, const Value& b) { return a.type_ == b.type_ && a.data_ == b.data_; }

// ---- decoder ----

namespace {

// A complex value's place in the input, for the reference table (AMF0 §2.9:
// objects, typed objects and both array kinds are numbered in the order they
// start). `end == 0` while the value is still being decoded.
struct RefSlot {
  std::size_t begin = 0;
  std::size_t end = 0;
};

struct Budget {
  std::size_t elements = 0;
  std::size_t output_bytes = 0;  ///< text produced so far, references included
  std::size_t max_output_bytes = 0;
  std::string error;
};

Budget make_budget(std::size_t input_bytes, const Limits& limits) {
  Budget budget;
  budget.max_output_bytes = limits.max_output_bytes;
  if (budget.max_output_bytes == 0) {
    const std::size_t scaled =
        input_bytes > SIZE_MAX / kAutoOutputFactor ? SIZE_MAX : input_bytes * kAutoOutputFactor;
    budget.max_output_bytes = std::max(scaled, kMinAutoOutputBytes);
  }
  return budget;
}

// Recursive descent bounded by Limits::max_depth, so a nesting bomb fails
// long before the stack is at risk. A Reference is resolved by decoding the
// referenced bytes again ("replay"): no copies of finished values are kept,
// and the element and text budgets count everything a reference produces
// (text is charged before it is copied, so a refused string never exists).
class Decoder {
 public:
  Decoder(std::span<const std::byte> bytes, std::size_t pos, const Limits& limits, Budget& budget,
          std::vector<RefSlot>& refs, bool replay = false)
      : in_(bytes, pos),
        bytes_(bytes),
        limits_(limits),
        budget_(budget),
        refs_(refs),
        replay_(replay) {}

  std::size_t position() const noexcept { return in_.position(); }

  bool value(Value& out, std::size_t depth) {
    if (++budget_.elements > limits_.max_elements)
      return fail("more than " + std::to_string(limits_.max_elements) + " values");
    std::uint8_t marker = 0;
    if (!in_.u8(marker)) return fail("truncated: missing type marker");
    switch (Marker(marker)) {
      case Marker::Number: {
        double n = 0;
        if (!in_.f64(n)) return fail("truncated number");
        out = Value::number(n);
        return true;
      }
      case Marker::Boolean: {
        std::uint8_t b = 0;
        if (!in_.u8(b)) return fail("truncated boolean");
        out = Value::boolean(b != 0);
        return true;
      }
      case Marker::String:
        return short_string(out);
      case Marker::LongString:
      case Marker::XmlDocument:
        return long_string(out);
      case Marker::Null:
        out = Value::null();
        return true;
      case Marker::Undefined:
      case Marker::Unsupported:
        out = Value::undefined();
        return true;
      case Marker::Object:
        return object(out, depth, Value::Type::Object, false);
      case Marker::TypedObject:
        return object(out, depth, Value::Type::Object, true);
      case Marker::EcmaArray:
        return object(out, depth, Value::Type::EcmaArray, false);
      case Marker::StrictArray:
        return strict_array(out, depth);
      case Marker::Date: {
        double ms = 0;
        // §2.13: the 16-bit time zone that follows is reserved and ignored.
        if (!in_.f64(ms) || !in_.skip(2)) return fail("truncated date");
        out = Value::date(ms);
        return true;
      }
      case Marker::Reference:
        return reference(out, depth);
      case Marker::ObjectEnd:
        return fail("object end marker outside an object");
      case Marker::MovieClip:
        return fail("MovieClip type is reserved and not supported");
      case Marker::RecordSet:
        return fail("RecordSet type is reserved and not supported");
      case Marker::AvmPlusObject:
        return fail("AMF3 switch not supported in AMF0 decoder");
    }
    return fail("unknown type marker " + std::to_string(marker));
  }

 private:
  bool fail(std::string why) {
    if (budget_.error.empty())
      budget_.error = std::move(why) + " at byte " + std::to_string(in_.position());
    return false;
  }

  bool short_string(Value& out) {
    std::string s;
    if (!utf8(s)) return false;
    out = Value::string(std::move(s));
    return true;
  }

  // §2.14 long string / §2.17 XML document: u32 length + bytes.
  bool long_string(Value& out) {
    std::uint32_t length = 0;
    if (!in_.u32(length)) return fail("truncated long string length");
    if (length > in_.remaining())
      return fail("long string of " + std::to_string(length) + " bytes exceeds the input");
    std::string s;
    if (!spend_text(length) || !in_.text(length, s)) return false;
    out = Value::string(std::move(s));
    return true;
  }

  // §1.3 UTF-8: u16 length + bytes (string values and property names).
  bool utf8(std::string& out, bool counted = true) {
    std::uint16_t length = 0;
    if (!in_.u16(length)) return fail("truncated string length");
    if (length > in_.remaining())
      return fail("string of " + std::to_string(length) + " bytes exceeds the input");
    if (counted && !spend_text(length)) return false;
    return in_.text(length, out);
  }

  bool spend_text(std::size_t length) {
    if (length > budget_.max_output_bytes - budget_.output_bytes)
      return fail("decoded text would pass the output limit of " +
                  std::to_string(budget_.max_output_bytes) + " bytes");
    budget_.output_bytes += length;
    return true;
  }

  bool enter(std::size_t depth) {
    if (depth + 1 > limits_.max_depth)
      return fail("nesting deeper than " + std::to_string(limits_.max_depth));
    return true;
  }

  // Called right after the marker: registers the value in the reference table.
  // A replay registers nothing: the first pass numbered these values already.
  std::size_t begin_ref() {
    if (replay_) return kNoSlot;
    refs_.push_back(RefSlot{in_.position() - 1, 0});
    return refs_.size() - 1;
  }

  void end_ref(std::size_t slot) {
    if (slot != kNoSlot) refs_[slot].end = in_.position();
  }

  // §2.5 object, §2.10 ECMA array, §2.18 typed object: (name, value)* then an
  // empty name and the object-end marker (00 00 09). The ECMA array's count is
  // only a hint: encoders are known to get it wrong, so the end marker rules.
  bool object(Value& out, std::size_t depth, Value::Type type, bool typed) {
    if (!enter(depth)) return false;
    const std::size_t slot = begin_ref();
    if (typed) {
      std::string class_name;  // dropped at once (the SDK has no class names): not output
      if (!utf8(class_name, false)) return false;
    }
    if (type == Value::Type::EcmaArray) {
      std::uint32_t count_hint = 0;
      if (!in_.u32(count_hint)) return fail("truncated ECMA array count");
    }
    Properties props;
    for (;;) {
      std::string name;
      if (!utf8(name)) return false;
      if (name.empty()) {
        std::uint8_t marker = 0;
        if (!in_.u8(marker)) return fail("truncated: missing object end marker");
        if (Marker(marker) != Marker::ObjectEnd)
          return fail("empty property name not followed by the object end marker");
        break;
      }
      Value v;
      if (!value(v, depth + 1)) return false;
      props.emplace_back(std::move(name), std::move(v));
    }
    end_ref(slot);
    out = type == Value::Type::EcmaArray ? Value::ecma_array(std::move(props))
                                         : Value::object(std::move(props));
    return true;
  }

  // §2.12 strict array: u32 count + count values. The count is real here, so
  // it is checked against the bytes left (a value takes at least one byte) and
  // the element budget before anything is reserved.
  bool strict_array(Value& out, std::size_t depth) {
    if (!enter(depth)) return false;
    const std::size_t slot = begin_ref();
    std::uint32_t count = 0;
    if (!in_.u32(count)) return fail("truncated strict array count");
    if (count > in_.remaining())
      return fail("strict array of " + std::to_string(count) + " values exceeds the input");
    if (count > limits_.max_elements - std::min(budget_.elements, limits_.max_elements))
      return fail("strict array of " + std::to_string(count) + " values exceeds the element limit");
    Array items;
    items.reserve(count);
    for (std::uint32_t i = 0; i < count; ++i) {
      Value v;
      if (!value(v, depth + 1)) return false;
      items.push_back(std::move(v));
    }
    end_ref(slot);
    out = Value::strict_array(std::move(items));
    return true;
  }

  // §2.9 reference: u16 index into the table of complex values seen so far.
  bool reference(Value& out, std::size_t depth) {
    std::uint16_t index = 0;
    if (!in_.u16(index)) return fail("truncated reference");
    if (index >= refs_.size())
      return fail("reference " + std::to_string(index) + " to nothing (" +
                  std::to_string(refs_.size()) + " objects so far)");
    const RefSlot target = refs_[index];
    if (target.end == 0)
      return fail("reference " + std::to_string(index) + " to an object that contains it");
    // The referenced value was decoded once already, so it is well formed and
    // every reference inside it was valid then; replaying it under the current
    // depth enforces the limits on the result.
    Decoder again(bytes_.first(target.end), target.begin, limits_, budget_, refs_, true);
    --budget_.elements;  // the reference marker itself is not a value
    return again.value(out, depth);
  }

  static constexpr std::size_t kNoSlot = SIZE_MAX;

  format::ByteReader in_;
  std::span<const std::byte> bytes_;
  const Limits& limits_;
  Budget& budget_;
  std::vector<RefSlot>& refs_;
  bool replay_;
};

}  // namespace

Parsed<Value> decode(std::span<const std::byte> bytes, const Limits& limits) {
  Budget budget = make_budget(bytes.size(), limits);
  std::vector<RefSlot> refs;
  Decoder decoder(bytes, 0, limits, budget, refs);
  Value v;
  if (!decoder.value(v, 0)) return Parsed<Value>::fail("amf0: " + budget.error);
  return Parsed<Value>::done(decoder.position(), std::move(v));
}

Parsed<std::vector<Value>> decode_all(std::span<const std::byte> bytes, const Limits& limits) {
  // One budget and one reference table for the whole message.
  Budget budget = make_budget(bytes.size(), limits);
  std::vector<RefSlot> refs;
  std::vector<Value> values;
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    Decoder decoder(bytes, pos, limits, budget, refs);
    Value v;
    if (!decoder.value(v, 0))
      return Parsed<std::vector<Value>>::fail("amf0: value " + std::to_string(values.size()) +
                                              ": " + budget.error);
    values.push_back(std::move(v));
    pos = decoder.position();
  }
  return Parsed<std::vector<Value>>::done(pos, std::move(values));
}

// ---- encoder ----

namespace {

void encode_utf8(std::string_view s, format::ByteWriter& w) {
  // A name longer than the u16 length field is cut rather than corrupting the
  // stream; no real property name comes near 64 KiB.
  s = s.substr(0, std::numeric_limits<std::uint16_t>::max());
  w.u16(std::uint16_t(s.size()));
  w.text(s);
}

void encode_properties(const Properties& props, format::ByteWriter& w,
                       std::vector<std::byte>& out) {
  for (const auto& [name, value] : props) {
    encode_utf8(name, w);
    encode(value, out);
  }
  // §2.11 object end: empty name + 0x09.
  w.u16(0);
  w.u8(std::uint8_t(Marker::ObjectEnd));
}

}  // namespace

void encode(const Value& value, std::vector<std::byte>& out) {
  format::ByteWriter w(out);
  switch (value.type()) {
    case Value::Type::Undefined:
      w.u8(std::uint8_t(Marker::Undefined));
      return;
    case Value::Type::Null:
      w.u8(std::uint8_t(Marker::Null));
      return;
    case Value::Type::Number:
      w.u8(std::uint8_t(Marker::Number));
      w.f64(value.as_number());
      return;
    case Value::Type::Boolean:
      w.u8(std::uint8_t(Marker::Boolean));
      w.u8(value.as_boolean() ? 1 : 0);
      return;
    case Value::Type::String: {
      const std::string& s = value.as_string();
      if (s.size() <= std::numeric_limits<std::uint16_t>::max()) {
        w.u8(std::uint8_t(Marker::String));
        encode_utf8(s, w);
      } else {
        w.u8(std::uint8_t(Marker::LongString));
        w.u32(std::uint32_t(s.size()));
        w.text(s);
      }
      return;
    }
    case Value::Type::Object:
      w.u8(std::uint8_t(Marker::Object));
      encode_properties(value.properties(), w, out);
      return;
    case Value::Type::EcmaArray:
      w.u8(std::uint8_t(Marker::EcmaArray));
      w.u32(std::uint32_t(value.properties().size()));
      encode_properties(value.properties(), w, out);
      return;
    case Value::Type::StrictArray:
      w.u8(std::uint8_t(Marker::StrictArray));
      w.u32(std::uint32_t(value.items().size()));
      for (const auto& item : value.items()) encode(item, out);
      return;
    case Value::Type::Date:
      w.u8(std::uint8_t(Marker::Date));
      w.f64(value.as_number());
      w.u16(0);  // time zone: reserved, 0
      return;
  }
}

std::vector<std::byte> encode_all(std::span<const Value> values) {
  std::vector<std::byte> out;
  for (const auto& v : values) encode(v, out);
  return out;
}

}  // namespace streamgate::amf0
