#pragma once
// AMF0 (Adobe Action Message Format 0) values, encoder and bounded decoder.
// Shared by the RTMP plugin (commands, metadata) and the FLV recorder (script
// tags). AMF3 lives in the RTMP plugin, its only user.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "streamgate/format/parse.hpp"

namespace streamgate::amf0 {

// AMF0 type markers (AMF0 spec §2.1).
enum class Marker : std::uint8_t {
  Number = 0x00,
  Boolean = 0x01,
  String = 0x02,
  Object = 0x03,
  MovieClip = 0x04,  // reserved, rejected
  Null = 0x05,
  Undefined = 0x06,
  Reference = 0x07,
  EcmaArray = 0x08,
  ObjectEnd = 0x09,
  StrictArray = 0x0A,
  Date = 0x0B,
  LongString = 0x0C,
  Unsupported = 0x0D,
  RecordSet = 0x0E,  // reserved, rejected
  XmlDocument = 0x0F,
  TypedObject = 0x10,
  AvmPlusObject = 0x11,  // switch to AMF3: not decoded here
};

class Value;
using Property = std::pair<std::string, Value>;
using Properties = std::vector<Property>;
using Array = std::vector<Value>;

class Value {
 public:
  enum class Type : std::uint8_t {
    Undefined = 0,
    Null,
    Number,
    Boolean,
    String,  ///< String, LongString and XmlDocument decode to this
    Object,  ///< Object and TypedObject (class name dropped)
    EcmaArray,
    StrictArray,
    Date,  ///< number of ms since epoch
  };

  Value() = default;  ///< undefined
  static Value undefined() { return Value{}; }
  static Value null();
  static Value number(double n);
  static Value boolean(bool b);
  static Value string(std::string s);
  static Value object(Properties props);
  static Value ecma_array(Properties props);
  static Value strict_array(Array items);
  static Value date(double ms_since_epoch);

  Type type() const noexcept { return type_; }
  bool is_number() const noexcept { return type_ == Type::Number; }
  bool is_string() const noexcept { return type_ == Type::String; }
  bool is_object_like() const noexcept { return type_ == Type::Object || type_ == Type::EcmaArray; }
  bool is_null_or_undefined() const noexcept {
    return type_ == Type::Null || type_ == Type::Undefined;
  }

  double as_number(double fallback = 0) const noexcept;
  bool as_boolean(bool fallback = false) const noexcept;
  /// The string, or "" when not a string.
  const std::string& as_string() const noexcept;
  /// Object/EcmaArray properties in order, empty otherwise.
  const Properties& properties() const noexcept;
  Properties& properties() noexcept;
  /// StrictArray items, empty otherwise.
  const Array& items() const noexcept;

  /// Property `key` of an object-like value, or nullptr.
  const Value* find(std::string_view key) const noexcept;
  /// Replaces or appends property `key` of an object-like value.
  void set(std::string_view key, Value value);

  friend bool operator==(const Value&, const Value&);

 private:
  Type type_ = Type::Undefined;
  std::variant<std::monostate, double, bool, std::string, Properties, Array> data_;
};

/// Text the decoder may produce when Limits::max_output_bytes is 0: this
/// many times the input, and at least kMinAutoOutputBytes.
inline constexpr std::size_t kAutoOutputFactor = 4;
inline constexpr std::size_t kMinAutoOutputBytes = 64u << 10;

struct Limits {
  std::size_t max_depth = 64;          ///< nesting of objects/arrays
  std::size_t max_elements = 1 << 16;  ///< total values in one decode call
  /// Bytes of text (string values and property names) one decode call may
  /// produce, copies made by resolving references included. Inline text never
  /// exceeds the input, but references repeat it: with this bound a decode
  /// holds at most max_elements values plus this much text. 0 = automatic
  /// (kAutoOutputFactor x the input size, at least kMinAutoOutputBytes).
  std::size_t max_output_bytes = 0;
};

/// Decodes one value from the front of `bytes`. NeedMore is never returned:
/// truncated input is Invalid (AMF is always carried in whole messages).
Parsed<Value> decode(std::span<const std::byte> bytes, const Limits& limits = {});
/// Decodes values until `bytes` is used up.
Parsed<std::vector<Value>> decode_all(std::span<const std::byte> bytes, const Limits& limits = {});

/// `number` as an integer when it is a whole number within [min, max]; nullopt
/// for NaN, infinities, fractions and values out of range. AMF numbers come
/// from the network: never cast one to an integer type without this.
std::optional<std::int64_t> whole_number(double number, std::int64_t min, std::int64_t max) noexcept;

void encode(const Value& value, std::vector<std::byte>& out);
std::vector<std::byte> encode_all(std::span<const Value> values);

}  // namespace streamgate::amf0
