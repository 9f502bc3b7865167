#pragma once
// What the H.264 and HEVC config targets share: a decoder configuration
// record at the front of the input, the rest of the input used as one
// length-prefixed access unit, both checked the same way.

#include <algorithm>
#include <vector>

#include "annex_b.hpp"
#include "fuzz_support.hpp"

namespace streamgate::fuzz {

using ConfigParser = Parsed<mpegts::VideoConfig> (*)(std::span<const std::byte>);

// Invariants: a parsed record's parameter sets lie inside the bytes it
// consumed and its NAL length size is 1, 2 or 4; the Annex B form of a frame
// is start code + AUD first, then start code + NAL unit pairs whose sizes add
// up to the reported size, with the record's parameter sets in front of a
// random access point that carries none; a refused frame leaves the output
// untouched.
inline void check_video_config(Bytes input, ConfigParser parse, const mpegts::NalSyntax& syntax,
                               std::size_t min_parameter_sets) {
  auto config = parse(input);
  if (config.invalid()) {
    FUZZ_CHECK(!config.error.empty(), "an invalid record says why");
    return;
  }
  FUZZ_CHECK(config.ok(), "a record is whole or invalid");
  const auto& c = config.value;
  FUZZ_CHECK(config.consumed <= input.size(), "a record lies inside the input");
  FUZZ_CHECK(c.length_size == 1 || c.length_size == 2 || c.length_size == 4, "NAL lengths of 1, 2 or 4 bytes");
  FUZZ_CHECK(c.parameter_sets.size() >= min_parameter_sets, "every required parameter set is there");
  for (const auto& ps : c.parameter_sets) {
    FUZZ_CHECK(!ps.empty(), "no empty parameter set");
    FUZZ_CHECK(ps.data() >= input.data() && ps.data() + ps.size() <= input.data() + config.consumed,
               "parameter sets lie inside the record");
  }

  const Bytes frame = input.subspan(config.consumed);
  for (bool keyframe : {false, true}) {
    std::vector<mpegts::ByteSpan> pieces(1);  // one piece already there: must stay untouched
    std::vector<mpegts::ByteSpan> scratch;
    auto au = mpegts::to_annex_b(frame, c, keyframe, syntax, pieces, scratch);
    if (au.invalid()) {
      FUZZ_CHECK(!au.error.empty(), "an invalid frame says why");
      FUZZ_CHECK(pieces.size() == 1, "a refused frame leaves the output untouched");
      continue;
    }
    FUZZ_CHECK(au.consumed == frame.size(), "the whole frame is used");
    FUZZ_CHECK(pieces.size() >= 5 && pieces.size() % 2 == 1, "start code + NAL unit pairs, AUD and content");
    std::size_t total = 0;
    bool frame_has_parameter_sets = false;
    for (std::size_t i = 1; i < pieces.size(); i += 2) {
      const auto& start = pieces[i];
      const auto& nal = pieces[i + 1];
      FUZZ_CHECK(start.size() == 4 && start[0] == std::byte{0} && start[1] == std::byte{0} &&
                     start[2] == std::byte{0} && start[3] == std::byte{1},
                 "each NAL unit behind a 4-byte start code");
      FUZZ_CHECK(!nal.empty(), "no empty NAL unit");
      const std::uint8_t type = syntax.type(nal[0]);
      if (i == 1) {
        FUZZ_CHECK(std::ranges::equal(nal, syntax.access_unit_delimiter), "an AUD first");
      } else {
        // The record's parameter sets are copied as they are (their NAL
        // header is the record's business); the frame's own units are checked.
        const bool from_record = std::any_of(c.parameter_sets.begin(), c.parameter_sets.end(),
                                             [&](const auto& ps) { return ps.data() == nal.data(); });
        if (!from_record) {
          FUZZ_CHECK(!syntax.is_delimiter(type), "the frame's own AUDs are dropped");
          frame_has_parameter_sets = frame_has_parameter_sets || syntax.is_parameter_set(type);
        }
      }
      total += start.size() + nal.size();
    }
    FUZZ_CHECK(total == au.value.size, "the reported size is the bytes written");
    if ((au.value.random_access || keyframe) && !frame_has_parameter_sets) {
      FUZZ_CHECK(pieces.size() >= 3 + 2 * c.parameter_sets.size(), "room for the record's parameter sets");
      for (std::size_t k = 0; k < c.parameter_sets.size(); ++k)
        FUZZ_CHECK(pieces[4 + 2 * k].data() == c.parameter_sets[k].data(),
                   "the record's parameter sets right after the AUD");
    }
  }
}

}  // namespace streamgate::fuzz
