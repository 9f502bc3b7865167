#pragma once
// Deterministic bus packets for muxer tests: an H.264/HEVC config and frames
// made of well-formed length-prefixed NAL units (content is filler: nothing
// here decodes, the muxer never decodes), AAC/MP3 frames at their real
// cadence, interleaved in DTS order as a publisher sends them.

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "streamgate/media.hpp"
#include "test_bytes.hpp"

namespace streamgate::mpegts::test {

struct StreamSpec {
  MediaTime start{0};
  MediaTime duration{std::chrono::seconds(10)};
  bool video = true;
  Codec video_codec = Codec::H264;
  int fps = 30;
  int gop = 60;
  std::size_t keyframe_bytes = 20'000;
  std::size_t frame_bytes = 3'000;
  MediaTime composition_offset{0};  // pts - dts of every video frame
  bool audio = true;
  Codec audio_codec = Codec::AAC;
  std::uint32_t sample_rate = 44100;
  std::size_t audio_frame_bytes = 371;
};

// AVCDecoderConfigurationRecord: High profile, 4-byte lengths, one SPS, one PPS.
std::vector<std::byte> avc_record();
// HEVCDecoderConfigurationRecord with one VPS, SPS, PPS, 4-byte lengths.
std::vector<std::byte> hevc_record();

PacketPtr make_packet(TrackKind kind, Codec codec, MediaTime dts, MediaTime pts, bool keyframe,
                      bool config, std::vector<std::byte> payload);
// One length-prefixed frame: an IDR / IRAP slice when `key`, else an inter slice.
std::vector<std::byte> video_frame(Codec codec, bool key, std::size_t bytes, std::uint32_t seed);
// An MP3 frame (MPEG-1 Layer III at 44.1/48/32 kHz, MPEG-2 below) of `bytes`.
std::vector<std::byte> mp3_frame(std::uint32_t sample_rate, std::size_t bytes);

// Configs first, then frames in DTS order.
std::vector<PacketPtr> make_stream(const StreamSpec& spec);

// Duration of one audio frame of `codec` at `sample_rate`.
MediaTime audio_frame_duration(Codec codec, std::uint32_t sample_rate);

}  // namespace streamgate::mpegts::test
