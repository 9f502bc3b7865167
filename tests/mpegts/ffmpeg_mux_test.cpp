// Real peers judge the plugin's output. ffmpeg makes the media; the core's
// FLV parser turns it into bus packets as the RTMP plugin will; the plugin's
// service muxes them through the core's LocalBus; the derived stream, written
// to a .ts, must satisfy ffprobe and ffmpeg (issue 5's "done when"):
//  - `ffmpeg -v error -i out.ts -f null -` prints nothing;
//  - PTS/DTS monotonic per stream, and every packet within 100 ms of its
//    source time (relative to the first video packet, so A/V alignment counts);
//  - as many frames per stream as the source;
//  - the longest PCR gap <= 100 ms, PAT/PMT at least every 500 ms (scanner).
// MPEGTS_TEST_LOG=1 prints the host log and the consumer's queue stats;
// STREAMGATE_KEEP_TEMP=1 keeps the .ts files.

#include <gtest/gtest.h>

#include <fstream>
#include <iostream>

#include "mpegts_service.hpp"
#include "source_check.hpp"
#include "source_media.hpp"
#include "support/media_tools.hpp"
#include "support/temp_dir.hpp"
#include "test_host.hpp"
#include "ts_scanner.hpp"

namespace streamgate::mpegts {
namespace {

using namespace std::chrono_literals;

struct Muxed {
  std::filesystem::path file;
  std::vector<PacketPtr> source;
  test::TsScan scan;
};

std::size_t ts_size(const std::vector<BusItem>& items) {
  std::size_t n = 0;
  for (const auto& item : items)
    if (item.type == BusItem::Type::Media) n += item.packet->payload.size();
  return n;
}

// Publishes `source` (`publishes` times in a row, as an encoder that
// reconnects) on a LocalBus with the service running and writes the derived
// stream, every generation, to `file`.
Muxed mux_through_service(std::vector<PacketPtr> source, const std::filesystem::path& file,
                          int publishes = 1) {
  test::TestHost host;
  MpegtsService service(MpegtsConfig{}, host);
  service.start();
  auto consumer = host.bus().subscribe(
      {"live", "test", "mpegts"},
      SubscribeOptions{.max_queue_bytes = 1u << 30, .max_queue_duration = 3600s}, [] {});
  PublishInfo info;
  info.protocol = "rtmp";
  for (int round = 0; round < publishes; ++round) {
    auto publisher = host.bus().publish({"live", "test", ""}, info);
    // Faster than real time, but never more than a second of media ahead of the
    // muxer: a live publisher cannot outrun it by the queue bound (10 s) either.
    std::optional<MediaTime> synced;
    for (const auto& packet : source) {
      publisher->push(packet);
      if (!synced || packet->dts - *synced >= 1s) {
        host.sync();
        synced = packet->dts;
      }
    }
  }
  host.sync();
  std::vector<BusItem> items;
  consumer->drain(items);
  service.stop();
  if (std::getenv("MPEGTS_TEST_LOG")) {
    const auto stats = consumer->stats();
    std::cerr << host.log() << "consumer: " << items.size() << " items, delivered "
              << stats.delivered_packets << " dropped " << stats.dropped_packets << " ts bytes "
              << ts_size(items) << "\n";
  }

  std::vector<std::byte> ts;
  for (const auto& item : items)
    if (item.type == BusItem::Type::Media)
      ts.insert(ts.end(), item.packet->payload.span().begin(), item.packet->payload.span().end());
  std::ofstream(file, std::ios::binary)
      .write(reinterpret_cast<const char*>(ts.data()), static_cast<std::streamsize>(ts.size()));
  return Muxed{file, std::move(source), test::scan_ts(ts)};
}

void check_against_source(const Muxed& muxed) {
  SCOPED_TRACE(muxed.file.string());
  test::expect_clean_transport(muxed.scan);
  EXPECT_EQ(streamgate::test::decode_errors(muxed.file.string()), "");

  const auto match = test::expect_matches_source(
      streamgate::test::probe_packets(muxed.file.string()), muxed.source, test::Join::Complete);
  const double worst = match.worst_error_s;
  ::testing::Test::RecordProperty("worst_timing_error_ms", std::to_string(worst * 1000));
  // The mapping is exact up to 90 kHz rounding and the 0.7 s offset is the
  // same for both tracks: well under a millisecond.
  EXPECT_LT(worst, 0.001);
}

class MpegtsFfmpeg : public ::testing::Test {
 protected:
  streamgate::test::TempDir dir_{"streamgate-mpegts"};
};

TEST_F(MpegtsFfmpeg, H264AndAac20Seconds) {
  streamgate::test::MediaSpec spec;
  spec.seconds = 20;
  const auto muxed =
      mux_through_service(test::read_flv(streamgate::test::test_media(spec)), dir_ / "av.ts");
  check_against_source(muxed);
  ASSERT_TRUE(muxed.scan.pmt);
  EXPECT_EQ(muxed.scan.pmt->stream_types.size(), 2u);
}

TEST_F(MpegtsFfmpeg, H264WithBFramesAndAac) {
  streamgate::test::MediaSpec spec;
  spec.seconds = 10;
  spec.bframes = true;
  check_against_source(
      mux_through_service(test::read_flv(streamgate::test::test_media(spec)), dir_ / "bframes.ts"));
}

TEST_F(MpegtsFfmpeg, AudioOnly) {
  streamgate::test::MediaSpec spec;
  spec.seconds = 10;
  spec.video = false;
  check_against_source(
      mux_through_service(test::read_flv(streamgate::test::test_media(spec)), dir_ / "audio.ts"));
}

TEST_F(MpegtsFfmpeg, VideoOnly) {
  streamgate::test::MediaSpec spec;
  spec.seconds = 10;
  spec.audio = false;
  check_against_source(
      mux_through_service(test::read_flv(streamgate::test::test_media(spec)), dir_ / "video.ts"));
}

TEST_F(MpegtsFfmpeg, Mp3Audio) {
  streamgate::test::MediaSpec spec;
  spec.seconds = 10;
  spec.audio_codec = "libmp3lame";
  const auto muxed =
      mux_through_service(test::read_flv(streamgate::test::test_media(spec)), dir_ / "mp3.ts");
  check_against_source(muxed);
  ASSERT_TRUE(muxed.scan.pmt);
  EXPECT_EQ(muxed.scan.pmt->stream_types.at(0x101), 0x03);
}

TEST_F(MpegtsFfmpeg, TimestampsPast2To32Milliseconds) {
  // A publisher 49.7 days in: RTMP's 32-bit clock wraps here, the bus's does
  // not, and the stream crosses the point 5 s in.
  streamgate::test::MediaSpec spec;
  spec.seconds = 10;
  const std::int64_t offset_ms = (std::int64_t{1} << 32) - 5000;
  const auto source = test::read_flv(streamgate::test::test_media(spec), offset_ms);
  ASSERT_GT(source.back()->dts, std::chrono::milliseconds(std::int64_t{1} << 32));
  check_against_source(mux_through_service(source, dir_ / "wrap32.ts"));
}

TEST_F(MpegtsFfmpeg, NinetyKilohertzClockWrapsMidStream) {
  // PTS = source + 0.7 s passes 2^33 ticks (26.5 h) 4 s in.
  streamgate::test::MediaSpec spec;
  spec.seconds = 10;
  const std::int64_t offset_ms = (std::int64_t{1} << 33) / 90 - 700 - 4000;
  check_against_source(mux_through_service(
      test::read_flv(streamgate::test::test_media(spec), offset_ms), dir_ / "wrap33.ts"));
}

TEST_F(MpegtsFfmpeg, Hevc) {
  streamgate::test::MediaSpec spec;
  spec.seconds = 6;
  spec.audio = false;
  spec.video_codec = "libx265";
  spec.container = "h265";
  const auto source = test::read_hevc(streamgate::test::test_media(spec), spec.fps);
  ASSERT_EQ(source.size(), 1u + 6 * 30);
  const auto muxed = mux_through_service(source, dir_ / "hevc.ts");
  ASSERT_TRUE(muxed.scan.pmt);
  EXPECT_EQ(muxed.scan.pmt->stream_types.at(0x100), 0x24);
  check_against_source(muxed);
}

TEST_F(MpegtsFfmpeg, RepublishSpliceDecodesCleanly) {
  // What an HTTP-TS client that stays across an encoder reconnect receives:
  // two generations back to back, time and counters restarting at the seam.
  streamgate::test::MediaSpec spec;
  spec.seconds = 4;
  const auto muxed = mux_through_service(test::read_flv(streamgate::test::test_media(spec)),
                                         dir_ / "splice.ts", 2);
  EXPECT_TRUE(muxed.scan.errors.empty()) << muxed.scan.errors.front();
  EXPECT_EQ(muxed.scan.pcr_discontinuities, 1u);
  EXPECT_EQ(streamgate::test::decode_errors(muxed.file.string()), "");
  const auto probed = streamgate::test::probe_packets(muxed.file.string());
  std::size_t source_video = 0;
  for (const auto& p : muxed.source) source_video += p->kind == TrackKind::Video && !p->config;
  EXPECT_EQ(streamgate::test::count_packets(probed, "video"), 2 * source_video);
}

}  // namespace
}  // namespace streamgate::mpegts
