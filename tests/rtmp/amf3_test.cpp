// AMF3 (Adobe AMF 3 specification) decoding into the AMF0 value model,
// encoding, the bounds, and the AMF0 -> AMF3 switch marker.

#include "amf3.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "format/test_bytes.hpp"

namespace streamgate::rtmp::amf3 {
namespace {

using amf0::Value;
using test::Bytes;
using test::cat;
using test::hex;
using test::repeat;

Value decoded(const Bytes& bytes) {
  auto r = decode(bytes);
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.consumed, bytes.size());
  return r.value;
}

std::string rejected(const Bytes& bytes) {
  auto r = decode(bytes);
  EXPECT_TRUE(r.invalid());
  return r.error;
}

TEST(Amf3Decode, IntegersInEveryU29Width) {
  // §1.3.1: 7 bits per byte with a continuation bit; the 4th byte has 8.
  struct Case {
    const char* hex;
    double value;
  };
  for (const Case& c :
       {Case{"04 00", 0}, Case{"04 7F", 127}, Case{"04 81 00", 128}, Case{"04 FF 7F", 16383},
        Case{"04 81 80 00", 16384}, Case{"04 FF FF 7F", 2097151}, Case{"04 80 C0 80 00", 2097152},
        Case{"04 BF FF FF FF", 268435455},  // largest positive (2^28 - 1)
        Case{"04 FF FF FF FF", -1},         // 29-bit two's complement
        Case{"04 C0 80 80 00", -268435456}}) {
    const Value v = decoded(hex(c.hex));
    EXPECT_EQ(v.as_number(), c.value) << c.hex;
  }
}

TEST(Amf3Decode, Scalars) {
  EXPECT_EQ(decoded(hex("00")).type(), Value::Type::Undefined);
  EXPECT_EQ(decoded(hex("01")).type(), Value::Type::Null);
  EXPECT_EQ(decoded(hex("02")), Value::boolean(false));
  EXPECT_EQ(decoded(hex("03")), Value::boolean(true));
  EXPECT_EQ(decoded(hex("05 40 09 21 FB 54 44 2D 18")).as_number(),
            3.141592653589793);                                     // IEEE 754 BE
  EXPECT_EQ(decoded(hex("06 07 61 62 63")), Value::string("abc"));  // 07 = length 3 << 1 | inline
  EXPECT_EQ(decoded(hex("06 01")), Value::string(""));
  const Value date = decoded(hex("08 01 42 73 BF 36 85 80 00 00"));  // inline date, ms since epoch
  EXPECT_EQ(date.type(), Value::Type::Date);
  EXPECT_EQ(date.as_number(), 1356998400000.0);
  EXPECT_EQ(decoded(hex("0C 07 01 02 03")), Value::string("\x01\x02\x03"));  // ByteArray
  EXPECT_EQ(decoded(hex("0B 05 3C 61")), Value::string("<a"));               // XML
}

TEST(Amf3Decode, DynamicAnonymousObject) {
  const Bytes bytes =
      hex("0A"  // object
          "0B"  // U29O-traits: inline object, inline traits, not externalizable, dynamic, 0 sealed
          "01"  // class name "" (anonymous)
          "03 61"  // dynamic member name "a"
          "04 01"  // integer 1
          "01");   // empty name: end of dynamic members
  EXPECT_EQ(decoded(bytes), Value::object({{"a", Value::number(1)}}));
}

TEST(Amf3Decode, SealedTraitsAndReferences) {
  const Bytes bytes =
      hex("09 07 01"                 // array, 3 dense items, no associative part (object #0)
          "0A 23 03 50 03 78 03 79"  // object #1: traits inline, 2 sealed members, class "P", x, y
          "04 01 04 02"              //   x = 1, y = 2
          "0A 01 04 03 04 04"        // object #2: traits reference 0 (P), x = 3, y = 4
          "0A 02");                  // object reference 1 (the first P)
  const Value v = decoded(bytes);
  ASSERT_EQ(v.type(), Value::Type::StrictArray);
  ASSERT_EQ(v.items().size(), 3u);
  const Value first = Value::object({{"x", Value::number(1)}, {"y", Value::number(2)}});
  EXPECT_EQ(v.items()[0], first);
  EXPECT_EQ(v.items()[1], Value::object({{"x", Value::number(3)}, {"y", Value::number(4)}}));
  EXPECT_EQ(v.items()[2], first);
}

TEST(Amf3Decode, StringReferences) {
  // Array of three strings: "abc", a reference to string #0, and "" (never referenced).
  EXPECT_EQ(decoded(hex("09 07 01  06 07 61 62 63  06 00  06 01")),
            Value::strict_array({Value::string("abc"), Value::string("abc"), Value::string("")}));
}

TEST(Amf3Decode, ArrayWithAssociativePart) {
  EXPECT_EQ(decoded(hex("09 03  03 6B 04 05  01  06 03 7A")),  // 1 dense item, "k" = 5
            Value::ecma_array({{"k", Value::number(5)}, {"0", Value::string("z")}}));
}

TEST(Amf3Decode, Vectors) {
  EXPECT_EQ(decoded(hex("0D 05 00  00 00 00 01  FF FF FF FF")),  // Vector.<int> [1, -1], not fixed
            Value::strict_array({Value::number(1), Value::number(-1)}));
  EXPECT_EQ(decoded(hex("0E 03 01  FF FF FF FF")),
            Value::strict_array({Value::number(4294967295.0)}));
  EXPECT_EQ(decoded(hex("0F 03 00  3F F0 00 00 00 00 00 00")),
            Value::strict_array({Value::number(1)}));
  EXPECT_EQ(decoded(hex("10 03 00 01  06 03 71")), Value::strict_array({Value::string("q")}));
}

TEST(Amf3Decode, RejectsWhatItCannotRepresent) {
  EXPECT_NE(rejected(hex("09 03 01 09 00")).find("still being decoded"), std::string::npos)
      << "an array containing itself";
  EXPECT_NE(rejected(hex("0A 07 03 43")).find("externalizable"), std::string::npos);
  EXPECT_NE(rejected(hex("11 01 00")).find("dictionary"), std::string::npos);
  EXPECT_NE(rejected(hex("06 02")).find("string reference 1"), std::string::npos);
  EXPECT_NE(rejected(hex("0A 02")).find("object reference 1"), std::string::npos);
  EXPECT_NE(rejected(hex("0A 05 04 01")).find("traits reference 1"), std::string::npos);
  EXPECT_NE(rejected(hex("12")).find("unknown marker"), std::string::npos);
}

TEST(Amf3Decode, EveryTruncationIsRejected) {
  const Bytes whole =
      hex("09 0B 03 6B 04 05 01"
          "0A 23 03 50 03 78 03 79 04 81 00 05 40 09 21 FB 54 44 2D 18"
          "0A 01 06 07 61 62 63 06 04"
          "08 01 42 73 5F 4C 1C 4E 80 00"
          "0D 05 00 00 00 00 01 FF FF FF FF"
          "0C 05 01 02");
  ASSERT_TRUE(decode(whole).ok()) << decode(whole).error;
  for (std::size_t n = 0; n < whole.size(); ++n) {
    auto r = decode(std::span<const std::byte>(whole).first(n));
    EXPECT_TRUE(r.invalid()) << "prefix of " << n << " bytes";
  }
}

TEST(Amf3Decode, LengthsLargerThanTheInputAllocateNothing) {
  EXPECT_TRUE(decode(hex("06 BF FF FF FF")).invalid());     // string of 2^27 bytes
  EXPECT_TRUE(decode(hex("09 BF FF FF FF 01")).invalid());  // array of 2^27 items
  EXPECT_TRUE(decode(hex("0D BF FF FF FF 00")).invalid());  // vector of 2^27 ints
  EXPECT_TRUE(decode(hex("0A BF FF FF F3 01")).invalid());  // traits with 2^24 members
}

TEST(Amf3Decode, DepthIsBounded) {
  const Bytes bomb = cat({repeat(hex("09 03 01"), 100), hex("01")});
  EXPECT_NE(rejected(bomb).find("nesting deeper than 64"), std::string::npos);
  const Bytes fine = cat({repeat(hex("09 03 01"), 60), hex("01")});
  EXPECT_TRUE(decode(fine).ok());
}

TEST(Amf3Decode, ReferencesCannotMultiplyValues) {
  // A = [0 x 200]; then 1000 references to A: 200 000 values from 2 KB.
  Bytes bytes = hex("09 8F 53 01");  // outer array, 1001 items: U29 (1001 << 1 | 1) = 2003 = 0x7D3
  const Bytes inner =
      cat({hex("09 83 11 01"), repeat(hex("04 00"), 200)});  // 200 << 1 | 1 = 401 = 0x191
  bytes.insert(bytes.end(), inner.begin(), inner.end());
  const Bytes refs = repeat(hex("0A 02"), 1000);  // reference to object #1 (A)
  bytes.insert(bytes.end(), refs.begin(), refs.end());
  auto r = decode(bytes);
  ASSERT_TRUE(r.invalid());
  EXPECT_NE(r.error.find("references expand"), std::string::npos) << r.error;
}

TEST(Amf3Decode, StringReferencesCannotMultiplyBytes) {
  // One 1000-byte string, then 2000 references to it: 2 MB from 5 KB.
  Bytes bytes = hex("09 9F 23 01");  // 2001 items: 4003 = 0xFA3
  const Bytes big =
      cat({hex("06 8F 51"), Bytes(1000, std::byte{'x'})});  // 1000 << 1 | 1 = 2001 = 0x7D1
  bytes.insert(bytes.end(), big.begin(), big.end());
  const Bytes refs = repeat(hex("06 00"), 2000);
  bytes.insert(bytes.end(), refs.begin(), refs.end());
  auto r = decode(bytes);
  ASSERT_TRUE(r.invalid());
  EXPECT_NE(r.error.find("references copy more than"), std::string::npos) << r.error;
}

TEST(Amf3Decode, SharedTraitsCannotMultiplyMemberNames) {
  // Traits with one 2000-byte member name, then 1000 objects reusing them:
  // 2 MB of names from 6 KB.
  Bytes bytes = hex("09 8F 53 01");  // 1001 items
  const Bytes first = cat({hex("0A 13 01 9F 21"), Bytes(2000, std::byte{'n'}), hex("01")});
  // 0x13: inline object, inline traits, sealed, 1 member; class ""; name of
  // 2000 bytes (4001 = 0xFA1); value null.
  bytes.insert(bytes.end(), first.begin(), first.end());
  const Bytes refs = repeat(hex("0A 01 01"), 1000);  // traits reference 0, value null
  bytes.insert(bytes.end(), refs.begin(), refs.end());
  auto r = decode(bytes);
  ASSERT_TRUE(r.invalid());
  EXPECT_NE(r.error.find("references copy more than"), std::string::npos) << r.error;
}

TEST(Amf3Decode, ReferencesToValuesBuiltFromReferencesCountInFull) {
  // An object whose 40 members are references to one 10 000-byte string is
  // 400 KB; 1000 references to that object would be 400 MB.
  Bytes bytes = hex("09 8F 55 01");  // 1002 items (2005 = 0x7D5)
  bytes =
      cat({bytes, hex("06 81 9C 21"), Bytes(10000, std::byte{'s'})});  // string #0 (20001 = 0x4E21)
  Bytes object = hex("0A 0B 01");                                      // dynamic anonymous object
  for (int i = 0; i < 40; ++i)
    object = cat({object, hex("03"), Bytes{std::byte('A' + i)}, hex("06 00")});
  bytes = cat({bytes, object, hex("01"), repeat(hex("0A 02"), 1000)});  // end; 1000 x object ref 1
  auto r = decode(bytes);
  ASSERT_TRUE(r.invalid());
  EXPECT_NE(r.error.find("references copy more than"), std::string::npos) << r.error;
}

TEST(Amf3Decode, DeepNestingCannotMultiplyTableCopies) {
  // 60 nested arrays around 2000 values: the reference table would hold 60
  // copies of the inner values.
  Bytes inner = cat({hex("09 9F 21 01"), repeat(hex("01"), 2000)});  // 2000 nulls (4001 = 0xFA1)
  Bytes bytes = cat({repeat(hex("09 03 01"), 60), inner});
  auto r = decode(bytes);
  ASSERT_TRUE(r.invalid());
  EXPECT_NE(r.error.find("reference table copies"), std::string::npos) << r.error;
  EXPECT_TRUE(decode(cat({repeat(hex("09 03 01"), 5), inner})).ok()) << "ordinary nesting is fine";
}

TEST(Amf3Encode, BytesFollowTheSpec) {
  auto encoded = [](const Value& v) {
    std::vector<std::byte> out;
    amf3::encode(v, out);
    return Bytes(out);
  };
  EXPECT_EQ(encoded(Value::number(128)), hex("04 81 00"));
  EXPECT_EQ(encoded(Value::number(-1)), hex("04 FF FF FF FF"));
  EXPECT_EQ(encoded(Value::number(268435456)), hex("05 41 B0 00 00 00 00 00 00"));  // past 29 bits
  EXPECT_EQ(encoded(Value::number(0.5)), hex("05 3F E0 00 00 00 00 00 00"));
  EXPECT_EQ(encoded(Value::string("abc")), hex("06 07 61 62 63"));
  EXPECT_EQ(encoded(Value::object({{"a", Value::number(1)}})), hex("0A 0B 01 03 61 04 01 01"));
  EXPECT_EQ(encoded(Value::strict_array({Value::boolean(true)})), hex("09 03 01 03"));
}

TEST(Amf3Encode, RoundTrips) {
  const Value values[] = {
      Value::null(),
      Value::boolean(false),
      Value::number(0),
      Value::number(-268435456),
      Value::number(1e300),
      Value::number(-0.25),
      Value::string(std::string(300, 'z')),
      Value::date(1700000000000.0),
      Value::object(
          {{"app", Value::string("live")},
           {"nested",
            Value::object({{"deep", Value::strict_array({Value::number(1), Value::null()})}})},
           {"flag", Value::boolean(true)}}),
      Value::ecma_array({{"duration", Value::number(0)}, {"width", Value::number(1920)}}),
      Value::strict_array({}),
  };
  for (const Value& v : values) {
    std::vector<std::byte> out;
    amf3::encode(v, out);
    auto back = decode(out);
    ASSERT_TRUE(back.ok()) << back.error;
    EXPECT_EQ(back.consumed, out.size());
    EXPECT_EQ(back.value, v);
  }
}

TEST(Amf0OrAmf3, TheAvmPlusMarkerSwitchesOneValue) {
  const Bytes bytes =
      cat({hex("02 00 07 63 6F 6E 6E 65 63 74"),                 // AMF0 string "connect"
           hex("00 3F F0 00 00 00 00 00 00"),                    // AMF0 number 1
           hex("11 0A 0B 01 07 61 70 70 06 09 6C 69 76 65 01"),  // AMF3 {app: "live"}
           hex("05")});                                          // AMF0 null again
  auto r = decode_all_amf0_or_amf3(bytes);
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 4u);
  EXPECT_EQ(r.value[0], Value::string("connect"));
  EXPECT_EQ(r.value[2], Value::object({{"app", Value::string("live")}}));
  EXPECT_EQ(r.value[3].type(), Value::Type::Null);
  EXPECT_TRUE(decode_all_amf0_or_amf3(hex("02 00 07 63 6F")).invalid());
  EXPECT_TRUE(decode_all_amf0_or_amf3(hex("11")).invalid());
}

}  // namespace
}  // namespace streamgate::rtmp::amf3
