#include "annex_b.hpp"

#include <array>
#include <string>

namespace streamgate::mpegts {
namespace {

constexpr std::array<std::byte, 4> kStartCode{std::byte{0}, std::byte{0}, std::byte{0},
                                              std::byte{1}};

}  // namespace

std::uint32_t read_be(std::span<const std::byte> bytes, std::size_t size) noexcept {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < size; ++i) value = (value << 8) | static_cast<std::uint8_t>(bytes[i]);
  return value;
}

Parsed<std::size_t> split_length_prefixed(std::span<const std::byte> frame, std::size_t length_size,
                                          std::vector<ByteSpan>& nal_units) {
  using Result = Parsed<std::size_t>;
  nal_units.clear();
  if (length_size < 1 || length_size > 4)
    return Result::fail("NAL length size must be 1, 2 or 4 bytes");
  std::size_t at = 0;
  while (at < frame.size()) {
    if (frame.size() - at < length_size)
      return Result::fail("NAL unit length field cut short at byte " + std::to_string(at));
    const std::size_t length = read_be(frame.subspan(at), length_size);
    at += length_size;
    if (length > frame.size() - at)
      return Result::fail("NAL unit length " + std::to_string(length) + " overruns the frame (" +
                          std::to_string(frame.size() - at) + " bytes left)");
    if (length == 0) continue;
    if (nal_units.size() == kMaxNalUnitsPerAccessUnit)
      return Result::fail("too many NAL units in one frame");
    nal_units.push_back(frame.subspan(at, length));
    at += length;
  }
  return Result::done(frame.size(), nal_units.size());
}

Parsed<AccessUnitInfo> to_annex_b(std::span<const std::byte> frame, const VideoConfig& config,
                                  bool keyframe, const NalSyntax& syntax,
                                  std::vector<ByteSpan>& pieces, std::vector<ByteSpan>& scratch) {
  using Result = Parsed<AccessUnitInfo>;
  auto split = split_length_prefixed(frame, config.length_size, scratch);
  if (!split.ok()) return Result::fail(std::move(split.error));

  AccessUnitInfo info;
  bool has_parameter_sets = false;
  bool has_content = false;
  for (const auto& nal : scratch) {
    const std::uint8_t type = syntax.type(nal[0]);
    if (syntax.is_delimiter(type)) continue;
    has_content = true;
    has_parameter_sets = has_parameter_sets || syntax.is_parameter_set(type);
    info.random_access = info.random_access || syntax.is_random_access(type);
  }
  if (!has_content) return Result::fail("frame holds no NAL unit");

  auto add = [&](ByteSpan nal) {
    pieces.push_back(kStartCode);
    pieces.push_back(nal);
    info.size += kStartCode.size() + nal.size();
  };
  add(syntax.access_unit_delimiter);
  if ((info.random_access || keyframe) && !has_parameter_sets)
    for (const auto& parameter_set : config.parameter_sets) add(parameter_set);
  for (const auto& nal : scratch)
    if (!syntax.is_delimiter(syntax.type(nal[0]))) add(nal);
  return Result::done(frame.size(), info);
}

}  // namespace streamgate::mpegts
