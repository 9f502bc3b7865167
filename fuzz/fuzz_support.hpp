#pragma once
// Helpers shared by the fuzz targets: invariant checks that abort (so
// libFuzzer saves the input), a deterministic way to cut one input into the
// pieces a socket might deliver, and a front-to-back reader for the targets
// whose input is a script of records rather than raw protocol bytes.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <span>
#include <vector>

namespace streamgate::fuzz {

using Bytes = std::span<const std::byte>;

inline Bytes as_bytes(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const std::byte*>(data), size};
}

[[noreturn]] inline void invariant_failed(const char* condition, const char* why, const char* file,
                                          int line) {
  std::fprintf(stderr, "%s:%d: invariant broken: %s (%s)\n", file, line, why, condition);
  std::abort();
}

// Checked in every build type (assert() vanishes under NDEBUG).
#define FUZZ_CHECK(condition, why)                                                      \
  do {                                                                                  \
    if (!(condition)) ::streamgate::fuzz::invariant_failed(#condition, why, __FILE__, __LINE__); \
  } while (0)

// Cuts `input` into pieces of 1 to `max_piece` bytes, the lengths drawn from
// a PRNG seeded by the input itself: the same input always splits the same
// way (a crash reproduces), and different inputs hit different boundaries.
// Feeding the pieces one after the other must give what feeding the whole
// input at once gives.
inline std::vector<Bytes> split_like_a_socket(Bytes input, std::size_t max_piece = 300) {
  std::uint64_t state = 0x9E3779B97F4A7C15ull ^ input.size();
  for (std::size_t i = 0; i < input.size(); i += 61) state = state * 31 + std::to_integer<std::uint8_t>(input[i]);
  auto next = [&state] {  // xorshift64*
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1Dull;
  };
  std::vector<Bytes> pieces;
  for (std::size_t at = 0; at < input.size();) {
    const std::uint64_t roll = next();
    // One piece in four is a single byte: the cut-at-every-offset case.
    std::size_t length = (roll & 3) == 0 ? 1 : 1 + (roll >> 8) % max_piece;
    if (length > input.size() - at) length = input.size() - at;
    pieces.push_back(input.subspan(at, length));
    at += length;
  }
  return pieces;
}

// Reads a record script front to back; reading past the end gives zeros and
// empty spans, so every input is a valid script (the tail is simply short).
class ScriptReader {
 public:
  explicit ScriptReader(Bytes input) : input_(input) {}

  bool at_end() const noexcept { return pos_ >= input_.size(); }

  std::uint8_t u8() { return at_end() ? 0 : std::to_integer<std::uint8_t>(input_[pos_++]); }
  std::uint16_t u16() { return std::uint16_t(u8() << 8 | u8()); }
  std::uint32_t u32() { return std::uint32_t(u16()) << 16 | u16(); }
  std::int32_t i32() { return static_cast<std::int32_t>(u32()); }
  // Up to `size` bytes (fewer at the end of the input).
  Bytes bytes(std::size_t size) {
    const std::size_t left = input_.size() - std::min(pos_, input_.size());
    if (size > left) size = left;
    Bytes out = input_.subspan(pos_, size);
    pos_ += size;
    return out;
  }

 private:
  Bytes input_;
  std::size_t pos_ = 0;
};

}  // namespace streamgate::fuzz
