// The recorder's pure layers against real peers: H.264 (with B-frames) + AAC
// made by ffmpeg, read with read_tag/packet_from_tag, recorded, written to a
// file, then checked by ffprobe and by a clean ffmpeg decode.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <fstream>
#include <iterator>
#include <set>

#include "memory_files.hpp"
#include "repair.hpp"
#include "support/media_tools.hpp"
#include "support/temp_dir.hpp"

namespace streamgate::flvrecord {
namespace {

using namespace test;
using namespace std::chrono_literals;
namespace st = streamgate::test;

Bytes read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Bytes out(chars.size());
  std::memcpy(out.data(), chars.data(), chars.size());
  return out;
}

void write_bytes(const std::filesystem::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

// Every tag of an FLV as bus packets, the way the RTMP plugin hands them on.
std::vector<std::shared_ptr<MediaPacket>> packets_of(const std::filesystem::path& path) {
  const SharedBytes bytes = SharedBytes::copy(read_bytes(path));
  std::vector<std::shared_ptr<MediaPacket>> out;
  auto header = flv::parse_file_header(bytes.span());
  EXPECT_TRUE(header.ok());
  for (std::size_t pos = header.consumed; pos < bytes.size();) {
    auto tag = flv::read_tag(bytes.span().subspan(pos));
    EXPECT_TRUE(tag.ok()) << tag.error;
    if (!tag.ok()) break;
    auto packet = flv::packet_from_tag(tag.value.type,
                                       bytes.slice(pos + flv::kTagHeaderSize, tag.value.data_size),
                                       tag.value.timestamp_ms);
    EXPECT_TRUE(packet.ok()) << packet.error;
    if (packet.value) out.push_back(packet.value);
    pos += tag.consumed;
  }
  return out;
}

st::MediaSpec source_spec() {
  st::MediaSpec spec;
  spec.seconds = 6;
  spec.fps = 30;
  spec.gop = 60;  // a keyframe every 2 s
  spec.bframes = true;
  return spec;
}

double format_duration(const std::filesystem::path& file) {
  auto json = st::probe(file.string());
  return std::stod(std::string(json.at("format").at("duration").as_string()));
}

// Positions of the video keyframes as ffprobe reads them.
std::set<std::uint64_t> probed_keyframe_positions(const std::filesystem::path& file) {
  auto result = st::run("ffprobe", {"-v", "error", "-select_streams", "v", "-show_entries",
                                    "packet=pos,flags", "-of", "json", file.string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::set<std::uint64_t> out;
  const boost::json::value json = boost::json::parse(result.out);
  for (const auto& p : json.at("packets").as_array()) {
    const auto& o = p.as_object();
    if (std::string(o.at("flags").as_string()).starts_with("K"))
      out.insert(std::stoull(std::string(o.at("pos").as_string())));
  }
  return out;
}

TEST(RecordingWithFfmpeg, RecordedFilePlaysSeeksAndHasItsIndex) {
  const auto source = st::test_media(source_spec());
  MemoryFiles files;
  Recording recording(files, {});
  for (const auto& p : packets_of(source)) recording.push(*p);
  recording.end();
  ASSERT_EQ(files.files.size(), 1u);
  st::TempDir dir("sg-flvrecord");
  const auto out = dir / "recorded.flv";
  write_bytes(out, files.files[0]->sink.bytes);

  EXPECT_EQ(st::decode_errors(out.string()), "");
  EXPECT_EQ(st::decode_errors(out.string(), {"-ss", "3"}), "") << "seeking to the middle";
  EXPECT_NEAR(format_duration(out), 6.0, 0.1);

  auto json = st::probe(out.string());
  std::set<std::string> codecs;
  for (const auto& s : json.at("streams").as_array())
    codecs.insert(std::string(s.at("codec_name").as_string()));
  EXPECT_EQ(codecs, (std::set<std::string>{"h264", "aac"}));

  // Same packets as the source, in number and timing.
  const auto source_packets = st::probe_packets(source.string());
  const auto recorded_packets = st::probe_packets(out.string());
  ASSERT_EQ(recorded_packets.size(), source_packets.size());
  for (std::size_t i = 0; i < source_packets.size(); ++i) {
    EXPECT_EQ(recorded_packets[i].codec_type, source_packets[i].codec_type) << i;
    EXPECT_NEAR(recorded_packets[i].pts, source_packets[i].pts, 0.0015) << i;
    EXPECT_EQ(recorded_packets[i].keyframe, source_packets[i].keyframe) << i;
  }

  // The index names exactly the keyframes ffprobe finds.
  const amf0::Value meta = metadata_of(read_file(files.files[0]->sink.bytes));
  std::set<std::uint64_t> indexed;
  for (const auto& pos : meta.find("keyframes")->find("filepositions")->items())
    indexed.insert(std::uint64_t(pos.as_number()));
  EXPECT_EQ(indexed, probed_keyframe_positions(out));
  EXPECT_EQ(indexed.size(), 3u);  // 0, 2, 4 s
}

TEST(RecordingWithFfmpeg, SegmentsEachDecodeAndTogetherHoldEveryPacket) {
  const auto source = st::test_media(source_spec());
  MemoryFiles files;
  RecordingOptions options;
  options.segments.max_duration = 2000ms;
  Recording recording(files, options);
  for (const auto& p : packets_of(source)) recording.push(*p);
  recording.end();
  ASSERT_EQ(files.files.size(), 3u);
  st::TempDir dir("sg-flvrecord-segments");
  std::size_t packets = 0;
  for (std::size_t i = 0; i < files.files.size(); ++i) {
    const auto out = dir / ("part" + std::to_string(i) + ".flv");
    write_bytes(out, files.files[i]->sink.bytes);
    // Keep the input time base: rescaling ms timestamps to 1/30 s relative to
    // an audio start half a frame off (17 ms here) makes ffmpeg's null muxer
    // report "non monotonically increasing dts" for frames whose packets are
    // fine; ffmpeg's own `-f segment` output of this source does the same.
    EXPECT_EQ(st::decode_errors(out.string(), {}, {"-enc_time_base:v", "-1"}), "")
        << "segment " << i;
    EXPECT_NEAR(format_duration(out), 2.0, 0.1) << "segment " << i;
    packets += st::probe_packets(out.string()).size();
  }
  EXPECT_EQ(packets, st::probe_packets(source.string()).size());
}

TEST(RecordingWithFfmpeg, TornRecordingRepairsToAPlayableFile) {
  const auto source = st::test_media(source_spec());
  MemorySink sink;
  FlvWriter writer(sink);
  Timeline timeline;
  for (const auto& p : packets_of(source)) writer.write(*p, timeline.map(*p).timestamp_ms);
  // The process is killed: no finish(), and the last write is cut short.
  Bytes torn(sink.bytes.begin(), sink.bytes.begin() + sink.bytes.size() * 6 / 10);
  const RepairPlan plan = plan_repair(torn);
  ASSERT_TRUE(plan.usable);
  ASSERT_TRUE(plan.rewrite);
  torn.resize(plan.truncate_to);
  apply_rewrite(torn, *plan.rewrite);
  st::TempDir dir("sg-flvrecord");
  const auto out = dir / "repaired.flv";
  write_bytes(out, torn);
  EXPECT_EQ(st::decode_errors(out.string()), "");
  EXPECT_NEAR(format_duration(out), plan.duration_ms / 1000.0, 0.01);
  EXPECT_GT(plan.duration_ms, 3000u);
}

}  // namespace
}  // namespace streamgate::flvrecord
