// The AMF0 decoder's memory against reference amplification, measured with a
// counting allocator: this executable replaces the global operator new/delete
// (for the whole process, the core library included), so the peak of live
// heap bytes during one decode call is known exactly.
//
// The attack (found by the RTMP engineer): one object holding a 1 MB long
// string, then 200 references to it (AMF0 §2.9). The message is ~1 MB; each
// reference used to copy the string again, 200 MB in all.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "format/test_bytes.hpp"
#include "streamgate/format/amf0.hpp"

namespace {

std::atomic<std::size_t> g_live_bytes{0};
std::atomic<std::size_t> g_peak_bytes{0};

// Each block carries its size in a header, aligned for any fundamental type.
constexpr std::size_t kHeader = alignof(std::max_align_t);

void* counted_alloc(std::size_t size) noexcept {
  void* block = std::malloc(size + kHeader);
  if (!block) return nullptr;
  *static_cast<std::size_t*>(block) = size;
  const std::size_t live = g_live_bytes.fetch_add(size) + size;
  std::size_t peak = g_peak_bytes.load();
  while (live > peak && !g_peak_bytes.compare_exchange_weak(peak, live)) {
  }
  return static_cast<char*>(block) + kHeader;
}

void counted_free(void* p) noexcept {
  if (!p) return;
  void* block = static_cast<char*>(p) - kHeader;
  g_live_bytes.fetch_sub(*static_cast<std::size_t*>(block));
  std::free(block);
}

// Peak heap bytes above the live bytes at the start of `run`.
template <class Run>
std::size_t peak_during(Run run) {
  const std::size_t base = g_live_bytes.load();
  g_peak_bytes.store(base);
  run();
  return g_peak_bytes.load() - base;
}

}  // namespace

void* operator new(std::size_t size) {
  if (void* p = counted_alloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return counted_alloc(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return counted_alloc(size);
}
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { counted_free(p); }

namespace streamgate::amf0 {
namespace {

using test::Bytes;
using test::cat;
using test::hex;
using test::repeat;

constexpr std::size_t kStringBytes = 1'000'000;
constexpr std::size_t kReferences = 200;

// [ {s: <1 MB long string>}, ref 1 x 200 ]: the strict array is reference
// index 0, the object index 1 (§2.9 numbering).
Bytes amplification_attack() {
  return cat({hex("0A 00 00 00 C9"),                // strict array of 201 (§2.12)
              hex("03  00 01 73  0C 00 0F 42 40"),  // object, "s": long string of 1 000 000 (§2.14)
              repeat(hex("41"), kStringBytes),      //
              hex("00 00 09"),                      // object end (§2.11)
              repeat(hex("07 00 01"), kReferences)});  // reference 1 (§2.9)
}

TEST(Amf0Memory, CountingAllocatorSeesTheDecodersAllocations) {
  // The measurement itself must be able to fail: decoding the string once
  // allocates at least its bytes.
  const Bytes one = cat({hex("0C 00 0F 42 40"), repeat(hex("41"), kStringBytes)});
  const std::size_t peak = peak_during([&] { EXPECT_TRUE(decode(one).ok()); });
  EXPECT_GE(peak, kStringBytes);
}

TEST(Amf0Memory, ReferenceAmplificationStaysWithinTheDefaultOutputLimit) {
  const Bytes input = amplification_attack();
  Parsed<Value> result;
  const std::size_t peak = peak_during([&] { result = decode(input); });
  EXPECT_TRUE(result.invalid());
  EXPECT_NE(result.error.find("output limit"), std::string::npos) << result.error;
  // Text is bounded by 4 x the input; values and error strings add little.
  const std::size_t bound = kAutoOutputFactor * input.size() + (256u << 10);
  EXPECT_LE(peak, bound) << "peak " << peak << " bytes for a " << input.size() << "-byte input";
  EXPECT_LT(peak, kReferences * kStringBytes / 10);  // far from the 200 MB it used to reach
}

TEST(Amf0Memory, AnExplicitOutputLimitBoundsPeakMemory) {
  const Bytes input = amplification_attack();
  constexpr std::size_t kLimit = 1536u << 10;  // room for the string once, not twice
  Parsed<Value> result;
  const std::size_t peak =
      peak_during([&] { result = decode(input, Limits{.max_output_bytes = kLimit}); });
  EXPECT_TRUE(result.invalid());
  EXPECT_LE(peak, kLimit + (256u << 10));
  // decode_all, as RTMP commands and FLV script tags use it, is bounded the same way.
  Parsed<std::vector<Value>> all;
  const std::size_t peak_all =
      peak_during([&] { all = decode_all(input, Limits{.max_output_bytes = kLimit}); });
  EXPECT_TRUE(all.invalid());
  EXPECT_LE(peak_all, kLimit + (256u << 10));
}

TEST(Amf0Memory, LegitimateMetadataDecodesWithinTheDefaults) {
  // An onMetaData with a 2000-entry keyframe index, as the FLV recorder writes it.
  Array times, positions;
  for (int i = 0; i < 2000; ++i) {
    times.push_back(Value::number(i * 2.0));
    positions.push_back(Value::number(1000.0 + i * 500'000.0));
  }
  const Value values[] = {
      Value::string("onMetaData"),
      Value::ecma_array(
          {{"duration", Value::number(4000)},
           {"encoder", Value::string("Lavf59.27.100")},
           {"keyframes", Value::object({{"filepositions", Value::strict_array(positions)},
                                        {"times", Value::strict_array(times)}})}})};
  const auto bytes = encode_all(values);
  auto back = decode_all(bytes);
  ASSERT_TRUE(back.ok()) << back.error;
  EXPECT_EQ(back.value[1], values[1]);
}

}  // namespace
}  // namespace streamgate::amf0
