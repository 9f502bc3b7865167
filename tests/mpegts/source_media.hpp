#pragma once
// Bus packets from media ffmpeg made: an FLV read with the core's FLV parser
// (as the RTMP plugin would deliver it), or a raw HEVC elementary stream
// (ffmpeg 5.1 cannot put HEVC in FLV) turned into an HEVCDecoderConfiguration
// Record and length-prefixed access units as Enhanced RTMP carries them.

#include <cstdint>
#include <filesystem>
#include <vector>

#include "streamgate/media.hpp"

namespace streamgate::mpegts::test {

// Every packet of an FLV file, timestamps shifted by `offset_ms`.
std::vector<PacketPtr> read_flv(const std::filesystem::path& path, std::int64_t offset_ms = 0);

// An Annex B HEVC stream at a constant `fps` without B-frames: the config
// record, then one packet per access unit (parameter sets left to the config).
std::vector<PacketPtr> read_hevc(const std::filesystem::path& path, int fps);

std::vector<std::byte> read_file(const std::filesystem::path& path);

}  // namespace streamgate::mpegts::test
