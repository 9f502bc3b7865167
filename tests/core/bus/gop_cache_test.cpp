// What a late joiner is replayed: newest metadata, newest config per track
// kind, then the packets since the last video (or mux) keyframe.

#include "bus/gop_cache.hpp"

#include <gtest/gtest.h>

#include "core/bus/packets.hpp"

namespace streamgate::bus {
namespace {

using namespace streamgate::test;  // packet makers and drain helpers
using std::chrono::milliseconds;

std::vector<PacketPtr> replayed(const GopCache& cache) {
  std::vector<PacketPtr> out;
  cache.replay([&](const PacketPtr& packet) { out.push_back(packet); });
  return out;
}

TEST(GopCache, ReplaysNewestSideDataThenTheLastGop) {
  GopCache cache(GopLimits{});
  const auto old_meta = metadata();
  const auto meta = metadata();
  const auto vconfig = video_config();
  const auto aconfig = audio_config();
  const auto k0 = video(milliseconds{0}, true);
  const auto a0 = audio(milliseconds{10});
  const auto k1 = video(milliseconds{40}, true);
  const auto a1 = audio(milliseconds{50});
  const auto p1 = video(milliseconds{80}, false);
  // Audio config first and metadata twice, as encoders send them.
  for (const auto& packet : {old_meta, aconfig, vconfig, meta, k0, a0, k1, a1, p1})
    cache.add(packet);
  EXPECT_EQ(replayed(cache), (std::vector<PacketPtr>{meta, vconfig, aconfig, k1, a1, p1}));
}

TEST(GopCache, AudioBeforeTheFirstKeyframeIsNotCached) {
  GopCache cache(GopLimits{});
  EXPECT_EQ(cache.add(audio(milliseconds{0})), GopCache::AddResult::Ignored);
  EXPECT_EQ(cache.add(video(milliseconds{10}, false)), GopCache::AddResult::Ignored);
  const auto key = video(milliseconds{40}, true);
  EXPECT_EQ(cache.add(key), GopCache::AddResult::Cached);
  EXPECT_EQ(replayed(cache), std::vector<PacketPtr>{key});
}

TEST(GopCache, StreamsWithoutVideoCacheNoGop) {
  GopCache cache(GopLimits{});
  const auto config = audio_config();
  cache.add(config);
  for (int i = 0; i < 10; ++i) cache.add(audio(milliseconds{i * 23}));
  EXPECT_EQ(replayed(cache), std::vector<PacketPtr>{config});
  EXPECT_EQ(cache.gop_packets(), 0u);
}

TEST(GopCache, MuxKeyframesStartAGopLikeVideo) {
  GopCache cache(GopLimits{});
  const auto m0 = mux(milliseconds{0}, true);
  const auto m1 = mux(milliseconds{10}, false);
  const auto m2 = mux(milliseconds{2000}, true);
  const auto m3 = mux(milliseconds{2010}, false);
  for (const auto& packet : {m0, m1, m2, m3}) cache.add(packet);
  EXPECT_EQ(replayed(cache), (std::vector<PacketPtr>{m2, m3}));
}

TEST(GopCache, ByteBoundDropsTheGopUntilTheNextKeyframe) {
  GopCache cache(GopLimits{.max_bytes = 300, .max_duration = milliseconds{60'000}});
  const auto config = video_config();
  cache.add(config);
  cache.add(video(milliseconds{0}, true));
  cache.add(video(milliseconds{40}, false));
  cache.add(video(milliseconds{80}, false));
  EXPECT_EQ(cache.gop_bytes(), 300u);
  EXPECT_EQ(cache.add(video(milliseconds{120}, false)), GopCache::AddResult::Overflowed);
  EXPECT_EQ(replayed(cache), std::vector<PacketPtr>{config});
  EXPECT_EQ(cache.add(video(milliseconds{160}, false)), GopCache::AddResult::Ignored);
  const auto key = video(milliseconds{200}, true);
  cache.add(key);
  EXPECT_EQ(replayed(cache), (std::vector<PacketPtr>{config, key}));
}

TEST(GopCache, DurationBoundDropsTheGop) {
  GopCache cache(GopLimits{.max_bytes = 1u << 30, .max_duration = milliseconds{1000}});
  cache.add(video(milliseconds{0}, true));
  EXPECT_EQ(cache.add(video(milliseconds{1000}, false)), GopCache::AddResult::Cached);
  EXPECT_EQ(cache.add(video(milliseconds{1001}, false)), GopCache::AddResult::Overflowed);
  EXPECT_EQ(cache.gop_packets(), 0u);
}

TEST(GopCache, ClearForgetsEverything) {
  GopCache cache(GopLimits{});
  cache.add(metadata());
  cache.add(video_config());
  cache.add(video(milliseconds{0}, true));
  cache.clear();
  EXPECT_TRUE(replayed(cache).empty());
}

}  // namespace
}  // namespace streamgate::bus
