// Drives the hls service through a real LocalBus with synthetic mpegts units
// and checks what a player sees over HTTP.
#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "service_fixture.hpp"

namespace streamgate::hls {
namespace {

using test::HlsServiceTest;
using test::ms;
using test::parse;
using test::sequence_of;
using test::ts_unit;

TEST_F(HlsServiceTest, ServesThePlaylistWithItsHeaders) {
  start();
  auto publisher = publish("cam");
  EXPECT_EQ(get("/live/cam.m3u8").status, 404);  // no segment yet
  video(*publisher, 0, 5);

  const auto reply = get("/live/cam.m3u8");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.content_type, "application/vnd.apple.mpegurl");
  EXPECT_EQ(reply.header("Access-Control-Allow-Origin"), "*");
  const auto cache = reply.header("Cache-Control");
  EXPECT_TRUE(cache == "no-cache" || cache == "max-age=1" || cache == "max-age=0") << cache;

  const auto parsed = parse(reply.body);
  ASSERT_EQ(parsed.uris.size(), 2u);  // cut at 2 s and 4 s; 4..5 s still open
  EXPECT_EQ(parsed.target, 2);
  EXPECT_EQ(parsed.extinf, (std::vector<double>{2.0, 2.0}));
  EXPECT_EQ(parsed.uris[0], "cam/" + std::to_string(parsed.media_sequence) + ".ts");
  EXPECT_EQ(sequence_of(parsed.uris[1]), parsed.media_sequence + 1);
  EXPECT_FALSE(parsed.endlist);
}

TEST_F(HlsServiceTest, ServesSegmentsAsTheSharedUnits) {
  start();
  auto publisher = publish("cam");
  const auto sent = video(*publisher, 0, 3);
  const auto parsed = playlist();
  ASSERT_EQ(parsed.uris.size(), 1u);

  const auto reply = get("/live/" + parsed.uris[0]);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.content_type, "video/mp2t");
  EXPECT_EQ(reply.header("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(reply.header("Cache-Control"), "public, max-age=86400, immutable");
  // A whole response (Content-Length, keep-alive), not a stream.
  EXPECT_FALSE(reply.streamed);
  EXPECT_TRUE(reply.closed);
  // The first 2 s: units 0..49, byte for byte, each sent from the bus's own buffer.
  ASSERT_EQ(reply.chunks.size(), 50u);
  std::string expected;
  for (std::size_t i = 0; i < 50; ++i) {
    EXPECT_TRUE(reply.chunks[i].shares_storage_with(sent[i])) << i;
    expected.append(reinterpret_cast<const char*>(sent[i].data()), sent[i].size());
  }
  EXPECT_EQ(reply.body, expected);
  EXPECT_EQ(static_cast<unsigned char>(reply.body[0]), 0x47);
}

TEST_F(HlsServiceTest, AnswersNotFoundForWhatItDoesNotHave) {
  start();
  auto publisher = publish("cam");
  video(*publisher, 0, 3);
  const auto parsed = playlist();
  const auto next = std::to_string(parsed.media_sequence + 1);
  EXPECT_EQ(get("/live/nobody.m3u8").status, 404);
  EXPECT_EQ(get("/live/cam/" + next + ".ts").status, 404);       // not cut yet
  EXPECT_EQ(get("/live/cam/abc.ts").status, 404);
  EXPECT_EQ(get("/live/cam/-1.ts").status, 404);
  EXPECT_EQ(get("/live/cam/99999999999999999999999.ts").status, 404);
  EXPECT_EQ(get("/other/cam.m3u8").status, 404);                 // same name, other app
}

TEST_F(HlsServiceTest, OnlyPackagesTheConfiguredApps) {
  HlsConfig config;
  config.apps = {"other"};
  start(config);
  auto live = publish("cam", "live");
  auto other = publish("cam", "other");
  video(*live, 0, 3);
  video(*other, 0, 3);
  EXPECT_EQ(get("/live/cam.m3u8").status, 404);
  EXPECT_EQ(get("/other/cam.m3u8").status, 200);
}

TEST_F(HlsServiceTest, IgnoresUndeclaredApps) {
  start();
  auto publisher = publish("cam", "secret");
  video(*publisher, 0, 3);
  EXPECT_EQ(get("/secret/cam.m3u8").status, 404);
  EXPECT_EQ(service_->stream_count(), 0u);
}

TEST_F(HlsServiceTest, SequenceNumbersStayContiguousAcrossRefreshes) {
  HlsConfig config;
  config.playlist_segments = 3;
  start(config);
  auto publisher = publish("cam");
  std::set<std::uint64_t> seen;
  std::uint64_t last_media_sequence = 0;
  for (int step = 0; step < 20; ++step) {
    video(*publisher, step * 2000, 2);
    if (step == 0) continue;
    const auto parsed = playlist();
    EXPECT_GE(parsed.media_sequence, last_media_sequence);
    last_media_sequence = parsed.media_sequence;
    for (std::size_t i = 0; i < parsed.uris.size(); ++i) {
      EXPECT_EQ(sequence_of(parsed.uris[i]), parsed.media_sequence + i);
      EXPECT_LE(std::lround(parsed.extinf[i]), parsed.target);
      seen.insert(sequence_of(parsed.uris[i]));
    }
  }
  // Every segment was listed at some refresh: nothing was skipped.
  EXPECT_EQ(*seen.rbegin() - *seen.begin() + 1, seen.size());
}

TEST_F(HlsServiceTest, ARepublishContinuesTheSequenceWithADiscontinuity) {
  start();
  auto publisher = publish("cam");
  video(*publisher, 0, 5);
  publisher.reset();  // the encoder drops
  host_.executor.run();
  publisher = publish("cam");
  video(*publisher, 0, 5);  // it returns with its clock at 0

  const auto parsed = playlist();
  ASSERT_EQ(parsed.uris.size(), 5u);  // 2 + the 1 s tail + 2
  for (std::size_t i = 1; i < parsed.uris.size(); ++i)
    EXPECT_EQ(sequence_of(parsed.uris[i]), sequence_of(parsed.uris[i - 1]) + 1);
  EXPECT_EQ(parsed.discontinuity, (std::vector<bool>{false, false, false, true, false}));
  EXPECT_EQ(parsed.extinf[2], 1.0);
  EXPECT_FALSE(parsed.endlist);
}

TEST_F(HlsServiceTest, EndAddsEndlistAfterItsDelayThenEverythingGoesAfterTheEndDelay) {
  HlsConfig config;
  config.end_delay = std::chrono::seconds(30);
  start(config);
  publish_then_end(3);

  // The last segment is published at once; ENDLIST waits endlist-delay for
  // an encoder that reconnects.
  auto parsed = playlist();
  EXPECT_FALSE(parsed.endlist);
  ASSERT_EQ(parsed.uris.size(), 2u);
  EXPECT_EQ(parsed.extinf[1], 1.0);  // 2.0 .. 2.96 s plus one frame
  EXPECT_EQ(get("/live/" + parsed.uris[1]).status, 200);
  host_.clock.advance(config.endlist_delay - std::chrono::milliseconds(1));
  host_.executor.run();
  EXPECT_FALSE(playlist().endlist);
  host_.clock.advance(std::chrono::milliseconds(1));
  host_.executor.run();
  parsed = playlist();
  EXPECT_TRUE(parsed.endlist);
  EXPECT_EQ(parsed.uris.size(), 2u);
  EXPECT_NE(host_.log().find("hls: live/cam playlist finished (EXT-X-ENDLIST)"), std::string::npos);

  host_.clock.advance(std::chrono::seconds(29) - config.endlist_delay);
  EXPECT_EQ(get("/live/cam.m3u8").status, 200);
  host_.clock.advance(std::chrono::seconds(1));
  host_.executor.run();
  EXPECT_EQ(get("/live/cam.m3u8").status, 404);
  EXPECT_EQ(get("/live/" + parsed.uris[0]).status, 404);
  EXPECT_EQ(service_->stream_count(), 0u);
  EXPECT_NE(host_.log().find("hls: live/cam removed"), std::string::npos);
}

TEST_F(HlsServiceTest, EndlistDelayZeroEndsThePlaylistAtOnce) {
  HlsConfig config;
  config.endlist_delay = std::chrono::milliseconds(0);
  start(config);
  publish_then_end(3);
  EXPECT_TRUE(playlist().endlist);
}

TEST_F(HlsServiceTest, AnEncoderBackWithinTheEndlistDelayNeverEndsThePlaylist) {
  start();
  publish_then_end(3);  // the encoder drops
  host_.clock.advance(std::chrono::seconds(3));
  host_.executor.run();
  EXPECT_FALSE(playlist().endlist) << "what a player loads while the encoder is away";
  auto publisher = publish("cam");  // and reconnects 3 s later
  host_.executor.run();
  host_.clock.advance(std::chrono::seconds(60));  // past any ENDLIST timer
  host_.executor.run();
  video(*publisher, 0, 3);
  const auto parsed = playlist();
  EXPECT_FALSE(parsed.endlist);
  EXPECT_EQ(std::count(parsed.discontinuity.begin(), parsed.discontinuity.end(), true), 1)
      << "the same playlist goes on, the new session marked";
  EXPECT_EQ(host_.log().find("EXT-X-ENDLIST"), std::string::npos);
}

TEST_F(HlsServiceTest, RemoveModeLeavesNoEndlist) {
  HlsConfig config;
  config.on_end = EndMode::Remove;
  start(config);
  publish_then_end(3);
  EXPECT_FALSE(playlist().endlist);
  host_.clock.advance(config.end_delay);
  EXPECT_EQ(get("/live/cam.m3u8").status, 404);
}

TEST_F(HlsServiceTest, APublisherReturningWithinTheDelayKeepsThePlaylist) {
  start();
  auto publisher = publish("cam");
  video(*publisher, 0, 3);
  const auto first = playlist().media_sequence;
  publisher.reset();
  host_.executor.run();
  host_.clock.advance(std::chrono::seconds(10));
  publisher = publish("cam");
  host_.clock.advance(std::chrono::seconds(60));  // well past the delay: no removal
  video(*publisher, 0, 3);
  const auto parsed = playlist();
  EXPECT_EQ(parsed.media_sequence, first);
  EXPECT_FALSE(parsed.endlist);
  EXPECT_EQ(parsed.discontinuity, (std::vector<bool>{false, false, true}));
}

TEST_F(HlsServiceTest, LogsAForcedCut) {
  start();
  auto publisher = publish("cam");
  auto packet = [&](std::int64_t dts, bool key) {
    auto p = std::make_shared<MediaPacket>();
    p->kind = TrackKind::Mux;
    p->codec = Codec::MpegTs;
    p->dts = p->pts = ms(dts);
    p->keyframe = key;
    p->payload = ts_unit(key);
    publisher->push(p);
    host_.clock.advance(std::chrono::milliseconds(40));
    host_.executor.run();
  };
  for (int i = 0; i <= 200; ++i) packet(i * 40, i == 0);  // one keyframe, then 8 s without
  const auto parsed = playlist();
  ASSERT_EQ(parsed.uris.size(), 1u);
  EXPECT_EQ(parsed.extinf[0], 6.0);  // max-fragment, 3 x fragment by default
  EXPECT_EQ(parsed.target, 6);
  EXPECT_NE(host_.log().find("cut without a keyframe after 6.000 s"), std::string::npos) << host_.log();
}

TEST_F(HlsServiceTest, WarnsOnceAboutMalformedUnits) {
  start();
  auto publisher = publish("cam");
  for (int i = 0; i < 3; ++i) {
    auto p = std::make_shared<MediaPacket>();
    p->kind = TrackKind::Mux;
    p->codec = Codec::MpegTs;
    p->keyframe = true;
    p->payload = SharedBytes::copy(std::string(100, 'x'));
    publisher->push(p);
  }
  host_.executor.run();
  const auto log = host_.log();
  const auto first = log.find("unit dropped");
  ASSERT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find("unit dropped", first + 1), std::string::npos);
  EXPECT_NE(log.find("10.0.0.1:5000", first), std::string::npos);  // names the peer
}

TEST_F(HlsServiceTest, StopUnregistersAndDetaches) {
  start();
  EXPECT_EQ(host_.router.size(), 2u);
  auto publisher = publish("cam");
  video(*publisher, 0, 3);
  service_->stop();
  EXPECT_EQ(host_.router.size(), 0u);
  const auto status = bus_->stream(StreamKey{"live", "cam", "mpegts"});
  ASSERT_TRUE(status);
  EXPECT_EQ(status->subscribers, 0u);
  video(*publisher, 3000, 1);  // nothing of the service runs any more
}

// ---- threads ----

TEST(HlsServiceThreads, ReadersOnOtherThreadsSeeWholePlaylistsAndSegments) {
  auto bus = test::make_test_bus();
  test::FakeHost host(*bus, {"live"});
  test::ThreadExecutor worker(host.clock);
  host.use_worker(worker);
  HlsConfig config;
  config.playlist_segments = 3;
  HlsService service(config, host, [] { return WallClock::now(); });
  service.start();

  auto publisher = bus->publish(StreamKey{"live", "cam", "mpegts"}, PublishInfo{});
  ASSERT_TRUE(publisher);
  std::atomic<bool> done{false};
  std::atomic<int> playlists{0};
  std::atomic<int> segments{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!done) {
        const auto reply = host.router.get("/live/cam.m3u8");
        if (reply.status != 200) continue;
        const auto parsed = parse(reply.body);
        if (parsed.uris.empty() || parsed.target < 2) {
          ADD_FAILURE() << reply.body;
          return;
        }
        ++playlists;
        for (const auto& uri : parsed.uris) {
          const auto segment = host.router.get("/live/" + uri);
          if (segment.status != 200) continue;  // it may have expired since: media runs fast here
          EXPECT_EQ(segment.body.size() % 188, 0u);
          EXPECT_EQ(static_cast<unsigned char>(segment.body[0]), 0x47);
          ++segments;
        }
      }
    });
  }
  for (int i = 0; i < 25 * 120; ++i) {  // two minutes of 25 fps, as fast as it goes
    auto packet = std::make_shared<MediaPacket>();
    packet->kind = TrackKind::Mux;
    packet->codec = Codec::MpegTs;
    packet->dts = packet->pts = ms(i * 40);
    packet->keyframe = i % 50 == 0;
    packet->payload = ts_unit(packet->keyframe, static_cast<std::uint8_t>(i));
    publisher->push(packet);
    if (i % 100 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  publisher.reset();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  done = true;
  for (auto& reader : readers) reader.join();
  service.stop();
  EXPECT_GT(playlists.load(), 0);
  EXPECT_GT(segments.load(), 0);
}

}  // namespace
}  // namespace streamgate::hls
