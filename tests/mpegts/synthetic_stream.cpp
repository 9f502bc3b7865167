#include "synthetic_stream.hpp"

#include <algorithm>

namespace streamgate::mpegts::test {

std::vector<std::byte> avc_record() {
  return hex("01 64 00 1F FF E1 00 04 67 64 00 1F 01 00 03 68 EE 3C");
}

std::vector<std::byte> hevc_record() {
  return hex(
      "01 01 60 00 00 00 90 00 00 00 00 00 5D F0 00 FC FD F8 F8 00 00 0F 03"
      "A0 00 01 00 03 40 01 0C  A1 00 01 00 03 42 01 01  A2 00 01 00 03 44 01 C1");
}

PacketPtr make_packet(TrackKind kind, Codec codec, MediaTime dts, MediaTime pts, bool keyframe,
                      bool config, std::vector<std::byte> payload) {
  auto packet = std::make_shared<MediaPacket>();
  packet->kind = kind;
  packet->codec = codec;
  packet->dts = dts;
  packet->pts = pts;
  packet->keyframe = keyframe;
  packet->config = config;
  packet->payload = SharedBytes::copy(payload);
  return packet;
}

std::vector<std::byte> video_frame(Codec codec, bool key, std::size_t bytes, std::uint32_t seed) {
  // one NAL unit: header then filler, behind a 4-byte length
  std::vector<std::byte> nal = filler(std::max<std::size_t>(bytes, 8) - 4, seed);
  if (codec == Codec::H264) {
    nal[0] = std::byte{static_cast<std::uint8_t>(key ? 0x65 : 0x41)};  // IDR slice / non-IDR slice
  } else {
    nal[0] = std::byte{static_cast<std::uint8_t>(key ? 0x26 : 0x02)};  // IDR_W_RADL / TRAIL_R
    nal[1] = std::byte{0x01};
  }
  const std::size_t n = nal.size();
  auto out = hex("00 00 00 00");
  out[0] = std::byte(static_cast<std::uint8_t>(n >> 24));
  out[1] = std::byte(static_cast<std::uint8_t>(n >> 16));
  out[2] = std::byte(static_cast<std::uint8_t>(n >> 8));
  out[3] = std::byte(static_cast<std::uint8_t>(n));
  out.insert(out.end(), nal.begin(), nal.end());
  return out;
}

std::vector<std::byte> mp3_frame(std::uint32_t sample_rate, std::size_t bytes) {
  auto out = filler(bytes, sample_rate);
  out[0] = std::byte{0xFF};
  const bool mpeg1 = sample_rate >= 32000;
  out[1] = std::byte{
      static_cast<std::uint8_t>(mpeg1 ? 0xFB : 0xF3)};  // version 11 / 10, layer III, no CRC
  const unsigned rate_index = (sample_rate == 48000 || sample_rate == 24000)   ? 1
                              : (sample_rate == 32000 || sample_rate == 16000) ? 2
                                                                               : 0;
  out[2] = std::byte{static_cast<std::uint8_t>(0x90 | (rate_index << 2))};
  return out;
}

MediaTime audio_frame_duration(Codec codec, std::uint32_t sample_rate) {
  const std::int64_t samples = codec == Codec::MP3 ? (sample_rate >= 32000 ? 1152 : 576) : 1024;
  return MediaTime{samples * 1'000'000 / sample_rate};
}

std::vector<PacketPtr> make_stream(const StreamSpec& spec) {
  std::vector<PacketPtr> out;
  if (spec.video)
    out.push_back(make_packet(TrackKind::Video, spec.video_codec, spec.start, spec.start, false,
                              true,
                              spec.video_codec == Codec::H264 ? avc_record() : hevc_record()));
  if (spec.audio && spec.audio_codec == Codec::AAC)
    out.push_back(make_packet(TrackKind::Audio, Codec::AAC, spec.start, spec.start, false, true,
                              hex("12 10")));

  std::vector<PacketPtr> frames;
  if (spec.video) {
    const std::int64_t count = spec.duration.count() * spec.fps / 1'000'000;
    for (std::int64_t i = 0; i < count; ++i) {
      const MediaTime dts = spec.start + MediaTime{i * 1'000'000 / spec.fps};
      const bool key = i % spec.gop == 0;
      frames.push_back(make_packet(
          TrackKind::Video, spec.video_codec, dts, dts + spec.composition_offset, key, false,
          video_frame(spec.video_codec, key, key ? spec.keyframe_bytes : spec.frame_bytes,
                      static_cast<std::uint32_t>(i))));
    }
  }
  if (spec.audio) {
    const MediaTime step = audio_frame_duration(spec.audio_codec, spec.sample_rate);
    for (MediaTime t{0}; t < spec.duration; t += step) {
      const MediaTime dts = spec.start + t;
      auto payload = spec.audio_codec == Codec::MP3
                         ? mp3_frame(spec.sample_rate, spec.audio_frame_bytes)
                         : filler(spec.audio_frame_bytes, static_cast<std::uint32_t>(t.count()));
      frames.push_back(make_packet(TrackKind::Audio, spec.audio_codec, dts, dts, true, false,
                                   std::move(payload)));
    }
  }
  std::stable_sort(frames.begin(), frames.end(),
                   [](const PacketPtr& a, const PacketPtr& b) { return a->dts < b->dts; });
  out.insert(out.end(), frames.begin(), frames.end());
  return out;
}

}  // namespace streamgate::mpegts::test
