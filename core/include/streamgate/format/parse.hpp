#pragma once
// The result shape shared by every byte parser: a status, how many bytes were
// consumed, the value, and a reason when the input is invalid.

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace streamgate {

enum class ParseStatus : std::uint8_t { Invalid = 0, Ok, NeedMore };

template <class T>
struct Parsed {
  ParseStatus status = ParseStatus::Invalid;
  std::size_t consumed = 0;
  T value{};
  std::string error;  ///< why, when status == Invalid

  bool ok() const noexcept { return status == ParseStatus::Ok; }
  bool need_more() const noexcept { return status == ParseStatus::NeedMore; }
  bool invalid() const noexcept { return status == ParseStatus::Invalid; }

  static Parsed done(std::size_t consumed, T value) {
    return Parsed{ParseStatus::Ok, consumed, std::move(value), {}};
  }
  static Parsed more() { return Parsed{ParseStatus::NeedMore, 0, T{}, {}}; }
  static Parsed fail(std::string why) { return Parsed{ParseStatus::Invalid, 0, T{}, std::move(why)}; }
};

}  // namespace streamgate
