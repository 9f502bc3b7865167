// Segmenter: the cut decision alone.

#include "segmenter.hpp"

#include <gtest/gtest.h>

#include "memory_files.hpp"

namespace streamgate::flvrecord {
namespace {

using namespace test;
using namespace std::chrono_literals;

TEST(Segmenter, DurationLimitCutsOnlyAtVideoKeyframes) {
  Segmenter s({3000ms, 0});
  s.file_started(0);
  const SegmentState late{3500, 1000, true, true};
  EXPECT_TRUE(s.should_cut(video(3500, true), late));
  EXPECT_FALSE(s.should_cut(video(3500, false), late));
  EXPECT_FALSE(s.should_cut(audio(3500), late));  // the stream has video
  EXPECT_FALSE(s.should_cut(video_config(), late));
  const SegmentState early{2999, 1000, true, true};
  EXPECT_FALSE(s.should_cut(video(2999, true), early));
}

TEST(Segmenter, SizeLimit) {
  Segmenter s({0ms, 10'000});
  EXPECT_FALSE(s.should_cut(video(0, true), {100, 9'999, true, true}));
  EXPECT_TRUE(s.should_cut(video(0, true), {100, 10'000, true, true}));
}

TEST(Segmenter, AudioOnlyCutsAtAnyAudioFrame) {
  Segmenter s({1000ms, 0});
  EXPECT_TRUE(s.should_cut(audio(1200), {1200, 10, true, false}));
  EXPECT_FALSE(s.should_cut(audio_config(), {1200, 10, true, false}));
}

TEST(Segmenter, NoLimitsOrAnEmptyFileNeverCut) {
  Segmenter none({0ms, 0});
  EXPECT_FALSE(none.should_cut(video(99'999'000, true), {4'000'000'000u, 1ull << 40, true, true}));
  Segmenter s({1000ms, 1});
  EXPECT_FALSE(s.should_cut(video(5000, true), {5000, 100, false, true}));
}

TEST(Segmenter, DurationCountsFromTheFileStart) {
  Segmenter s({1000ms, 0});
  s.file_started(12'000);  // an appended file continues at 12 s
  EXPECT_FALSE(s.should_cut(video(0, true), {12'500, 10, true, true}));
  EXPECT_TRUE(s.should_cut(video(0, true), {13'000, 10, true, true}));
}

}  // namespace
}  // namespace streamgate::flvrecord
