// The MPEG-TS muxer (plugins/mpegts TsMuxer) fed arbitrary bus packets:
// codec, flags, timestamps and payload all come from the input (see
// packet_script.hpp), together with lost_media / mark_discontinuity / flush.
//
// Invariants on every unit (ISO/IEC 13818-1): whole 188-byte packets, each
// starting with the sync byte 0x47; no transport_error_indicator and no
// reserved adaptation_field_control; adaptation fields fit their packet
// (§2.4.3.5); per PID the continuity_counter goes up by one on every packet
// with payload and stays put on adaptation-only packets unless
// discontinuity_indicator is set (§2.4.3.3); a PES starts with its start code
// prefix (§2.4.3.6); a keyframe unit opens with PAT, PMT, then the start of
// a PES on its own track; the stats count the units and bytes handed out.

#include <map>

#include "muxer.hpp"
#include "packet_script.hpp"

namespace {

using namespace streamgate;
using namespace streamgate::mpegts;

constexpr std::size_t kPacket = 188;

struct Checker {
  MuxerConfig config;
  std::map<std::uint16_t, std::uint8_t> continuity;  // last counter per PID
  std::uint64_t units = 0;
  std::uint64_t bytes = 0;

  void unit(const TsUnit& u) {
    ++units;
    bytes += u.packets.size();
    FUZZ_CHECK(!u.packets.empty() && u.packets.size() % kPacket == 0, "a unit is whole 188-byte packets");
    FUZZ_CHECK(u.track == TrackKind::Video || u.track == TrackKind::Audio, "a unit belongs to a track");
    const std::uint16_t track_pid = u.track == TrackKind::Video ? config.video_pid : config.audio_pid;
    const std::size_t count = u.packets.size() / kPacket;
    for (std::size_t i = 0; i < count; ++i) {
      const auto p = u.packets.span().subspan(i * kPacket, kPacket);
      const std::uint16_t pid = packet(p, track_pid);
      if (u.keyframe && i == 0) FUZZ_CHECK(pid == 0, "a keyframe unit opens with the PAT");
      if (u.keyframe && i == 1) FUZZ_CHECK(pid == config.pmt_pid, "then the PMT");
      if (u.keyframe && i == 2)
        FUZZ_CHECK(pid == track_pid && (std::to_integer<unsigned>(p[1]) & 0x40), "then the start of its PES");
    }
  }

  // Checks one packet; returns its PID.
  std::uint16_t packet(std::span<const std::byte> p, std::uint16_t track_pid) {
    auto byte = [&](std::size_t i) { return std::to_integer<unsigned>(p[i]); };
    FUZZ_CHECK(byte(0) == 0x47, "each packet starts with the sync byte");
    FUZZ_CHECK((byte(1) & 0x80) == 0, "no transport_error_indicator");
    const bool unit_start = byte(1) & 0x40;
    const auto pid = std::uint16_t((byte(1) & 0x1F) << 8 | byte(2));
    const unsigned afc = (byte(3) >> 4) & 3;
    const std::uint8_t cc = byte(3) & 0x0F;
    FUZZ_CHECK(afc != 0, "adaptation_field_control '00' is reserved");
    bool discontinuity = false;
    std::size_t payload_at = 4;
    if (afc & 2) {
      const std::size_t length = byte(4);
      FUZZ_CHECK(afc == 3 ? length <= 182 : length == 183, "the adaptation field fits the packet");
      if (length > 0) discontinuity = byte(5) & 0x80;
      payload_at = 5 + length;
    }
    const bool has_payload = afc & 1;
    auto last = continuity.find(pid);
    if (last != continuity.end() && !discontinuity) {
      const std::uint8_t expected = has_payload ? (last->second + 1) & 0x0F : last->second;
      FUZZ_CHECK(cc == expected, "continuity_counter steps by one per payload packet");
    }
    continuity[pid] = cc;
    if (pid == track_pid && unit_start && has_payload) {
      FUZZ_CHECK(payload_at + 3 <= kPacket && byte(payload_at) == 0 && byte(payload_at + 1) == 0 &&
                     byte(payload_at + 2) == 1,
                 "a PES starts with packet_start_code_prefix");
    }
    return pid;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Checker checker;
  MuxerConfig config;
  // Small groups and waits, so short inputs reach every path.
  config.audio_group_frames = 3;
  config.track_wait = std::chrono::milliseconds(100);
  checker.config = config;
  TsMuxer muxer(config, [&](TsUnit&& unit) { checker.unit(unit); },
                [](MuxProblem problem, std::string_view detail) {
                  FUZZ_CHECK(problem != MuxProblem::Invalid && !detail.empty(), "a problem is named");
                });
  fuzz::PacketScript script(fuzz::as_bytes(data, size));
  while (auto step = script.next()) {
    if (step->packet) {
      muxer.push(step->packet);
      continue;
    }
    switch (step->call) {
      case fuzz::ScriptCall::LostMedia:
        muxer.lost_media();
        break;
      case fuzz::ScriptCall::MarkDiscontinuity:
        muxer.mark_discontinuity();
        break;
      default:
        muxer.flush();
    }
  }
  muxer.flush();
  FUZZ_CHECK(muxer.stats().units_out == checker.units && muxer.stats().bytes_out == checker.bytes,
             "the stats count what was handed out");
  return 0;
}
