// AMF0 encoder and bounded decoder. Expected bytes are worked out from the
// AMF0 specification (Adobe, "Action Message Format -- AMF 0", 2007); the
// section is named above each fixture.

#include <limits>
#include "streamgate/format/amf0.hpp"

#include <gtest/gtest.h>

#include "format/test_bytes.hpp"

namespace streamgate::amf0 {
namespace {

using test::Bytes;
using test::cat;
using test::hex;
using test::repeat;
using test::text;

Bytes encoded(const Value& v) {
  Bytes out;
  encode(v, out);
  return out;
}

// §2.2 number-type: marker 0x00 + IEEE 754 double, big-endian. 1.0 is
// sign 0, exponent 0x3FF, mantissa 0.
const Bytes kNumberOne = hex("00  3F F0 00 00 00 00 00 00");
// §2.4 string-type: marker 0x02 + u16 length + UTF-8 bytes.
const Bytes kStringConnect = hex("02  00 07  63 6F 6E 6E 65 63 74");  // "connect"
// §2.5 object-type: marker 0x03, then (u16 name length + name + value)*, then
// object-end: empty name 00 00 + marker 0x09.
const Bytes kObjectAppLive =
    hex("03"
        "  00 03 61 70 70"        // name "app"
        "  02 00 04 6C 69 76 65"  // value "live"
        "  00 00 09");            // object end

TEST(Amf0Encode, ScalarsMatchTheSpecLayout) {
  EXPECT_EQ(encoded(Value::number(1.0)), kNumberOne);
  // 30 = 1.875 * 2^4: exponent 1023 + 4 = 0x403, mantissa .875 = binary .111
  EXPECT_EQ(encoded(Value::number(30.0)), hex("00 40 3E 00 00 00 00 00 00"));
  EXPECT_EQ(encoded(Value::boolean(true)), hex("01 01"));  // §2.3 boolean-type
  EXPECT_EQ(encoded(Value::boolean(false)), hex("01 00"));
  EXPECT_EQ(encoded(Value::string("connect")), kStringConnect);
  EXPECT_EQ(encoded(Value::string("")), hex("02 00 00"));
  EXPECT_EQ(encoded(Value::null()), hex("05"));       // §2.7 null-type
  EXPECT_EQ(encoded(Value::undefined()), hex("06"));  // §2.8 undefined-type
  // §2.13 date-type: marker 0x0B + double ms + s16 time zone (reserved, 0).
  EXPECT_EQ(encoded(Value::date(1.0)), hex("0B 3F F0 00 00 00 00 00 00 00 00"));
}

TEST(Amf0Encode, ObjectsAndArraysMatchTheSpecLayout) {
  EXPECT_EQ(encoded(Value::object({{"app", Value::string("live")}})), kObjectAppLive);
  EXPECT_EQ(encoded(Value::object({})), hex("03 00 00 09"));
  // §2.10 ecma-array-type: marker 0x08 + u32 count + properties + object end.
  EXPECT_EQ(encoded(Value::ecma_array({{"a", Value::number(1.0)}})),
            hex("08 00 00 00 01  00 01 61  00 3F F0 00 00 00 00 00 00  00 00 09"));
  // §2.12 strict-array-type: marker 0x0A + u32 count + values, no end marker.
  EXPECT_EQ(encoded(Value::strict_array({Value::number(1.0), Value::string("a")})),
            hex("0A 00 00 00 02  00 3F F0 00 00 00 00 00 00  02 00 01 61"));
}

TEST(Amf0Encode, StringsOver64KiBBecomeLongStrings) {
  // §2.14 long-string-type: marker 0x0C + u32 length + bytes.
  const std::string big(70000, 'x');
  const Bytes out = encoded(Value::string(big));
  ASSERT_EQ(out.size(), 1 + 4 + big.size());
  EXPECT_EQ(Bytes(out.begin(), out.begin() + 5), hex("0C 00 01 11 70"));  // 70000 = 0x11170
  auto back = decode(out);
  ASSERT_TRUE(back.ok()) << back.error;
  EXPECT_EQ(back.value.as_string(), big);
}

TEST(Amf0Decode, RtmpConnectCommand) {
  // RTMP 1.0 §7.2.1.1: command name, transaction id 1, command object.
  const Bytes message = cat({kStringConnect, kNumberOne, kObjectAppLive});
  auto all = decode_all(message);
  ASSERT_TRUE(all.ok()) << all.error;
  EXPECT_EQ(all.consumed, message.size());
  ASSERT_EQ(all.value.size(), 3u);
  EXPECT_EQ(all.value[0].as_string(), "connect");
  EXPECT_EQ(all.value[1].as_number(), 1.0);
  ASSERT_TRUE(all.value[2].is_object_like());
  ASSERT_NE(all.value[2].find("app"), nullptr);
  EXPECT_EQ(all.value[2].find("app")->as_string(), "live");
}

TEST(Amf0Decode, ConsumesExactlyOneValue) {
  const Bytes message = cat({kStringConnect, kNumberOne});
  auto first = decode(message);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.consumed, kStringConnect.size());
  EXPECT_EQ(first.value, Value::string("connect"));
}

TEST(Amf0Decode, EmptyInputIsInvalidButDecodeAllAcceptsIt) {
  EXPECT_TRUE(decode({}).invalid());
  auto all = decode_all({});
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all.value.empty());
}

TEST(Amf0Decode, EcmaArrayCountIsOnlyAHint) {
  // Encoders are known to write 0 (or any number): the end marker decides.
  const Bytes says_zero = hex("08 00 00 00 00  00 01 61 05  00 01 62 05  00 00 09");
  const Bytes says_nine = hex("08 00 00 00 09  00 01 61 05  00 00 09");
  auto a = decode(says_zero);
  ASSERT_TRUE(a.ok()) << a.error;
  EXPECT_EQ(a.value.type(), Value::Type::EcmaArray);
  EXPECT_EQ(a.value.properties().size(), 2u);
  auto b = decode(says_nine);
  ASSERT_TRUE(b.ok()) << b.error;
  EXPECT_EQ(b.value.properties().size(), 1u);
}

TEST(Amf0Decode, OtherMarkersMapToTheSdkTypes) {
  // §2.18 typed-object: marker 0x10 + class name + object body -> Object.
  auto typed = decode(hex("10 00 03 46 6F 6F  00 01 61 05  00 00 09"));
  ASSERT_TRUE(typed.ok()) << typed.error;
  EXPECT_EQ(typed.value, Value::object({{"a", Value::null()}}));
  // §2.17 xml-document: marker 0x0F + u32 length + text -> String.
  auto xml = decode(hex("0F 00 00 00 03 3C 61 2F"));
  ASSERT_TRUE(xml.ok());
  EXPECT_EQ(xml.value, Value::string("<a/"));
  // §2.15 unsupported-type decodes as undefined.
  auto unsupported = decode(hex("0D"));
  ASSERT_TRUE(unsupported.ok());
  EXPECT_EQ(unsupported.value.type(), Value::Type::Undefined);
  // §2.13: the time zone is ignored, whatever it says.
  auto date = decode(hex("0B 40 00 00 00 00 00 00 00  FF C4"));
  ASSERT_TRUE(date.ok());
  EXPECT_EQ(date.value, Value::date(2.0));
  EXPECT_EQ(date.consumed, 11u);
}

TEST(Amf0Decode, RejectsReservedAndAmf3Markers) {
  auto movie_clip = decode(hex("04"));
  EXPECT_TRUE(movie_clip.invalid());
  EXPECT_NE(movie_clip.error.find("MovieClip"), std::string::npos) << movie_clip.error;
  auto record_set = decode(hex("0E"));
  EXPECT_TRUE(record_set.invalid());
  EXPECT_NE(record_set.error.find("RecordSet"), std::string::npos) << record_set.error;
  auto amf3 = decode(hex("11 06"));
  EXPECT_TRUE(amf3.invalid());
  EXPECT_NE(amf3.error.find("AMF3 switch not supported in AMF0 decoder"), std::string::npos)
      << amf3.error;
  EXPECT_TRUE(decode(hex("09")).invalid());  // object end outside an object
  EXPECT_TRUE(decode(hex("12")).invalid());
  EXPECT_TRUE(decode(hex("FF")).invalid());
}

TEST(Amf0Decode, EmptyNameMustEndTheObject) {
  auto bad = decode(hex("03 00 00 05"));  // empty name followed by null, not 0x09
  EXPECT_TRUE(bad.invalid());
  EXPECT_FALSE(bad.error.empty());
}

// §2.9 reference-type: u16 index into the complex values seen so far (objects,
// typed objects, ECMA and strict arrays, numbered in the order they start).
TEST(Amf0Decode, ReferencesResolveToEarlierObjects) {
  // [ {a: null}, ref 1 ]: the strict array is index 0, the object index 1.
  auto all = decode(hex("0A 00 00 00 02  03 00 01 61 05 00 00 09  07 00 01"));
  ASSERT_TRUE(all.ok()) << all.error;
  ASSERT_EQ(all.value.items().size(), 2u);
  EXPECT_EQ(all.value.items()[1], all.value.items()[0]);
  EXPECT_EQ(all.value.items()[1], Value::object({{"a", Value::null()}}));
}

TEST(Amf0Decode, ReferenceToNothingOrToAnEnclosingObjectIsInvalid) {
  auto nothing = decode(hex("07 00 00"));
  EXPECT_TRUE(nothing.invalid());
  EXPECT_NE(nothing.error.find("to nothing"), std::string::npos) << nothing.error;
  auto out_of_range = decode(hex("0A 00 00 00 02  03 00 00 09  07 00 05"));
  EXPECT_TRUE(out_of_range.invalid());
  // An object that refers to itself would be a cycle.
  auto cycle = decode(hex("03  00 01 61 07 00 00  00 00 09"));
  EXPECT_TRUE(cycle.invalid());
  EXPECT_NE(cycle.error.find("contains it"), std::string::npos) << cycle.error;
}

TEST(Amf0Decode, ReferencesCannotAmplifyPastTheElementLimit) {
  // One strict array of 1000 nulls referenced 100 times would expand to
  // 100 000 values: more than the limit, while the input stays small.
  Bytes input = cat({hex("0A 00 00 00 65"),  // outer strict array of 101
                     hex("0A 00 00 03 E8"), repeat(hex("05"), 1000), repeat(hex("07 00 01"), 100)});
  auto result = decode(input, Limits{64, 50'000});
  EXPECT_TRUE(result.invalid());
  EXPECT_NE(result.error.find("values"), std::string::npos) << result.error;
  // The same input is fine when the limit allows it.
  auto allowed = decode(input, Limits{64, 200'000});
  ASSERT_TRUE(allowed.ok()) << allowed.error;
  EXPECT_EQ(allowed.value.items().size(), 101u);
  EXPECT_EQ(allowed.value.items()[100].items().size(), 1000u);
}

// Text counts string values and property names, each copy a reference makes
// included. [ {a: "xyz"}, ref 1, ref 1 ] holds 3 x (1 + 3) = 12 bytes of text
// (§2.12 strict array of 3, §2.5 object, §2.4 string, §2.9 reference).
const Bytes kThreeObjectsOfFourTextBytes =
    hex("0A 00 00 00 03"
        "  03  00 01 61  02 00 03 78 79 7A  00 00 09"  // {a: "xyz"}
        "  07 00 01  07 00 01");                       // ref 1, ref 1

TEST(Amf0Decode, OutputLimitCountsTextCopiedByReferencesExactly) {
  const Bytes& input = kThreeObjectsOfFourTextBytes;
  auto exact = decode(input, Limits{.max_output_bytes = 12});
  ASSERT_TRUE(exact.ok()) << exact.error;
  ASSERT_EQ(exact.value.items().size(), 3u);
  EXPECT_EQ(exact.value.items()[2].find("a")->as_string(), "xyz");
  auto short_by_one = decode(input, Limits{.max_output_bytes = 11});
  EXPECT_TRUE(short_by_one.invalid());
  EXPECT_NE(short_by_one.error.find("output limit of 11 bytes"), std::string::npos)
      << short_by_one.error;
  // Without references the same text in one object is 4 bytes.
  EXPECT_TRUE(
      decode(hex("03 00 01 61 02 00 03 78 79 7A 00 00 09"), Limits{.max_output_bytes = 4}).ok());
  EXPECT_TRUE(decode(hex("03 00 01 61 02 00 03 78 79 7A 00 00 09"), Limits{.max_output_bytes = 3})
                  .invalid());
  // decode_all shares the budget across the message: "ab" then "cd" is 4 bytes.
  const Bytes two = hex("02 00 02 61 62  02 00 02 63 64");
  EXPECT_TRUE(decode_all(two, Limits{.max_output_bytes = 4}).ok());
  EXPECT_TRUE(decode_all(two, Limits{.max_output_bytes = 3}).invalid());
  // A long string (§2.14) is charged too; a typed object's class name (§2.18)
  // is dropped, so it is not.
  EXPECT_TRUE(decode(hex("0C 00 00 00 03 61 62 63"), Limits{.max_output_bytes = 2}).invalid());
  EXPECT_TRUE(
      decode(hex("10 00 03 46 6F 6F  00 01 61 05  00 00 09"), Limits{.max_output_bytes = 1}).ok());
}

TEST(Amf0Decode, DefaultOutputLimitIsAMultipleOfTheInput) {
  // One object holding 100 000 bytes of text, referenced 10 times: the input is
  // ~100 KB, the references would make ~1.1 MB of text, past 4 x the input.
  Bytes big_string = cat({hex("0C 00 01 86 A0"), repeat(hex("41"), 100'000)});
  const Bytes input = cat({hex("0A 00 00 00 0B  03 00 01 73"), big_string, hex("00 00 09"),
                           repeat(hex("07 00 01"), 10)});
  auto refused = decode(input);
  EXPECT_TRUE(refused.invalid());
  const std::size_t automatic = kAutoOutputFactor * input.size();
  EXPECT_NE(refused.error.find("output limit of " + std::to_string(automatic) + " bytes"),
            std::string::npos)
      << refused.error;
  // Three references stay within 4 x the input: accepted by default.
  const Bytes fewer = cat({hex("0A 00 00 00 04  03 00 01 73"), big_string, hex("00 00 09"),
                           repeat(hex("07 00 01"), 3)});
  auto accepted = decode(fewer);
  ASSERT_TRUE(accepted.ok()) << accepted.error;
  EXPECT_EQ(accepted.value.items()[3].find("s")->as_string().size(), 100'000u);
  // A tiny message still gets kMinAutoOutputBytes: 100 references to a
  // 100-byte string are fine.
  const Bytes small = cat({hex("0A 00 00 00 65  03 00 01 73 02 00 64"), repeat(hex("42"), 100),
                           hex("00 00 09"), repeat(hex("07 00 01"), 100)});
  EXPECT_TRUE(decode(small).ok());
}

// Every fixture cut short at each byte offset: always Invalid (AMF travels in
// whole messages), with a reason, never a crash.
TEST(Amf0Decode, EveryTruncationIsInvalidWithAReason) {
  const Bytes fixtures[] = {
      kNumberOne,
      kStringConnect,
      kObjectAppLive,
      hex("01 01"),
      hex("08 00 00 00 01  00 01 61  00 3F F0 00 00 00 00 00 00  00 00 09"),
      hex("0A 00 00 00 02  00 3F F0 00 00 00 00 00 00  02 00 01 61"),
      hex("0B 3F F0 00 00 00 00 00 00 00 00"),
      hex("0C 00 00 00 02 61 62"),
      hex("10 00 03 46 6F 6F  00 01 61 05  00 00 09"),
      hex("0A 00 00 00 02  03 00 01 61 05 00 00 09  07 00 01"),
  };
  for (const Bytes& full : fixtures) {
    ASSERT_TRUE(decode(full).ok());
    for (std::size_t cut = 0; cut < full.size(); ++cut) {
      auto r = decode(std::span(full).first(cut));
      EXPECT_TRUE(r.invalid()) << "cut at " << cut;
      EXPECT_FALSE(r.error.empty()) << "cut at " << cut;
    }
  }
}

TEST(Amf0Decode, NestingBombIsInvalidNotAStackOverflow) {
  constexpr std::size_t kDepth = 10'000;
  // 10 000 objects each holding the next under name "a", closed properly.
  const Bytes objects =
      cat({repeat(hex("03 00 01 61"), kDepth), hex("05"), repeat(hex("00 00 09"), kDepth)});
  auto r = decode(objects);
  EXPECT_TRUE(r.invalid());
  EXPECT_NE(r.error.find("nesting"), std::string::npos) << r.error;
  // The same with strict arrays of one element.
  const Bytes arrays = cat({repeat(hex("0A 00 00 00 01"), kDepth), hex("05")});
  EXPECT_TRUE(decode(arrays).invalid());
}

TEST(Amf0Decode, DepthLimitIsExact) {
  auto nested = [](std::size_t depth) {
    return cat({repeat(hex("03 00 01 61"), depth), hex("05"), repeat(hex("00 00 09"), depth)});
  };
  const Limits limits{3, 1000};
  EXPECT_TRUE(decode(nested(3), limits).ok());
  EXPECT_TRUE(decode(nested(4), limits).invalid());
  EXPECT_TRUE(decode(hex("05"), Limits{0, 1}).ok());  // a scalar needs no nesting
}

TEST(Amf0Decode, ElementBombsAreInvalidWithoutHugeAllocations) {
  // A strict array claiming 4 billion values in 5 bytes.
  auto claims = decode(hex("0A FF FF FF FF 05"));
  EXPECT_TRUE(claims.invalid());
  EXPECT_NE(claims.error.find("exceeds the input"), std::string::npos) << claims.error;
  // 100 000 real values: more than the default limit of 65 536.
  auto many = decode(cat({hex("0A 00 01 86 A0"), repeat(hex("05"), 100'000)}));
  EXPECT_TRUE(many.invalid());
  // An ECMA array with 70 000 properties (the count hint says 0).
  auto props =
      decode(cat({hex("08 00 00 00 00"), repeat(hex("00 01 61 05"), 70'000), hex("00 00 09")}));
  EXPECT_TRUE(props.invalid());
  // decode_all shares one budget across the message.
  auto spread = decode_all(repeat(hex("05"), 10), Limits{64, 9});
  EXPECT_TRUE(spread.invalid());
}

TEST(Amf0Decode, AbsurdStringLengthsAreInvalid) {
  auto long_string = decode(hex("0C FF FF FF FF 61 62 63"));
  EXPECT_TRUE(long_string.invalid());
  EXPECT_NE(long_string.error.find("exceeds the input"), std::string::npos) << long_string.error;
  EXPECT_TRUE(decode(hex("02 FF FF 61 62 63")).invalid());
  EXPECT_TRUE(decode(hex("03 FF FF 61 05 00 00 09")).invalid());  // property name
  EXPECT_TRUE(decode(hex("0F 80 00 00 00 61")).invalid());        // XML document
}

TEST(Amf0RoundTrip, EveryTypeSurvivesEncodeThenDecode) {
  const Value value = Value::ecma_array({
      {"duration", Value::number(12.5)},
      {"width", Value::number(1920)},
      {"stereo", Value::boolean(true)},
      {"encoder", Value::string("Lavf59.27.100")},
      {"nothing", Value::null()},
      {"unset", Value::undefined()},
      {"when", Value::date(1.7e12)},
      {"keyframes", Value::object({
                        {"times", Value::strict_array({Value::number(0), Value::number(2)})},
                        {"filepositions", Value::strict_array({Value::number(13)})},
                    })},
  });
  const Value values[] = {Value::string("onMetaData"), value, Value::number(-0.25),
                          Value::string(std::string(70000, 'y'))};
  const Bytes bytes = encode_all(values);
  auto back = decode_all(bytes);
  ASSERT_TRUE(back.ok()) << back.error;
  ASSERT_EQ(back.value.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(back.value[i], values[i]) << "value " << i;
  EXPECT_EQ(back.consumed, bytes.size());
}

TEST(Amf0Value, Accessors) {
  Value obj = Value::object({{"a", Value::number(1)}, {"b", Value::string("x")}});
  EXPECT_TRUE(obj.is_object_like());
  EXPECT_EQ(obj.find("b")->as_string(), "x");
  EXPECT_EQ(obj.find("missing"), nullptr);
  obj.set("a", Value::number(2));  // replaces in place
  obj.set("c", Value::null());     // appends
  ASSERT_EQ(obj.properties().size(), 3u);
  EXPECT_EQ(obj.properties()[0].first, "a");
  EXPECT_EQ(obj.properties()[0].second.as_number(), 2);
  EXPECT_EQ(obj.properties()[2].first, "c");

  const Value num = Value::number(5);
  EXPECT_EQ(num.as_number(), 5);
  EXPECT_EQ(num.as_string(), "");
  EXPECT_EQ(num.as_boolean(true), true);  // fallback: not a boolean
  EXPECT_TRUE(num.properties().empty());
  EXPECT_TRUE(num.items().empty());
  EXPECT_EQ(num.find("a"), nullptr);
  EXPECT_EQ(Value::string("s").as_number(-1), -1);
  EXPECT_TRUE(Value::null().is_null_or_undefined());
  EXPECT_TRUE(Value().is_null_or_undefined());
  EXPECT_FALSE(Value::number(0).is_null_or_undefined());

  Value scalar = Value::boolean(true);
  scalar.set("x", Value::null());  // not an object: unchanged
  EXPECT_EQ(scalar, Value::boolean(true));
  scalar.properties().emplace_back("y", Value::null());  // discarded scratch
  EXPECT_TRUE(std::as_const(scalar).properties().empty());

  // Object and ECMA array are different types even with the same properties.
  EXPECT_NE(Value::object({}), Value::ecma_array({}));
  EXPECT_NE(Value::number(1), Value::date(1));
}

TEST(Amf0WholeNumber, OnlyWholeNumbersInRangeBecomeIntegers) {
  EXPECT_EQ(whole_number(0, 0, 10), 0);
  EXPECT_EQ(whole_number(10, 0, 10), 10);
  EXPECT_EQ(whole_number(4294967295.0, 0, UINT32_MAX), std::int64_t{UINT32_MAX});
  EXPECT_EQ(whole_number(-1, -5, 5), -1);
  // What a peer may send instead of a stream id or a file position:
  EXPECT_EQ(whole_number(-1, 0, 10), std::nullopt);
  EXPECT_EQ(whole_number(11, 0, 10), std::nullopt);
  EXPECT_EQ(whole_number(1.5, 0, 10), std::nullopt);
  EXPECT_EQ(whole_number(3.75e255, 0, UINT32_MAX), std::nullopt);  // the fuzzer's deleteStream id
  EXPECT_EQ(whole_number(std::numeric_limits<double>::quiet_NaN(), 0, 10), std::nullopt);
  EXPECT_EQ(whole_number(std::numeric_limits<double>::infinity(), 0, INT64_MAX), std::nullopt);
  EXPECT_EQ(whole_number(9.3e18, 0, INT64_MAX), std::nullopt);  // past 2^63
}

}  // namespace
}  // namespace streamgate::amf0
