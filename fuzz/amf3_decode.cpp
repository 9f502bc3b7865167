// The RTMP plugin's AMF3 decoder fed arbitrary bytes, alone and behind the
// AMF0 avmplus-object switch (0x11) as a type-17 command carries it.
//
// Invariants: a decoded value re-encodes (AMF3, no references) to bytes that
// decode to the same encoding (a stable round trip, compared as bytes);
// tighter limits never accept what the defaults refuse; the mixed decoder
// agrees with the plain one on an input that starts with the 0x11 switch;
// the text decoded stays within the input, the reference budget
// (Limits::max_reference_bytes) and the "0", "1", ... keys of dense items.

#include <vector>

#include "amf3.hpp"
#include "amf_text.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace streamgate;
using namespace streamgate::rtmp;

std::vector<std::byte> encoded(const amf0::Value& value) {
  std::vector<std::byte> out;
  amf3::encode(value, out);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = fuzz::as_bytes(data, size);
  const amf3::Limits limits;
  auto value = amf3::decode(input, limits);
  if (value.invalid()) FUZZ_CHECK(!value.error.empty(), "an invalid value says why");

  const amf3::Limits tight{8, 256, 4096};
  if (amf3::decode(input, tight).ok()) FUZZ_CHECK(value.ok(), "tighter limits never accept more");

  // The same bytes behind the AMF0 -> AMF3 switch marker.
  std::vector<std::byte> switched{std::byte{0x11}};
  switched.insert(switched.end(), input.begin(), input.end());
  auto mixed = amf3::decode_amf0_or_amf3(switched);
  FUZZ_CHECK(mixed.ok() == value.ok(), "the 0x11 switch decodes what plain AMF3 decodes");
  if (mixed.ok()) FUZZ_CHECK(encoded(mixed.value) == encoded(value.value), "and to the same value");
  auto all = amf3::decode_all_amf0_or_amf3(input);
  if (all.ok()) FUZZ_CHECK(all.consumed == size, "decode_all uses up its input");

  if (!value.ok()) return 0;
  FUZZ_CHECK(value.consumed >= 1 && value.consumed <= size, "a value takes 1 to size bytes");
  // Dense array items become members "0", "1", ...: at most 5 digits each within max_elements.
  FUZZ_CHECK(fuzz::text_bytes(value.value) <= size + limits.max_reference_bytes + 5 * limits.max_elements,
             "references cannot blow the text up past the reference budget");
  const auto first = encoded(value.value);
  auto again = amf3::decode(first, limits);
  FUZZ_CHECK(again.ok(), "what the encoder writes decodes");
  FUZZ_CHECK(again.consumed == first.size(), "the re-decoded value uses all its bytes");
  FUZZ_CHECK(encoded(again.value) == first, "decode -> encode -> decode is stable");
  return 0;
}
