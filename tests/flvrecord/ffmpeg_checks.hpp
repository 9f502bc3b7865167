#pragma once
// FLVs made by ffmpeg turned into bus packets, and the checks ffprobe/ffmpeg
// make on what the recorder wrote: the real peers judge the files.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "file_bytes.hpp"
#include "memory_files.hpp"
#include "support/media_tools.hpp"

namespace streamgate::flvrecord::test {

namespace st = streamgate::test;

/// 6 s of H.264 with B-frames (a keyframe every 2 s) + AAC.
inline st::MediaSpec source_spec() {
  st::MediaSpec spec;
  spec.seconds = 6;
  spec.fps = 30;
  spec.gop = 60;
  spec.bframes = true;
  return spec;
}

/// Every tag of an FLV as bus packets, the way the RTMP plugin hands them on.
inline std::vector<std::shared_ptr<MediaPacket>> packets_of(const std::filesystem::path& path) {
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

/// ffprobe's format duration in seconds.
inline double format_duration(const std::filesystem::path& file) {
  auto json = st::probe(file.string());
  return std::stod(std::string(json.at("format").at("duration").as_string()));
}

/// codec_name of every stream.
inline std::set<std::string> codecs_of(const std::filesystem::path& file) {
  std::set<std::string> codecs;
  const boost::json::value json = st::probe(file.string());  // outlives the loop
  for (const auto& s : json.at("streams").as_array())
    codecs.insert(std::string(s.at("codec_name").as_string()));
  return codecs;
}

struct ProbedVideoPacket {
  std::uint64_t pos = 0;
  bool keyframe = false;
};

/// Video packets as ffprobe reads them; with `seek_s`, only the first one after
/// seeking there (ffprobe -read_intervals, which seeks like a player does).
inline std::vector<ProbedVideoPacket> probed_video_packets(const std::filesystem::path& file,
                                                           std::optional<double> seek_s = {}) {
  std::vector<std::string> args = {"-v", "error", "-select_streams", "v"};
  if (seek_s) args.insert(args.end(), {"-read_intervals", std::to_string(*seek_s) + "%+#1"});
  args.insert(args.end(), {"-show_entries", "packet=pos,flags", "-of", "json", file.string()});
  auto result = st::run("ffprobe", args);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::vector<ProbedVideoPacket> out;
  const boost::json::value json = boost::json::parse(result.out);
  for (const auto& p : json.at("packets").as_array()) {
    const auto& o = p.as_object();
    out.push_back({std::stoull(std::string(o.at("pos").as_string())),
                   std::string(o.at("flags").as_string()).starts_with("K")});
  }
  return out;
}

/// Positions of the video keyframes as ffprobe reads them.
inline std::set<std::uint64_t> probed_keyframe_positions(const std::filesystem::path& file) {
  std::set<std::uint64_t> out;
  for (const auto& p : probed_video_packets(file))
    if (p.keyframe) out.insert(p.pos);
  return out;
}

/// keyframes.filepositions of a recording's metadata.
inline std::set<std::uint64_t> indexed_positions(const ReadFile& file) {
  std::set<std::uint64_t> out;
  const amf0::Value meta = metadata_of(file);
  const amf0::Value* keyframes = meta.find("keyframes");
  if (!keyframes || !keyframes->find("filepositions")) return out;
  for (const auto& pos : keyframes->find("filepositions")->items())
    out.insert(std::uint64_t(pos.as_number()));
  return out;
}

}  // namespace streamgate::flvrecord::test
