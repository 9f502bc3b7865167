// The load tool's pure parts: URL parsing, percentiles, and recognising the
// publisher's frames by content in an FLV that ffmpeg made.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "bench_report.hpp"
#include "flv_source.hpp"
#include "frame_index.hpp"
#include "rtmp_url.hpp"
#include "support/media_tools.hpp"

namespace streamgate::bench {
namespace {

TEST(BenchRtmpUrl, SplitsHostPortAppAndStream) {
  auto url = RtmpUrl::parse("rtmp://127.0.0.1:19350/live/bench");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 19350);
  EXPECT_EQ(url->app, "live");
  EXPECT_EQ(url->stream, "bench");
  EXPECT_EQ(url->tc_url, "rtmp://127.0.0.1:19350/live");
}

TEST(BenchRtmpUrl, DefaultPortNestedAppAndQueryWithSlash) {
  auto url = RtmpUrl::parse("rtmp://example.org/app/inst/stream?key=a/b");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->port, 1935);  // RTMP's registered port
  EXPECT_EQ(url->app, "app/inst");
  EXPECT_EQ(url->stream, "stream?key=a/b");
  EXPECT_EQ(url->tc_url, "rtmp://example.org:1935/app/inst");
}

TEST(BenchRtmpUrl, Ipv6LiteralKeepsBracketsInTcUrl) {
  auto url = RtmpUrl::parse("rtmp://[::1]:1936/live/x");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 1936);
  EXPECT_EQ(url->tc_url, "rtmp://[::1]:1936/live");
}

TEST(BenchRtmpUrl, RejectsWhatIsNotAnRtmpUrlWithAppAndStream) {
  for (const char* text :
       {"http://host/live/x", "rtmp://host/live", "rtmp://host/live/", "rtmp://host//x",
        "rtmp://host:0/live/x", "rtmp://host:99999/live/x", "rtmp://host:12a/live/x",
        "rtmp://:1935/live/x", "rtmp://[::1/live/x", "rtmp://host"})
    EXPECT_FALSE(RtmpUrl::parse(text)) << text;
}

TEST(BenchPercentiles, NearestRankOfShuffledSamples) {
  std::vector<std::int64_t> us(100);
  std::iota(us.begin(), us.end(), 1);
  for (auto& v : us) v *= 1000;  // 1..100 ms
  std::shuffle(us.begin(), us.end(), std::mt19937(7));
  const auto p = percentiles_ms(us);
  EXPECT_EQ(p.count, 100u);
  // Nearest rank: p50 of 1..100 is the 50th smallest, p99 the 99th.
  EXPECT_DOUBLE_EQ(p.p50_ms, 50);
  EXPECT_DOUBLE_EQ(p.p99_ms, 99);
  EXPECT_DOUBLE_EQ(p.max_ms, 100);
}

TEST(BenchPercentiles, OneSampleAndNone) {
  const auto one = percentiles_ms({2500});
  EXPECT_DOUBLE_EQ(one.p50_ms, 2.5);
  EXPECT_DOUBLE_EQ(one.p99_ms, 2.5);
  const auto none = percentiles_ms({});
  EXPECT_EQ(none.count, 0u);
  EXPECT_DOUBLE_EQ(none.p99_ms, 0);
}

class BenchFlvSource : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    test::MediaSpec spec;
    spec.seconds = 4;  // 120 frames at 30 fps, keyframe every 60
    source_ = new FlvSource(FlvSource::load(test::test_media(spec)));
  }
  static void TearDownTestSuite() { delete source_; }
  static FlvSource* source_;
};
FlvSource* BenchFlvSource::source_ = nullptr;

TEST_F(BenchFlvSource, ReadsEveryFrameOfAFourSecondClip) {
  const auto& s = *source_;
  EXPECT_EQ(s.video_frames(), 120u);
  // ffmpeg writes onMetaData, then the AVC and AAC sequence headers first.
  ASSERT_GE(s.frames().size(), 3u);
  EXPECT_EQ(s.frames()[0].type, rtmp::MessageType::DataAmf0);
  EXPECT_EQ(s.frames()[0].timestamp_ms, 0);
  std::size_t configs = 0, audio = 0;
  for (const auto& f : s.frames()) {
    configs += f.config;
    audio += f.type == rtmp::MessageType::Audio && !f.config;
    if (f.video_frame) {
      EXPECT_EQ(f.keyframe, f.video_ordinal % 60 == 0) << f.video_ordinal;
    }
  }
  EXPECT_EQ(configs, 3u);
  // 44.1 kHz AAC: 1024 samples a frame, about 172 in 4 s.
  EXPECT_NEAR(double(audio), 4 * 44100.0 / 1024, 3);
  // A loop is 4 s: the next loop's first frame follows the last one by a frame interval.
  EXPECT_NEAR(double(s.loop_duration_ms()), 4000, 34);
}

TEST_F(BenchFlvSource, FindsEachVideoFrameByContentAndNothingElse) {
  const FrameIndex index(*source_);
  EXPECT_EQ(index.ambiguous(), 0u);
  for (const auto& f : source_->frames()) {
    auto found = index.find(f.body);
    if (f.video_frame) {
      ASSERT_TRUE(found) << f.video_ordinal;
      EXPECT_EQ(*found, f.video_ordinal);
    } else {
      EXPECT_FALSE(found) << "a non-video-frame body matched";
    }
  }
  // A frame changed near its end (past the first 64 bytes) is another frame.
  const auto& frame =
      *std::find_if(source_->frames().begin(), source_->frames().end(),
                    [](const SourceFrame& f) { return f.video_frame && f.body.size() > 200; });
  std::vector<std::byte> changed(frame.body.span().begin(), frame.body.span().end());
  changed[changed.size() - 3] ^= std::byte{0x40};
  EXPECT_FALSE(index.find(changed));
}

TEST(BenchSendLog, KeepsTheLatestSendOfEachFrame) {
  SendLog log(3);
  EXPECT_EQ(log.sent_us(1), 0);
  log.mark_sent(1, 1000);
  log.mark_sent(1, 5000);  // the next loop's send of the same frame
  EXPECT_EQ(log.sent_us(1), 5000);
  EXPECT_EQ(log.sent_us(2), 0);
}

}  // namespace
}  // namespace streamgate::bench
