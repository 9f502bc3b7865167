// The plugin's adapter driven through the core's real LocalBus and a test
// host: derived streams on the bus, republish and end, HTTP-TS clients.

#include <gtest/gtest.h>

#include <thread>

#include "mpegts_service.hpp"
#include "synthetic_stream.hpp"
#include "test_host.hpp"
#include "ts_scanner.hpp"

namespace streamgate::mpegts {
namespace {

using namespace std::chrono_literals;
using test::StreamSpec;
using test::TestHost;

const StreamKey kSource{"live", "a", ""};
const StreamKey kDerived{"live", "a", "mpegts"};
const std::string kRoute = "/{app}/{stream}.ts";

// A consumer of the derived stream, as the HLS packager is.
struct Consumer {
  std::unique_ptr<Subscription> subscription;
  std::vector<BusItem> items;

  Consumer(Bus& bus, const StreamKey& key) {
    subscription = bus.subscribe(key, SubscribeOptions{}, [] {});
  }
  void collect() { subscription->drain(items); }

  std::vector<const BusItem*> of(BusItem::Type type) const {
    std::vector<const BusItem*> out;
    for (const auto& item : items)
      if (item.type == type) out.push_back(&item);
    return out;
  }
  std::vector<std::byte> ts() const {
    std::vector<std::byte> out;
    for (const auto* item : of(BusItem::Type::Media))
      out.insert(out.end(), item->packet->payload.span().begin(),
                 item->packet->payload.span().end());
    return out;
  }
};

std::unique_ptr<Publisher> publish(Bus& bus, const StreamKey& key = kSource) {
  PublishInfo info;
  info.protocol = "rtmp";
  info.peer = "10.0.0.1:5000";
  return bus.publish(key, info);
}

void push(Publisher& publisher, const std::vector<PacketPtr>& packets) {
  for (const auto& packet : packets) publisher.push(packet);
}

template <class Predicate>
bool eventually(Predicate predicate, std::chrono::milliseconds timeout = 3s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

class MpegtsServiceTest : public ::testing::Test {
 protected:
  void start(MpegtsConfig config = {}) {
    service_ = std::make_unique<MpegtsService>(std::move(config), host_);
    service_->start();
  }
  void TearDown() override {
    if (service_) service_->stop();
  }
  // Publishes live/a with `seconds` of A/V, then connects an HTTP-TS client.
  std::unique_ptr<Publisher> live_with_client(std::shared_ptr<test::FakeResponder>& responder,
                                              MediaTime seconds = 1s) {
    auto publisher = publish(host_.bus());
    push(*publisher, test::make_stream(StreamSpec{.duration = seconds}));
    host_.sync();
    responder = host_.router().get(kRoute, "live", "a");
    host_.sync();
    return publisher;
  }

  // An HTTP-TS client of live/a that takes the first write (the first 4
  // packets of `source`) and stalls on the next one (packets 4..until).
  std::shared_ptr<test::FakeStream> stalled_client(Publisher& publisher,
                                                   const std::vector<PacketPtr>& source,
                                                   std::size_t until) {
    push(publisher, std::vector<PacketPtr>(source.begin(), source.begin() + 4));
    host_.sync();
    auto responder = host_.router().get(kRoute, "live", "a");
    host_.sync();
    auto stream = responder->stream();
    if (!stream) return nullptr;
    stream->hold_writes(true);
    push(publisher, std::vector<PacketPtr>(source.begin() + 4, source.begin() + until));
    host_.sync();
    EXPECT_TRUE(eventually([&] { return stream->write_in_flight(); }));
    return stream;
  }

  // A client stalls on a write while 6 s of media (~500 kB) pass its 64 kB
  // queue bound; then its write completes (late) or never does.
  void expect_dropped_after_overflow(bool write_completes) {
    MpegtsConfig config;
    config.http_queue_bytes = 64 << 10;
    config.http_queue_duration = 60s;
    start(config);
    auto publisher = publish(host_.bus());
    const auto source = test::make_stream(StreamSpec{.duration = 6s});
    auto stream = stalled_client(*publisher, source, 10);
    ASSERT_TRUE(stream);
    const auto written = stream->bytes().size();
    push(*publisher, std::vector<PacketPtr>(source.begin() + 10, source.end()));
    host_.sync();
    if (write_completes) stream->release(true);
    EXPECT_TRUE(eventually([&] { return stream->closed(); }));
    EXPECT_FALSE(stream->write_in_flight()) << "close() settled the write that was out";
    EXPECT_TRUE(eventually([&] { return service_->client_count() == 0; }));
    EXPECT_EQ(stream->bytes().size(), written)
        << "a client behind gets nothing more: it is dropped, not sent a gap";
    EXPECT_NE(host_.log().find("dropped: it fell behind"), std::string::npos) << host_.log();
  }

  TestHost host_{{"live", "other"}};
  std::unique_ptr<MpegtsService> service_;
};

TEST_F(MpegtsServiceTest, MuxesASourceStreamIntoTheDerivedStream) {
  start();
  Consumer consumer(host_.bus(), kDerived);
  const auto source = test::make_stream(StreamSpec{.duration = 5s});
  auto publisher = publish(host_.bus());
  push(*publisher, source);
  host_.sync();
  EXPECT_EQ(service_->stream_count(), 1u);
  publisher.reset();  // the source ends
  host_.sync();
  consumer.collect();

  ASSERT_FALSE(consumer.items.empty());
  const auto& first = consumer.items.front();
  ASSERT_EQ(first.type, BusItem::Type::StreamStart);
  EXPECT_EQ(first.generation, 1u);
  EXPECT_EQ(first.info->protocol, "internal");
  EXPECT_EQ(first.info->peer, "10.0.0.1:5000");
  EXPECT_EQ(consumer.items.back().type, BusItem::Type::StreamEnd);

  const auto media = consumer.of(BusItem::Type::Media);
  ASSERT_FALSE(media.empty());
  EXPECT_TRUE(media.front()->packet->keyframe);
  for (const auto* item : media) {
    EXPECT_EQ(item->packet->kind, TrackKind::Mux);
    EXPECT_EQ(item->packet->codec, Codec::MpegTs);
    EXPECT_EQ(item->packet->payload.size() % 188, 0u);
    if (item->packet->keyframe) {
      EXPECT_EQ(std::to_integer<unsigned>(item->packet->payload[1]) & 0x1F, 0u) << "PAT first";
    }
  }
  const auto scan = test::scan_ts(consumer.ts());
  EXPECT_TRUE(scan.errors.empty()) << scan.errors.front();
  EXPECT_EQ(scan.pes_on(0x100).size(), 150u) << "every frame, the last ones included";
  EXPECT_TRUE(eventually([&] { return service_->stream_count() == 0; }))
      << "the session retires with its source";
}

TEST_F(MpegtsServiceTest, OnlyEnabledDeclaredAppsAreMuxed) {
  MpegtsConfig config;
  config.apps = {"live"};
  start(config);
  auto other = publish(host_.bus(), {"other", "b", ""});
  auto undeclared = publish(host_.bus(), {"nope", "c", ""});
  auto live = publish(host_.bus());
  host_.sync();
  EXPECT_EQ(service_->stream_count(), 1u);
  const auto status = host_.bus().stream(kDerived);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->live);
  EXPECT_FALSE(host_.bus().stream({"other", "b", "mpegts"}));
  EXPECT_FALSE(host_.bus().stream({"nope", "c", "mpegts"}));
}

TEST_F(MpegtsServiceTest, RepublishStartsANewGenerationAndItsOwnKeyframe) {
  start();
  Consumer consumer(host_.bus(), kDerived);
  const auto source = test::make_stream(StreamSpec{.duration = 3s});
  for (int round = 0; round < 3; ++round) {
    auto publisher = publish(host_.bus());
    push(*publisher, source);
    publisher.reset();
    if (round == 0) host_.sync();  // rounds 1-2 republish before the muxer caught up
  }
  host_.sync();
  consumer.collect();
  std::vector<std::uint64_t> generations;
  std::size_t ends = 0;
  bool expect_keyframe = false;
  for (const auto& item : consumer.items) {
    if (item.type == BusItem::Type::StreamStart) {
      generations.push_back(item.generation);
      expect_keyframe = true;
    } else if (item.type == BusItem::Type::StreamEnd) {
      ++ends;
    } else if (expect_keyframe) {
      EXPECT_TRUE(item.packet->keyframe) << "each generation opens with a keyframe unit";
      expect_keyframe = false;
    }
  }
  EXPECT_EQ(generations, (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(ends, 3u);
}

TEST_F(MpegtsServiceTest, LateConsumerStartsAtTheLatestKeyframeUnit) {
  start();
  auto publisher = publish(host_.bus());
  push(*publisher, test::make_stream(StreamSpec{.duration = 3s}));
  host_.sync();
  Consumer late(host_.bus(), kDerived);
  late.collect();
  const auto media = late.of(BusItem::Type::Media);
  ASSERT_FALSE(media.empty());
  EXPECT_TRUE(media.front()->packet->keyframe);
  EXPECT_EQ(media.front()->packet->dts, 2s) << "the GOP that started at 2 s";
  const auto scan = test::scan_ts(late.ts());
  EXPECT_TRUE(scan.errors.empty()) << scan.errors.front();
}

TEST_F(MpegtsServiceTest, BadInputIsLoggedOncePerPublish) {
  start();
  auto publisher = publish(host_.bus());
  auto source = test::make_stream(StreamSpec{.duration = 2s, .audio = false});
  for (MediaTime t = 0ms; t < 2s; t += 20ms)
    source.push_back(
        test::make_packet(TrackKind::Audio, Codec::Opus, t, t, true, false, test::filler(50)));
  push(*publisher, source);
  host_.sync();
  const auto log = host_.log();
  const auto first = log.find("leaves a track out");
  ASSERT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find("leaves a track out", first + 1), std::string::npos) << log;
  EXPECT_NE(log.find("live/a from 10.0.0.1:5000"), std::string::npos) << log;
}

TEST_F(MpegtsServiceTest, HttpTsRefusesUnknownAppsAndBadNames) {
  start();
  EXPECT_EQ(host_.router().get(kRoute, "nope", "a")->status(), 404);
  EXPECT_EQ(host_.router().get(kRoute, "live", "..")->status(), 404);
}

TEST_F(MpegtsServiceTest, HttpTsStreamsChunkedTsFromAKeyframeUnit) {
  MpegtsConfig config;
  config.http_wait = 100ms;  // how long the response waits for a republish after the end
  start(config);
  auto publisher = publish(host_.bus());
  const auto source = test::make_stream(StreamSpec{.duration = 6s});
  // 3 s in, a player connects
  std::size_t at = 0;
  for (; at < source.size() && (source[at]->config || source[at]->dts < 3s); ++at)
    publisher->push(source[at]);
  host_.sync();
  auto responder = host_.router().get(kRoute, "live", "a");
  host_.sync();
  ASSERT_EQ(responder->status(), 200);
  EXPECT_EQ(responder->content_type(), "video/mp2t");
  EXPECT_EQ(responder->header("Access-Control-Allow-Origin"), "*");
  for (; at < source.size(); ++at) publisher->push(source[at]);
  host_.sync();
  publisher.reset();
  host_.sync();
  auto stream = responder->stream();
  ASSERT_TRUE(stream);
  EXPECT_TRUE(eventually([&] { return stream->closed(); }))
      << "the source ending ends the response";
  const auto bytes = stream->bytes();
  ASSERT_GE(bytes.size(), 188u * 3);
  EXPECT_EQ(bytes.size() % 188, 0u);
  EXPECT_EQ(std::to_integer<unsigned>(bytes[1]) & 0x1F, 0u)
      << "starts with the PAT of a keyframe unit";
  const auto scan = test::scan_ts(bytes);
  EXPECT_TRUE(scan.errors.empty()) << scan.errors.front();
  // from the keyframe at 2 s (replayed GOP) to the end: 4 s of video
  EXPECT_EQ(scan.pes_on(0x100).size(), 120u);
  EXPECT_TRUE(eventually([&] { return service_->client_count() == 0; }));
}

TEST_F(MpegtsServiceTest, HttpTsWaitsForAStreamAboutToStart) {
  MpegtsConfig config;
  config.http_wait = 5s;
  start(config);
  auto responder = host_.router().get(kRoute, "live", "a");
  host_.sync();
  EXPECT_EQ(responder->status(), 0) << "waiting, not answered yet";
  auto publisher = publish(host_.bus());
  push(*publisher, test::make_stream(StreamSpec{.duration = 1s}));
  host_.sync();
  EXPECT_EQ(responder->status(), 200);
  ASSERT_TRUE(responder->stream());
  EXPECT_TRUE(eventually([&] { return !responder->stream()->bytes().empty(); }));
}

TEST_F(MpegtsServiceTest, HttpTsAnswers404WhenNothingComesWithinTheWait) {
  MpegtsConfig config;
  config.http_wait = 200ms;
  start(config);
  const auto began = std::chrono::steady_clock::now();
  auto responder = host_.router().get(kRoute, "live", "nobody");
  EXPECT_TRUE(eventually([&] { return responder->status() != 0; }));
  EXPECT_EQ(responder->status(), 404);
  EXPECT_GE(std::chrono::steady_clock::now() - began, 200ms);
  config.http_wait = 0ms;
  service_->stop();
  start(config);
  auto at_once = host_.router().get(kRoute, "live", "nobody");
  host_.sync();
  EXPECT_EQ(at_once->status(), 404);
  EXPECT_EQ(service_->client_count(), 0u);
}

TEST_F(MpegtsServiceTest, HttpTsDropsAClientThatFallsBehind) {
  expect_dropped_after_overflow(true);
}

TEST_F(MpegtsServiceTest, HttpTsDropsAClientThatStopsReading) {
  // Its write never completes: the session must notice the overflow by itself.
  expect_dropped_after_overflow(false);
}

TEST_F(MpegtsServiceTest, HttpTsKeepsASlowClientWhoseQueueHolds) {
  // A write out for a while is not a reason to drop: only an overflow is.
  start();
  auto publisher = publish(host_.bus());
  const auto source = test::make_stream(StreamSpec{.duration = 2s});
  auto stream = stalled_client(*publisher, source, 10);
  ASSERT_TRUE(stream);
  std::this_thread::sleep_for(600ms);  // a few stall checks
  EXPECT_FALSE(stream->closed());
  stream->hold_writes(false);
  stream->release(true);
  push(*publisher, std::vector<PacketPtr>(source.begin() + 10, source.end()));
  host_.sync();
  EXPECT_TRUE(eventually([&] { return !stream->write_in_flight() && stream->writes() >= 3; }));
  EXPECT_FALSE(stream->closed());
  EXPECT_EQ(host_.log().find("dropped"), std::string::npos) << host_.log();
}

TEST_F(MpegtsServiceTest, HttpTsClientStaysAcrossAQuickRepublish) {
  start();
  const auto source = test::make_stream(StreamSpec{.duration = 2s});
  auto publisher = publish(host_.bus());
  push(*publisher, source);
  host_.sync();
  auto responder = host_.router().get(kRoute, "live", "a");
  host_.sync();
  ASSERT_EQ(responder->status(), 200);
  auto stream = responder->stream();
  const auto before = stream->bytes().size();
  // the encoder reconnects at once: end and publish again before the muxer runs
  publisher.reset();
  publisher = publish(host_.bus());
  push(*publisher, source);
  host_.sync();
  const auto bytes = stream->bytes();
  ASSERT_GT(bytes.size(), before);
  // after the first generation's last (flushed) audio, the second starts with
  // its own PAT: a keyframe unit, clean on its own
  std::size_t seam = before;
  while (seam < bytes.size() && (std::to_integer<unsigned>(bytes[seam + 1]) & 0x1F) != 0) {
    EXPECT_EQ(std::to_integer<unsigned>(bytes[seam + 2]), 0x01u)
        << "only generation 1's audio before the seam";
    seam += 188;
  }
  ASSERT_LT(seam, bytes.size());
  const auto second = test::scan_ts(std::span<const std::byte>(bytes).subspan(seam));
  EXPECT_TRUE(second.errors.empty()) << second.errors.front();
  EXPECT_EQ(second.pes_on(0x100).size(), 60u);
  // across the seam, one legal stream: the new time base and the restarted
  // counters are announced by discontinuity_indicator
  const auto whole = test::scan_ts(bytes);
  EXPECT_TRUE(whole.errors.empty()) << whole.errors.front();
  EXPECT_EQ(whole.pcr_discontinuities, 1u);
}

TEST_F(MpegtsServiceTest, HttpTsResponseEndsWhenNoRepublishComesWithinTheWait) {
  MpegtsConfig config;
  config.http_wait = 300ms;
  start(config);
  std::shared_ptr<test::FakeResponder> responder;
  auto publisher = live_with_client(responder);
  ASSERT_EQ(responder->status(), 200);
  publisher.reset();
  host_.sync();
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(responder->stream()->closed()) << "still waiting for the encoder to come back";
  EXPECT_TRUE(eventually([&] { return responder->stream()->closed(); }));
  EXPECT_NE(host_.log().find("reached the end of the stream"), std::string::npos) << host_.log();
}

TEST_F(MpegtsServiceTest, HttpTsClientLeavingEndsItsSession) {
  start();
  std::shared_ptr<test::FakeResponder> responder;
  auto publisher = live_with_client(responder);
  ASSERT_EQ(responder->status(), 200);
  EXPECT_EQ(service_->client_count(), 1u);
  responder->stream()->disconnect();
  EXPECT_TRUE(eventually([&] { return service_->client_count() == 0; }));
}

TEST_F(MpegtsServiceTest, HttpTsAsksAccessControl) {
  start();
  auto publisher = publish(host_.bus());
  auto responder = host_.router().get(kRoute, "live", "a", "token=deny");
  host_.sync();
  EXPECT_EQ(responder->status(), 403);
}

TEST_F(MpegtsServiceTest, HttpTsCanBeSwitchedOff) {
  MpegtsConfig config;
  config.http_ts = false;
  start(config);
  EXPECT_FALSE(host_.router().has(kRoute));
}

TEST_F(MpegtsServiceTest, StopEndsDerivedStreamsAndClients) {
  start();
  Consumer consumer(host_.bus(), kDerived);
  auto publisher = publish(host_.bus());
  push(*publisher, test::make_stream(StreamSpec{.duration = 2s}));
  host_.sync();
  auto responder = host_.router().get(kRoute, "live", "a");
  auto waiting = host_.router().get(kRoute, "live", "later");
  host_.sync();
  service_->stop();
  consumer.collect();
  EXPECT_EQ(consumer.items.back().type, BusItem::Type::StreamEnd);
  ASSERT_TRUE(responder->stream());
  EXPECT_TRUE(responder->stream()->closed());
  EXPECT_EQ(waiting->status(), 503);
  EXPECT_FALSE(host_.router().has(kRoute));
  auto after = publish(host_.bus(), {"live", "b", ""});
  host_.sync();
  EXPECT_FALSE(host_.bus().stream({"live", "b", "mpegts"})) << "nothing is muxed after stop";
}

TEST_F(MpegtsServiceTest, StopEndsAClientWhoseWriteIsStillOut) {
  // The HTTP layer settles a write in flight inside close() (http.hpp), so
  // stop() needs no waiting of its own for a client that stopped reading.
  start();
  auto publisher = publish(host_.bus());
  const auto source = test::make_stream(StreamSpec{.duration = 2s});
  auto stream = stalled_client(*publisher, source, source.size());
  ASSERT_TRUE(stream);

  const auto before = std::chrono::steady_clock::now();
  service_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 1s);
  EXPECT_TRUE(stream->closed());
  EXPECT_FALSE(stream->write_in_flight());
  EXPECT_EQ(service_->client_count(), 0u);
  EXPECT_NE(host_.log().find("was stopped with the server"), std::string::npos) << host_.log();
}

TEST_F(MpegtsServiceTest, AnAccessDecisionAfterStopIsAnswered503) {
  // An on-play callback may answer after the plugin stopped and was
  // destroyed: the decision must not reach the service any more.
  start();
  auto publisher = publish(host_.bus());
  push(*publisher, test::make_stream(StreamSpec{.duration = 1s}));
  host_.sync();
  auto responder = host_.router().get(kRoute, "live", "a", "token=later");
  host_.sync();
  EXPECT_EQ(responder->status(), 0) << "the decision is still out";
  service_->stop();
  service_.reset();
  host_.fake_access().decide_held(true);
  EXPECT_EQ(responder->status(), 503);
  EXPECT_FALSE(responder->stream());
}

}  // namespace
}  // namespace streamgate::mpegts
