// The HLS segmenter (plugins/hls Segmenter) fed arbitrary units: payload,
// keyframe flag, DTS steps and wall clock steps (backwards too) come from the
// input, with republish, lost media and end of stream in between. Input: a
// script of records, front to back, big-endian:
//
//   op (1 byte)    bits 0-2: 0 unit, 1 keyframe unit, 2 unit and 3 keyframe
//                  unit with the payload made to look like TS (padded to
//                  188-byte packets, sync bytes set, PAT first when key),
//                  4 begin_publish, 5 begin_publish(republish), 6
//                  lost_media, 7 finish
//   dts delta (4)  signed, microseconds
//   wall delta (4) signed, milliseconds
//   length (2)     payload bytes that follow
//   payload
//
// Invariants: every accepted unit ends up in exactly one segment, in order,
// and nothing else does but the PAT+PMT prefix of an earlier keyframe unit;
// a segment is whole TS packets, opens with a keyframe unit or that prefix,
// counts its bytes right, lasts at least 1 ms, and passes the byte limit
// only when one unit alone is larger.

#include <vector>

#include "fuzz_support.hpp"
#include "segmenter.hpp"

namespace {

using namespace streamgate;
using namespace streamgate::hls;

constexpr std::size_t kPacket = 188;

struct Checker {
  SegmenterConfig config;
  std::vector<SharedBytes> accepted;  // in order
  std::vector<SharedBytes> keyframe_units;
  std::size_t emitted = 0;            // accepted units found in segments so far

  void segment(const std::optional<Segment>& s) {
    if (!s) return;
    FUZZ_CHECK(!s->parts.empty(), "a segment holds something");
    FUZZ_CHECK(s->end_reason != CutReason::Invalid, "a segment says why it ended");
    FUZZ_CHECK(s->duration >= std::chrono::milliseconds(1), "a segment lasts at least 1 ms");
    std::size_t bytes = 0;
    std::size_t units = 0;
    for (std::size_t i = 0; i < s->parts.size(); ++i) {
      const SharedBytes& part = s->parts[i];
      FUZZ_CHECK(!part.empty() && part.size() % kPacket == 0, "a segment is whole TS packets");
      for (std::size_t at = 0; at < part.size(); at += kPacket)
        FUZZ_CHECK(part[at] == std::byte{0x47}, "each packet starts with the sync byte");
      bytes += part.size();
      const bool next_unit = emitted < accepted.size() && part.data() == accepted[emitted].data() &&
                             part.size() == accepted[emitted].size();
      if (next_unit) {
        ++emitted;
        ++units;
        continue;
      }
      // Otherwise only the PAT+PMT of an earlier keyframe unit, and only first.
      FUZZ_CHECK(i == 0 && !s->starts_with_keyframe, "only a PSI prefix comes before the units");
      FUZZ_CHECK(part.size() == Segmenter::kPsiPrefixBytes, "the prefix is PAT + PMT");
      bool from_keyframe = false;
      for (const auto& k : keyframe_units) from_keyframe = from_keyframe || part.data() == k.data();
      FUZZ_CHECK(from_keyframe, "the prefix comes from a keyframe unit");
    }
    FUZZ_CHECK(units > 0, "a segment holds at least one unit");
    FUZZ_CHECK(bytes == s->bytes, "a segment counts its bytes");
    if (s->starts_with_keyframe) {
      const auto first = s->parts.front();
      FUZZ_CHECK((std::to_integer<unsigned>(first[1]) & 0x1F) == 0 && first[2] == std::byte{0},
                 "a keyframe segment opens with the PAT");
    }
    if (bytes > config.max_segment_bytes) FUZZ_CHECK(units == 1, "only a single large unit passes the byte limit");
  }
};

SharedBytes ts_like(fuzz::Bytes payload, bool keyframe) {
  std::vector<std::byte> out(payload.begin(), payload.end());
  std::size_t packets = (out.size() + kPacket - 1) / kPacket;
  if (packets == 0 || (keyframe && packets < 3)) packets = keyframe ? 3 : 1;
  out.resize(packets * kPacket);
  for (std::size_t at = 0; at < out.size(); at += kPacket) out[at] = std::byte{0x47};
  if (keyframe) out[1] = out[2] = std::byte{0};  // PID 0: the PAT
  return SharedBytes::copy(out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Checker checker;
  checker.config.fragment = std::chrono::milliseconds(500);
  checker.config.max_fragment = std::chrono::milliseconds(1500);
  checker.config.max_segment_bytes = 8 * kPacket;
  Segmenter segmenter(checker.config);

  fuzz::ScriptReader in(fuzz::as_bytes(data, size));
  MediaTime dts{0};
  WallTime now{std::chrono::hours(24 * 365 * 50)};
  while (!in.at_end()) {
    const std::uint8_t op = in.u8() & 7;
    dts += std::chrono::microseconds(in.i32());
    now += std::chrono::milliseconds(in.i32());
    const fuzz::Bytes raw = in.bytes(in.u16());
    switch (op) {
      case 4:
      case 5:
        checker.segment(segmenter.begin_publish(op == 5));
        break;
      case 6:
        checker.segment(segmenter.lost_media());
        break;
      case 7:
        checker.segment(segmenter.finish());
        break;
      default: {
        const bool keyframe = op & 1;
        const SharedBytes payload = op >= 2 ? ts_like(raw, keyframe) : SharedBytes::copy(raw);
        auto result = segmenter.push(dts, keyframe, payload, now);
        FUZZ_CHECK(result.status != UnitStatus::Invalid, "every unit gets a status");
        // A segment the unit closed holds only earlier units.
        checker.segment(result.completed);
        if (result.status == UnitStatus::Accepted) {
          checker.accepted.push_back(payload);
          if (keyframe) checker.keyframe_units.push_back(payload);
        }
      }
    }
  }
  checker.segment(segmenter.finish());
  FUZZ_CHECK(checker.emitted == checker.accepted.size(), "every accepted unit ends up in a segment");
  FUZZ_CHECK(!segmenter.has_open_segment(), "finish leaves no segment open");
  return 0;
}
