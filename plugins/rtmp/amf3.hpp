#pragma once
// AMF3 (Adobe AMF 3 specification) decoding into the shared AMF0 value model,
// and encoding of the values the server sends. AMF3 reaches RTMP inside AMF0:
// a value marked 0x11 (avmplus-object) is followed by one AMF3 value, and
// messages of type 17/15 start with one format byte to skip.
//
// Decoding is bounded: nesting depth, total values (references count the
// values they copy), bytes copied through references, and every length is
// checked against the remaining input before anything is allocated.
//
// Mapping: integer/double -> Number; String, XML, XMLDocument and ByteArray
// -> String; Date -> Date; Array -> StrictArray (dense only) or EcmaArray
// (associative part, dense items keyed "0", "1", ...); Object -> Object
// (sealed then dynamic members; class name dropped); Vector -> StrictArray.
// Externalizable objects and Dictionary are rejected (nothing in RTMP uses
// them); so are references to an object still being decoded (cycles).

#include <cstddef>
#include <span>
#include <vector>

#include "streamgate/format/amf0.hpp"
#include "streamgate/format/parse.hpp"

namespace streamgate::rtmp::amf3 {

// AMF3 type markers (AMF3 spec §3.1).
enum class Marker : std::uint8_t {
  Undefined = 0x00,
  Null = 0x01,
  False = 0x02,
  True = 0x03,
  Integer = 0x04,
  Double = 0x05,
  String = 0x06,
  XmlDocument = 0x07,
  Date = 0x08,
  Array = 0x09,
  Object = 0x0A,
  Xml = 0x0B,
  ByteArray = 0x0C,
  VectorInt = 0x0D,
  VectorUint = 0x0E,
  VectorDouble = 0x0F,
  VectorObject = 0x10,
  Dictionary = 0x11,
};

struct Limits {
  std::size_t max_depth = 64;
  std::size_t max_elements = 1 << 16;
  /// Bytes of strings copied by resolving references (inline bytes are
  /// bounded by the input itself).
  std::size_t max_reference_bytes = 1 << 20;
};

/// Decodes one AMF3 value (reference tables start empty).
Parsed<amf0::Value> decode(std::span<const std::byte> bytes, const Limits& limits = {});

/// Encodes `value` as AMF3 without references.
void encode(const amf0::Value& value, std::vector<std::byte>& out);

/// Bounds for a message of AMF0 values that may switch to AMF3. Each value
/// is decoded on its own (reference tables do not cross values).
struct MixedLimits {
  amf0::Limits amf0;
  Limits amf3;
  std::size_t max_values = 1 << 16;  ///< top-level values in one message
};

/// One AMF0 value, switching to AMF3 for a top-level 0x11 marker.
Parsed<amf0::Value> decode_amf0_or_amf3(std::span<const std::byte> bytes,
                                        const MixedLimits& limits = {});
/// Such values until `bytes` is used up.
Parsed<std::vector<amf0::Value>> decode_all_amf0_or_amf3(std::span<const std::byte> bytes,
                                                         const MixedLimits& limits = {});

}  // namespace streamgate::rtmp::amf3
