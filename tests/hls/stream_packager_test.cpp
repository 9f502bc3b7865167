#include "stream_packager.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "ts_units.hpp"

namespace streamgate::hls {
namespace {

using test::ms;
using test::ts_unit;

std::string text_of(const SharedBytes& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

struct Feed {
  explicit Feed(PackagerConfig config = {}) : packager(config, "cam/") {}

  // 25 fps video from `from_ms` for `seconds`, a keyframe at every even second.
  void video(std::int64_t from_ms, int seconds) {
    for (int i = 0; i < seconds * 25; ++i) {
      const std::int64_t dts = from_ms + i * 40;
      const bool key = dts % 2000 == 0;
      collect(packager.push(ms(dts), key, ts_unit(key), wall + ms(dts)));
    }
  }
  void collect(const PackagerChanges& changes) {
    for (const auto& added : changes.added) published.push_back(added.sequence);
    for (const auto sequence : changes.left_playlist) left.insert(sequence);
    for (const auto sequence : changes.expired) expired.insert(sequence);
  }
  std::string text() const { return text_of(packager.playlist_text()); }

  StreamPackager packager;
  WallTime wall{std::chrono::seconds(1'700'000'000)};
  std::vector<std::uint64_t> published;
  std::set<std::uint64_t> left;
  std::set<std::uint64_t> expired;
};

TEST(StreamPackager, HasNoPlaylistBeforeTheFirstSegment) {
  Feed feed;
  feed.collect(feed.packager.begin_publish(false));
  feed.video(0, 1);
  EXPECT_TRUE(feed.packager.playlist_text().empty());
  feed.video(1000, 2);
  ASSERT_EQ(feed.published.size(), 1u);
  EXPECT_NE(feed.text().find("#EXTINF:2.000,\ncam/0.ts\n"), std::string::npos);
}

TEST(StreamPackager, SegmentsThatLeftThePlaylistAreServedUntilTheirGraceEnds) {
  PackagerConfig config;
  config.playlist.max_segments = 3;
  Feed feed(config);
  feed.collect(feed.packager.begin_publish(false));
  feed.video(0, 60);  // 29 segments of 2 s
  ASSERT_EQ(feed.published.size(), 29u);
  ASSERT_FALSE(feed.left.empty());
  ASSERT_FALSE(feed.expired.empty());
  const auto& entries = feed.packager.playlist().entries();
  for (const auto& entry : entries) EXPECT_TRUE(feed.packager.segment(entry.sequence)) << entry.sequence;
  for (const auto sequence : feed.left) {
    const bool listed = std::any_of(entries.begin(), entries.end(),
                                    [&](const auto& entry) { return entry.sequence == sequence; });
    EXPECT_FALSE(listed) << sequence;
    EXPECT_EQ(feed.packager.segment(sequence).has_value(), !feed.expired.contains(sequence)) << sequence;
  }
  // Grace = duration + the longest playlist holding it = 2 + 6 + 2 s: the four
  // segments that left last are still there, the ones before are gone.
  const std::uint64_t first_listed = entries.front().sequence;
  for (std::uint64_t s = first_listed - 4; s < first_listed; ++s) EXPECT_TRUE(feed.packager.segment(s)) << s;
  EXPECT_FALSE(feed.packager.segment(first_listed - 6));
  EXPECT_LE(feed.packager.window().size(), 3u + 5u);
}

TEST(StreamPackager, MemoryStaysBoundedOverALongStream) {
  Feed feed;
  feed.collect(feed.packager.begin_publish(false));
  std::size_t most_bytes = 0;
  for (int minute = 0; minute < 10; ++minute) {
    feed.video(minute * 60'000, 60);
    most_bytes = std::max(most_bytes, feed.packager.window().bytes());
  }
  EXPECT_EQ(feed.published.size(), 299u);
  // 6 listed + about 7 in grace, each 50 units of 1-3 packets.
  EXPECT_LE(feed.packager.window().size(), 14u);
  EXPECT_LE(most_bytes, 14u * 52u * 188u);
}

TEST(StreamPackager, ARepublishKeepsNumberingAndMarksADiscontinuity) {
  Feed feed;
  feed.collect(feed.packager.begin_publish(false));
  feed.video(0, 5);  // segments 0, 1; 4.0 .. 4.96 open
  feed.collect(feed.packager.begin_publish(true));  // publishes segment 2 (1 s)
  feed.video(0, 3);  // the new publisher restarts its clock: segment 3 at 2 s
  EXPECT_EQ(feed.published, (std::vector<std::uint64_t>{0, 1, 2, 3}));
  const auto text = feed.text();
  EXPECT_NE(text.find("#EXTINF:1.000,\ncam/2.ts\n#EXT-X-DISCONTINUITY\n"), std::string::npos) << text;
  EXPECT_NE(text.find("#EXT-X-MEDIA-SEQUENCE:0\n"), std::string::npos);
}

TEST(StreamPackager, EndPublishesTheLastSegmentAndAddsEndlist) {
  Feed feed;
  feed.collect(feed.packager.begin_publish(false));
  feed.video(0, 3);
  feed.collect(feed.packager.end());
  EXPECT_EQ(feed.published.size(), 2u);
  EXPECT_TRUE(feed.text().ends_with("#EXTINF:1.000,\ncam/1.ts\n#EXT-X-ENDLIST\n")) << feed.text();
  EXPECT_TRUE(feed.packager.ended());

  // The publisher returns before the playlist is removed: it goes on.
  feed.collect(feed.packager.begin_publish(true));
  feed.video(0, 3);
  EXPECT_EQ(feed.text().find("ENDLIST"), std::string::npos);
  EXPECT_NE(feed.text().find("cam/1.ts\n#EXT-X-DISCONTINUITY\n"), std::string::npos) << feed.text();
}

TEST(StreamPackager, EndWithoutEndlistWhenConfigured) {
  PackagerConfig config;
  config.endlist_on_end = false;
  Feed feed(config);
  feed.collect(feed.packager.begin_publish(false));
  feed.video(0, 3);
  feed.collect(feed.packager.end());
  EXPECT_TRUE(feed.text().ends_with("cam/1.ts\n")) << feed.text();
}

TEST(StreamPackager, LostMediaMarksADiscontinuity) {
  Feed feed;
  feed.collect(feed.packager.begin_publish(false));
  feed.video(0, 3);
  feed.collect(feed.packager.push(ms(5000), true, ts_unit(true), feed.wall + ms(5000), true));
  feed.video(5040, 3);  // the next keyframe at 8 s ends segment 2
  const auto text = feed.text();
  EXPECT_NE(text.find("#EXTINF:1.000,\ncam/1.ts\n#EXT-X-DISCONTINUITY\n"), std::string::npos) << text;
}

TEST(StreamPackager, ClearDropsEverything) {
  Feed feed;
  feed.collect(feed.packager.begin_publish(false));
  feed.video(0, 7);
  EXPECT_EQ(feed.packager.clear().size(), 3u);
  EXPECT_TRUE(feed.packager.playlist_text().empty());
  EXPECT_FALSE(feed.packager.segment(0));
}

}  // namespace
}  // namespace streamgate::hls
