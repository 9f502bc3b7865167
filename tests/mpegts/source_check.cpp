#include "source_check.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace streamgate::mpegts::test {
namespace {

using streamgate::test::ProbePacket;

double seconds(MediaTime t) { return static_cast<double>(t.count()) / 1e6; }

// How many source frames a reader missed; npos when the probed track cannot
// be a suffix of the source track.
std::size_t skipped_frames(std::size_t probed, std::size_t source, bool complete,
                           const char* name) {
  if (complete) {
    EXPECT_EQ(probed, source) << name << " frame count";
    return probed == source ? 0 : std::string::npos;
  }
  EXPECT_LE(probed, source) << name << " frames: more than the source has";
  return probed <= source ? source - probed : std::string::npos;
}

}  // namespace

void expect_clean_transport(const TsScan& scan) {
  EXPECT_GT(scan.packets, 0u);
  EXPECT_TRUE(scan.errors.empty())
      << scan.errors.size() << " errors, the first: " << scan.errors.front();
  EXPECT_LE(scan.max_pcr_gap, 100u * 27'000) << ms_27mhz(scan.max_pcr_gap) << " ms";
  EXPECT_LE(scan.max_pat_gap, 500u * 27'000) << ms_27mhz(scan.max_pat_gap) << " ms";
}

SourceMatch expect_matches_source(const std::vector<ProbePacket>& probed,
                                  const std::vector<PacketPtr>& source, Join join,
                                  double tolerance_s) {
  std::vector<PacketPtr> source_video, source_audio;
  for (const auto& p : source) {
    if (p->config) continue;
    if (p->kind == TrackKind::Video) source_video.push_back(p);
    if (p->kind == TrackKind::Audio) source_audio.push_back(p);
  }
  std::vector<ProbePacket> video, audio;
  for (const auto& p : probed) (p.codec_type == "video" ? video : audio).push_back(p);

  SourceMatch match;
  const bool has_video = !source_video.empty();
  match.video_skipped =
      skipped_frames(video.size(), source_video.size(), join != Join::LaterKeyframe, "video");
  match.audio_skipped = skipped_frames(audio.size(), source_audio.size(),
                                       join == Join::Complete || !has_video, "audio");
  if (match.video_skipped == std::string::npos || match.audio_skipped == std::string::npos)
    return match;
  if (has_video ? video.empty() : audio.empty()) {
    ADD_FAILURE() << "no " << (has_video ? "video" : "audio") << " frames read";
    return match;
  }

  // One anchor for both tracks: the first video frame read (or audio, if none).
  const double probe_anchor = has_video ? video[0].dts : audio[0].dts;
  const auto& anchor =
      has_video ? source_video[match.video_skipped] : source_audio[match.audio_skipped];
  const double source_anchor = seconds(anchor->dts);
  if (has_video) {
    EXPECT_TRUE(video[0].keyframe) << "the first video frame read is not a keyframe";
    EXPECT_TRUE(anchor->keyframe) << "the video starts at source frame " << match.video_skipped
                                  << ", which is not a keyframe";
  }
  if (has_video && match.audio_skipped > 0) {
    const double last_missing = seconds(source_audio[match.audio_skipped - 1]->dts) - source_anchor;
    EXPECT_LT(last_missing, 0) << "audio " << last_missing
                               << " s after the video keyframe is missing";
    if (!audio.empty()) {
      const double first = seconds(source_audio[match.audio_skipped]->dts) - source_anchor;
      EXPECT_LE(first, tolerance_s) << "audio starts " << first << " s after the video keyframe";
    }
  }

  auto check_track = [&](const std::vector<ProbePacket>& probe, const std::vector<PacketPtr>& src,
                         std::size_t skipped, const char* name) {
    for (std::size_t i = 0; i < probe.size(); ++i) {
      const auto& from = *src[skipped + i];
      if (i > 0) {
        EXPECT_GT(probe[i].dts, probe[i - 1].dts) << name << " DTS not increasing at " << i;
      }
      EXPECT_GE(probe[i].pts, probe[i].dts) << name << " " << i;
      const double dts_error = (probe[i].dts - probe_anchor) - (seconds(from.dts) - source_anchor);
      const double pts_error = (probe[i].pts - probe_anchor) - (seconds(from.pts) - source_anchor);
      match.worst_error_s =
          std::max({match.worst_error_s, std::abs(dts_error), std::abs(pts_error)});
      EXPECT_LE(std::abs(dts_error), tolerance_s) << name << " " << i << " DTS";
      EXPECT_LE(std::abs(pts_error), tolerance_s) << name << " " << i << " PTS";
    }
  };
  check_track(video, source_video, match.video_skipped, "video");
  check_track(audio, source_audio, match.audio_skipped, "audio");
  return match;
}

}  // namespace streamgate::mpegts::test
