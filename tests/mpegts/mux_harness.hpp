#pragma once
// Runs the muxer over a packet list and keeps what it produced, for tests.

#include <string>
#include <utility>
#include <vector>

#include "muxer.hpp"
#include "synthetic_stream.hpp"
#include "ts_scanner.hpp"

namespace streamgate::mpegts::test {

struct MuxHarness {
  std::vector<TsUnit> units;
  std::vector<std::pair<MuxProblem, std::string>> problems;
  TsMuxer muxer;

  explicit MuxHarness(MuxerConfig config = {})
      : muxer(
            config, [this](TsUnit&& unit) { units.push_back(std::move(unit)); },
            [this](MuxProblem problem, std::string_view detail) {
              problems.emplace_back(problem, std::string(detail));
            }) {}

  MuxHarness& run(const std::vector<PacketPtr>& packets, bool flush = true) {
    for (const auto& packet : packets) muxer.push(packet);
    if (flush) muxer.flush();
    return *this;
  }

  std::vector<std::byte> bytes() const {
    std::vector<std::byte> out;
    for (const auto& unit : units)
      out.insert(out.end(), unit.packets.span().begin(), unit.packets.span().end());
    return out;
  }

  TsScan scan() const { return scan_ts(bytes()); }

  std::size_t count(MuxProblem problem) const {
    std::size_t n = 0;
    for (const auto& [p, detail] : problems) n += p == problem;
    return n;
  }
};

// PTS/DTS the muxer must write for source time `t` with the default 700 ms
// decoder delay: 90 kHz ticks, modulo 2^33 (ISO/IEC 13818-1 §2.4.3.7).
inline std::uint64_t expected_90khz(MediaTime t, MediaTime delay = std::chrono::milliseconds(700)) {
  return static_cast<std::uint64_t>((t + delay).count()) * 9 / 100 % (std::uint64_t{1} << 33);
}

// ADTS frames in an elementary stream (sync 0xFFF, 13-bit aac_frame_length).
inline std::size_t count_adts_frames(const std::vector<std::byte>& es) {
  std::size_t count = 0, at = 0;
  while (at + 7 <= es.size()) {
    const auto b = [&](std::size_t i) { return std::to_integer<unsigned>(es[at + i]); };
    if (b(0) != 0xFF || (b(1) & 0xF0) != 0xF0) return SIZE_MAX;
    const std::size_t length = ((b(3) & 0x3) << 11) | (b(4) << 3) | (b(5) >> 5);
    if (length < 7) return SIZE_MAX;
    at += length;
    ++count;
  }
  return at == es.size() ? count : SIZE_MAX;
}

inline std::uint16_t pid_of(std::span<const std::byte> packet) {
  return static_cast<std::uint16_t>(((std::to_integer<unsigned>(packet[1]) & 0x1F) << 8) |
                                    std::to_integer<unsigned>(packet[2]));
}

}  // namespace streamgate::mpegts::test
