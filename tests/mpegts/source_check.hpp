#pragma once
// Checks of a muxed stream for tests, reported as test failures: what a TS
// analyser sees, and what ffprobe read compared with the packets that went
// in (frame counts, DTS rising per track, PTS >= DTS, every frame's timing
// against its source frame relative to one anchor for both tracks, so A/V
// alignment counts).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "streamgate/media.hpp"
#include "support/media_tools.hpp"
#include "ts_scanner.hpp"

namespace streamgate::mpegts::test {

// Where the reader's view of the stream begins.
enum class Join : std::uint8_t {
  Invalid = 0,
  // Every source frame (a bus consumer there before the publisher).
  Complete,
  // From the first video keyframe: an HTTP-TS client there before the
  // publisher starts at the first keyframe unit, so audio before the first
  // video frame may be missing, nothing else.
  FirstKeyframe,
  // From a later video keyframe: a client that joined a live stream.
  LaterKeyframe,
};

struct SourceMatch {
  std::size_t video_skipped = 0;  // source frames before the join
  std::size_t audio_skipped = 0;
  double worst_error_s = 0;  // largest PTS or DTS difference from the source
};

// What a TS analyser checks (TR 101 290 first priority, and the issue's
// limits): no scanner errors, PCRs at most 100 ms apart, PAT/PMT at most
// 500 ms apart.
void expect_clean_transport(const TsScan& scan);

// Each track must be a suffix of its source track: the video suffix starts at
// a keyframe; audio frames are missing only before that keyframe, and the
// first one read is within `tolerance_s` of it.
SourceMatch expect_matches_source(const std::vector<streamgate::test::ProbePacket>& probed,
                                  const std::vector<PacketPtr>& source, Join join,
                                  double tolerance_s = 0.1);

}  // namespace streamgate::mpegts::test
