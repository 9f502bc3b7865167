// The shared AMF0 decoder (core/src/format/amf0.cpp) fed arbitrary bytes, as
// command bodies and script data reach it.
//
// Invariants: a decoded message re-encodes to bytes that decode again to the
// same encoding (decode -> encode -> decode round trip; compared as bytes, so
// NaN numbers compare too); decoding under tighter limits never accepts what
// the default limits refuse; decode() of one value agrees with the first value
// of decode_all(); the text decoded (references included) stays within
// Limits::max_output_bytes' automatic bound, 4x the input or 64 KiB.

#include <algorithm>
#include <vector>

#include "amf_text.hpp"
#include "fuzz_support.hpp"
#include "streamgate/format/amf0.hpp"

namespace {

using namespace streamgate;

std::vector<std::byte> encoded(const amf0::Value& value) {
  std::vector<std::byte> out;
  amf0::encode(value, out);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = fuzz::as_bytes(data, size);
  const amf0::Limits limits;
  auto all = amf0::decode_all(input, limits);
  if (all.invalid()) FUZZ_CHECK(!all.error.empty(), "an invalid message says why");

  // What RTMP commands use: the same decoder with a small element budget.
  const amf0::Limits tight{8, 256};
  auto small = amf0::decode_all(input, tight);
  if (small.ok()) FUZZ_CHECK(all.ok(), "tighter limits never accept more");

  auto one = amf0::decode(input, limits);
  if (one.ok()) {
    FUZZ_CHECK(one.consumed >= 1 && one.consumed <= size, "a value takes 1 to size bytes");
  }
  if (!all.ok()) return 0;
  FUZZ_CHECK(all.consumed == size, "decode_all uses up its input");
  std::size_t text = 0;
  for (const auto& v : all.value) text += fuzz::text_bytes(v);
  FUZZ_CHECK(text <= std::max(amf0::kAutoOutputFactor * size, amf0::kMinAutoOutputBytes),
             "references cannot blow the text up past the output bound");
  if (size > 0) {
    FUZZ_CHECK(one.ok() && !all.value.empty(), "a message that decodes has a first value");
    FUZZ_CHECK(encoded(one.value) == encoded(all.value.front()), "decode agrees with decode_all");
  }

  const auto first = amf0::encode_all(all.value);
  auto again = amf0::decode_all(first, limits);
  FUZZ_CHECK(again.ok(), "what the encoder writes decodes");
  FUZZ_CHECK(again.value.size() == all.value.size(), "the round trip keeps the value count");
  FUZZ_CHECK(amf0::encode_all(again.value) == first, "decode -> encode -> decode is stable");
  return 0;
}
