#include "playlist.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace streamgate::hls {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

MediaTime us(std::int64_t value) { return MediaTime(value); }
// 2024-03-01T12:00:00Z, worked out independently (Python datetime): 1709294400.
const WallTime kNoon{seconds(1'709'294'400)};

TEST(Playlist, ExactTextOfAFixedScenario) {
  // Window of 3 segments, target seeded with a 2 s fragment, numbering from 40.
  Playlist playlist(PlaylistConfig{3, MediaTime{0}, seconds(2), 40});
  std::vector<PlaylistEntry> removed;
  EXPECT_EQ(playlist.append(us(2'000'000), kNoon, false, removed), 40u);
  EXPECT_EQ(playlist.append(us(2'002'000), kNoon + milliseconds(2000), false, removed), 41u);
  // The publisher came back: a discontinuity. 1.4996 s is EXTINF 1.500.
  EXPECT_EQ(playlist.append(us(1'499'600), kNoon + milliseconds(4500), true, removed), 42u);
  // 2.4994 s is EXTINF 2.499: rounds to 2, the target stays 2. Four entries
  // for a window of three; dropping 40 leaves 2.002+1.4996+2.4994 = 6.001 s,
  // at least 3 target durations (RFC 8216 §6.2.2), so 40 goes.
  EXPECT_EQ(playlist.append(us(2'499'400), kNoon + milliseconds(6000), false, removed), 43u);
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].sequence, 40u);

  // §4.3.1.1 EXTM3U, §4.3.1.2 VERSION, §4.3.3.1 TARGETDURATION, §4.3.3.2
  // MEDIA-SEQUENCE (first URI's number), §4.3.3.3 DISCONTINUITY-SEQUENCE,
  // then per segment §4.3.2.3 DISCONTINUITY, §4.3.2.6 PROGRAM-DATE-TIME, §4.3.2.1 EXTINF, URI.
  EXPECT_EQ(playlist.render("live%20one/"),
            "#EXTM3U\n"
            "#EXT-X-VERSION:3\n"
            "#EXT-X-TARGETDURATION:2\n"
            "#EXT-X-MEDIA-SEQUENCE:41\n"
            "#EXT-X-DISCONTINUITY-SEQUENCE:0\n"
            "#EXT-X-PROGRAM-DATE-TIME:2024-03-01T12:00:02.000Z\n"
            "#EXTINF:2.002,\n"
            "live%20one/41.ts\n"
            "#EXT-X-DISCONTINUITY\n"
            "#EXT-X-PROGRAM-DATE-TIME:2024-03-01T12:00:04.500Z\n"
            "#EXTINF:1.500,\n"
            "live%20one/42.ts\n"
            "#EXT-X-PROGRAM-DATE-TIME:2024-03-01T12:00:06.000Z\n"
            "#EXTINF:2.499,\n"
            "live%20one/43.ts\n");

  // Dropping 41 would leave 1.4996+2.4994+2 = 5.999 s < 6 s: 41 stays.
  removed.clear();
  playlist.append(us(2'000'000), kNoon + milliseconds(8499), false, removed);
  EXPECT_TRUE(removed.empty());
  EXPECT_EQ(playlist.entries().size(), 4u);
  // Now 41 and 42 can go; 42 carried the discontinuity tag, so the
  // discontinuity sequence becomes 1 (§6.2.2).
  playlist.append(us(2'000'000), kNoon + milliseconds(10'499), false, removed);
  ASSERT_EQ(removed.size(), 2u);
  EXPECT_EQ(removed[0].sequence, 41u);
  EXPECT_EQ(removed[1].sequence, 42u);
  playlist.end();
  EXPECT_EQ(playlist.render("live%20one/"),
            "#EXTM3U\n"
            "#EXT-X-VERSION:3\n"
            "#EXT-X-TARGETDURATION:2\n"
            "#EXT-X-MEDIA-SEQUENCE:43\n"
            "#EXT-X-DISCONTINUITY-SEQUENCE:1\n"
            "#EXT-X-PROGRAM-DATE-TIME:2024-03-01T12:00:06.000Z\n"
            "#EXTINF:2.499,\n"
            "live%20one/43.ts\n"
            "#EXT-X-PROGRAM-DATE-TIME:2024-03-01T12:00:08.499Z\n"
            "#EXTINF:2.000,\n"
            "live%20one/44.ts\n"
            "#EXT-X-PROGRAM-DATE-TIME:2024-03-01T12:00:10.499Z\n"
            "#EXTINF:2.000,\n"
            "live%20one/45.ts\n"
            "#EXT-X-ENDLIST\n");
}

// What a player does: read the EXTINF text and round it.
std::int64_t player_rounding(MediaTime duration) {
  return std::lround(std::stod(format_extinf(duration)));
}

TEST(Playlist, TargetDurationCoversEveryExtinfAndNeverDecreases) {
  Playlist playlist(PlaylistConfig{5, MediaTime{0}, seconds(2), 0});
  std::vector<PlaylistEntry> removed;
  std::uint64_t state = 12345;
  std::int64_t previous_target = 0;
  for (int i = 0; i < 500; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    // 0.3 .. 7.3 s, with many values near .5 boundaries
    const auto duration = us(300'000 + static_cast<std::int64_t>((state >> 33) % 7'000'000));
    playlist.append(duration, kNoon, false, removed);
    for (const auto& entry : playlist.entries())
      ASSERT_LE(player_rounding(entry.duration), playlist.target_duration_s()) << i;  // §4.3.3.1
    ASSERT_GE(playlist.target_duration_s(), previous_target) << i;
    previous_target = playlist.target_duration_s();
  }
}

TEST(Playlist, TargetDurationIsSeededWithTheFragmentAndRoundsHalvesUp) {
  std::vector<PlaylistEntry> removed;
  Playlist two(PlaylistConfig{6, MediaTime{0}, seconds(2), 0});
  two.append(us(1'200'000), kNoon, false, removed);  // a short first segment
  EXPECT_EQ(two.target_duration_s(), 2);
  two.append(us(2'499'999), kNoon, false, removed);  // EXTINF 2.500: rounds to 3
  EXPECT_EQ(two.target_duration_s(), 3);

  Playlist half(PlaylistConfig{6, MediaTime{0}, milliseconds(500), 0});
  EXPECT_EQ(half.target_duration_s(), 1);  // never 0
  half.append(us(499'000), kNoon, false, removed);
  EXPECT_EQ(half.target_duration_s(), 1);
}

TEST(Playlist, MediaSequenceFollowsTheWindowAndNumbersStayContiguous) {
  Playlist playlist(PlaylistConfig{5, MediaTime{0}, seconds(2), 1000});
  std::vector<PlaylistEntry> removed;
  std::uint64_t expected_removed = 1000;
  for (int i = 0; i < 100; ++i) {
    removed.clear();
    const auto sequence = playlist.append(us(2'000'000), kNoon, false, removed);
    EXPECT_EQ(sequence, 1000u + static_cast<std::uint64_t>(i));
    for (const auto& entry : removed) EXPECT_EQ(entry.sequence, expected_removed++);
    const auto& entries = playlist.entries();
    EXPECT_EQ(entries.size(), std::min<std::size_t>(5, static_cast<std::size_t>(i) + 1));
    EXPECT_EQ(playlist.media_sequence(), entries.front().sequence);
    for (std::size_t k = 1; k < entries.size(); ++k)
      EXPECT_EQ(entries[k].sequence, entries[k - 1].sequence + 1);
    EXPECT_EQ(entries.back().sequence, sequence);
  }
}

TEST(Playlist, WindowInSecondsKeepsAtLeastThatMuch) {
  // 10 s of 2 s segments: dropping the first of six leaves 10 s, of five 8 s.
  Playlist playlist(PlaylistConfig{0, seconds(10), seconds(2), 0});
  std::vector<PlaylistEntry> removed;
  for (int i = 0; i < 20; ++i) playlist.append(us(2'000'000), kNoon, false, removed);
  EXPECT_EQ(playlist.entries().size(), 5u);
  EXPECT_EQ(playlist.total_duration(), seconds(10));
  EXPECT_EQ(playlist.media_sequence(), 15u);
}

TEST(Playlist, NeverKeepsLessThanThreeTargetDurations) {
  // Asked for one segment: RFC 8216 §6.2.2 still needs 3 x 2 s after a removal.
  Playlist playlist(PlaylistConfig{1, MediaTime{0}, seconds(2), 0});
  std::vector<PlaylistEntry> removed;
  for (int i = 0; i < 10; ++i) playlist.append(us(2'000'000), kNoon, false, removed);
  EXPECT_EQ(playlist.entries().size(), 3u);
  EXPECT_GE(playlist.total_duration(), seconds(3 * playlist.target_duration_s()));
}

TEST(Playlist, DiscontinuitySequenceCountsOnlyTagsThatSlidOut) {
  Playlist playlist(PlaylistConfig{3, MediaTime{0}, seconds(2), 0});
  std::vector<PlaylistEntry> removed;
  // segments 0..9; 2, 3 and 7 are discontinuous
  for (int i = 0; i < 10; ++i) {
    playlist.append(us(2'000'000), kNoon, i == 2 || i == 3 || i == 7, removed);
    std::uint64_t slid_out = 0;
    for (const auto& entry : removed) slid_out += entry.discontinuity ? 1 : 0;
    EXPECT_EQ(playlist.discontinuity_sequence(), slid_out) << i;
  }
  EXPECT_EQ(playlist.discontinuity_sequence(), 2u);  // 2 and 3 left; 7 is still listed
  const auto text = playlist.render("");
  EXPECT_NE(text.find("#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:2024-03-01T12:00:00.000Z\n"
                      "#EXTINF:2.000,\n7.ts\n"),
            std::string::npos);
}

TEST(Playlist, EntriesAreCappedWhateverTheWindow) {
  Playlist playlist(PlaylistConfig{0, std::chrono::hours(1), seconds(2), 0});
  std::vector<PlaylistEntry> removed;
  for (int i = 0; i < 3000; ++i) playlist.append(us(1'000), kNoon, false, removed);
  EXPECT_EQ(playlist.entries().size(), Playlist::kMaxEntries);
  EXPECT_EQ(removed.size(), 3000u - Playlist::kMaxEntries);
}

TEST(Playlist, EndAddsEndlistAndANewSegmentReopens) {
  Playlist playlist(PlaylistConfig{});
  std::vector<PlaylistEntry> removed;
  playlist.append(us(2'000'000), kNoon, false, removed);
  playlist.end();
  EXPECT_TRUE(playlist.render("").ends_with("0.ts\n#EXT-X-ENDLIST\n"));
  playlist.append(us(2'000'000), kNoon, true, removed);
  EXPECT_FALSE(playlist.ended());
  EXPECT_EQ(playlist.render("").find("ENDLIST"), std::string::npos);
  EXPECT_TRUE(playlist.render("").ends_with("#EXT-X-DISCONTINUITY\n"
                                            "#EXT-X-PROGRAM-DATE-TIME:2024-03-01T12:00:00.000Z\n"
                                            "#EXTINF:2.000,\n1.ts\n"));
}

TEST(PlaylistFormat, ExtinfHasThreeDecimalsRoundedToTheMillisecond) {
  EXPECT_EQ(format_extinf(us(2'000'000)), "2.000");
  EXPECT_EQ(format_extinf(us(2'002'499)), "2.002");
  EXPECT_EQ(format_extinf(us(2'002'500)), "2.003");
  EXPECT_EQ(format_extinf(us(999'600)), "1.000");
  EXPECT_EQ(format_extinf(us(12'345'678)), "12.346");
  EXPECT_EQ(format_extinf(us(400)), "0.000");
}

TEST(PlaylistFormat, ProgramDateTimeIsIso8601UtcWithMilliseconds) {
  EXPECT_EQ(format_program_date_time(WallTime{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_program_date_time(kNoon + milliseconds(7)), "2024-03-01T12:00:00.007Z");
  // 2000-02-29T23:59:59Z = 951868799 (Python datetime): a leap day, one ms before midnight.
  EXPECT_EQ(format_program_date_time(WallTime{milliseconds(951'868'799'999)}),
            "2000-02-29T23:59:59.999Z");
  // 2100-01-01T00:00:00Z = 4102444800; sub-millisecond parts are cut, not rounded up.
  EXPECT_EQ(format_program_date_time(WallTime{seconds(4'102'444'800)} + std::chrono::microseconds(999)),
            "2100-01-01T00:00:00.000Z");
}

TEST(PlaylistFormat, PercentEncodesAPathSegment) {
  EXPECT_EQ(percent_encode_segment("cam-1_b.x~"), "cam-1_b.x~");
  EXPECT_EQ(percent_encode_segment("a b/c%?#"), "a%20b%2Fc%25%3F%23");
  EXPECT_EQ(percent_encode_segment("\xc3\xa9"), "%C3%A9");  // UTF-8 e-acute
}

}  // namespace
}  // namespace streamgate::hls
