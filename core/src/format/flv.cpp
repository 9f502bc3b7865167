#include "streamgate/format/flv.hpp"

#include <string>

#include "format/aac_config.hpp"
#include "format/byte_reader.hpp"
#include "format/byte_writer.hpp"
#include "streamgate/format/amf0.hpp"

namespace streamgate::flv {

namespace {

constexpr std::uint8_t kExHeaderBit = 0x80;
constexpr std::uint8_t kFrameKey = 1;
constexpr std::uint8_t kFrameInter = 2;
constexpr std::uint8_t kFrameGeneratedKey = 4;
constexpr std::uint8_t kFrameCommand = 5;

constexpr std::uint32_t kFourccHevc = fourcc('h', 'v', 'c', '1');
constexpr std::uint32_t kFourccAv1 = fourcc('a', 'v', '0', '1');
constexpr std::uint32_t kFourccVp9 = fourcc('v', 'p', '0', '9');
// Enhanced RTMP v2 adds avc1; accepted on input, never written.
constexpr std::uint32_t kFourccAvc = fourcc('a', 'v', 'c', '1');

std::string fourcc_text(std::uint32_t code) {
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) {
    const char c = char((code >> shift) & 0xFF);
    out += (c >= 0x20 && c < 0x7F) ? c : '?';
  }
  return out;
}

// Legacy header (E.4.3.1 VIDEODATA): FrameType UB[4] | CodecID UB[4]; for
// AVC (7) and HEVC-in-AVC-layout (12) then AVCPacketType UI8 and
// CompositionTime SI24.
Parsed<VideoTagHeader> parse_legacy_video(format::ByteReader& in, std::uint8_t first) {
  VideoTagHeader h;
  h.frame_type = first >> 4;
  h.codec_id = first & 0x0F;
  if (h.frame_type == 0 || h.frame_type > kFrameCommand)
    return Parsed<VideoTagHeader>::fail("flv: reserved video frame type " +
                                        std::to_string(h.frame_type));
  h.header_size = 1;
  if (h.codec_id < std::uint8_t(VideoCodecId::Jpeg) ||
      (h.codec_id > std::uint8_t(VideoCodecId::Avc) &&
       h.codec_id != std::uint8_t(VideoCodecId::HevcLegacy)))
    return Parsed<VideoTagHeader>::fail("flv: unknown video codec id " +
                                        std::to_string(h.codec_id));
  const bool avc_layout = h.codec_id == std::uint8_t(VideoCodecId::Avc) ||
                          h.codec_id == std::uint8_t(VideoCodecId::HevcLegacy);
  h.codec = h.codec_id == std::uint8_t(VideoCodecId::Avc)          ? Codec::H264
            : h.codec_id == std::uint8_t(VideoCodecId::HevcLegacy) ? Codec::H265
                                                                   : Codec::OtherVideo;
  if (h.frame_type == kFrameCommand) {
    // The body is one UI8 (seek start/end), not video.
    h.is_metadata = true;
    return Parsed<VideoTagHeader>::done(h.header_size, h);
  }
  if (!avc_layout) return Parsed<VideoTagHeader>::done(h.header_size, h);

  std::uint8_t packet_type = 0;
  std::int32_t cts = 0;
  if (!in.u8(packet_type) || !in.s24(cts))
    return Parsed<VideoTagHeader>::fail("flv: AVC video tag shorter than its 5-byte header");
  switch (packet_type) {
    case 0:
      h.sequence_header = true;
      break;  // AVCDecoderConfigurationRecord
    case 1:
      h.composition_time_ms = cts;
      break;  // NALUs
    case 2:
      h.sequence_end = true;
      break;
    default:
      return Parsed<VideoTagHeader>::fail("flv: unknown AVCPacketType " +
                                          std::to_string(packet_type));
  }
  h.header_size = 5;
  return Parsed<VideoTagHeader>::done(h.header_size, h);
}

// Enhanced RTMP v1, ExVideoTagHeader: IsExHeader UB[1] | FrameType UB[3] |
// PacketType UB[4], then Video FourCC UI32; for hvc1 (and v2's avc1)
// CodedFrames carries CompositionTime SI24, CodedFramesX implies 0.
Parsed<VideoTagHeader> parse_enhanced_video(format::ByteReader& in, std::uint8_t first) {
  VideoTagHeader h;
  h.enhanced = true;
  h.frame_type = (first >> 4) & 0x07;
  const std::uint8_t packet_type = first & 0x0F;
  if (!in.u32(h.fourcc))
    return Parsed<VideoTagHeader>::fail("flv: enhanced video tag shorter than its 5-byte header");
  h.header_size = 5;
  switch (h.fourcc) {
    case kFourccHevc:
      h.codec = Codec::H265;
      break;
    case kFourccAv1:
      h.codec = Codec::AV1;
      break;
    case kFourccVp9:
      h.codec = Codec::VP9;
      break;
    case kFourccAvc:
      h.codec = Codec::H264;
      break;
    default:
      // The spec asks parsers to fail gracefully on what they do not know.
      return Parsed<VideoTagHeader>::fail("flv: unsupported video FourCC '" +
                                          fourcc_text(h.fourcc) + "'");
  }
  // PacketTypeMetadata ignores FrameType; everything else needs a real one.
  if (packet_type != std::uint8_t(VideoPacketType::Metadata) &&
      (h.frame_type == 0 || h.frame_type > kFrameCommand))
    return Parsed<VideoTagHeader>::fail("flv: reserved video frame type " +
                                        std::to_string(h.frame_type));
  if (h.frame_type == kFrameCommand && packet_type != std::uint8_t(VideoPacketType::Metadata)) {
    h.is_metadata = true;  // a UI8 command follows, not video
    return Parsed<VideoTagHeader>::done(h.header_size, h);
  }
  const bool has_cts = h.fourcc == kFourccHevc || h.fourcc == kFourccAvc;
  switch (VideoPacketType(packet_type)) {
    case VideoPacketType::SequenceStart:
      h.sequence_header = true;
      break;
    case VideoPacketType::CodedFrames:
      if (has_cts) {
        if (!in.s24(h.composition_time_ms))
          return Parsed<VideoTagHeader>::fail(
              "flv: CodedFrames tag shorter than its 8-byte header");
        h.header_size = 8;
      }
      break;
    case VideoPacketType::CodedFramesX:
      break;
    case VideoPacketType::SequenceEnd:
      h.sequence_end = true;
      break;
    case VideoPacketType::Metadata:
      h.is_metadata = true;
      break;
    case VideoPacketType::Mpeg2TsSequenceStart:
      // An AV1 video descriptor, not a config record the bus could use.
      h.is_metadata = true;
      break;
    default:
      return Parsed<VideoTagHeader>::fail("flv: unsupported enhanced video packet type " +
                                          std::to_string(packet_type));
  }
  return Parsed<VideoTagHeader>::done(h.header_size, h);
}

// E.4.2.1 SoundRate: 0 = 5.5 kHz, 1 = 11 kHz, 2 = 22 kHz, 3 = 44 kHz.
constexpr std::uint32_t kSoundRates[4] = {5512, 11025, 22050, 44100};

std::uint8_t sound_rate_bits(std::uint32_t sample_rate) {
  if (sample_rate >= 44100) return 3;
  if (sample_rate >= 22050) return 2;
  if (sample_rate >= 11025) return 1;
  return 0;
}

Codec audio_codec(SoundFormat format) {
  switch (format) {
    case SoundFormat::Aac:
      return Codec::AAC;
    case SoundFormat::Mp3:
    case SoundFormat::Mp3_8k:
      return Codec::MP3;
    case SoundFormat::Speex:
      return Codec::Speex;
    case SoundFormat::G711A:
      return Codec::G711A;
    case SoundFormat::G711U:
      return Codec::G711U;
    default:
      return Codec::OtherAudio;
  }
}

// E.4.2.1: these formats have one rate, whatever the SoundRate bits say.
std::uint32_t fixed_sample_rate(SoundFormat format) {
  switch (format) {
    case SoundFormat::Mp3_8k:
    case SoundFormat::Nellymoser8k:
    case SoundFormat::G711A:
    case SoundFormat::G711U:
      return 8000;
    case SoundFormat::Nellymoser16k:
    case SoundFormat::Speex:
      return 16000;
    default:
      return 0;
  }
}

}  // namespace

Parsed<VideoTagHeader> parse_video_tag_header(std::span<const std::byte> body) {
  format::ByteReader in(body);
  std::uint8_t first = 0;
  if (!in.u8(first)) return Parsed<VideoTagHeader>::fail("flv: empty video tag");
  return (first & kExHeaderBit) ? parse_enhanced_video(in, first) : parse_legacy_video(in, first);
}

// E.4.2.1 AUDIODATA: SoundFormat UB[4] | SoundRate UB[2] | SoundSize UB[1] |
// SoundType UB[1]; for AAC (10) then AACPacketType UI8.
Parsed<AudioTagHeader> parse_audio_tag_header(std::span<const std::byte> body) {
  format::ByteReader in(body);
  std::uint8_t first = 0;
  if (!in.u8(first)) return Parsed<AudioTagHeader>::fail("flv: empty audio tag");
  AudioTagHeader h;
  h.format = SoundFormat(first >> 4);
  h.header_size = 1;
  h.params.sample_rate = kSoundRates[(first >> 2) & 0x03];
  h.params.bits = (first & 0x02) ? 16 : 8;
  h.params.channels = (first & 0x01) ? 2 : 1;
  h.codec = audio_codec(h.format);
  if (const std::uint32_t rate = fixed_sample_rate(h.format)) h.params.sample_rate = rate;
  if (h.format == SoundFormat::Speex) h.params = {16000, 1, 16};  // E.4.2.1: always mono
  if (h.codec == Codec::AAC) {
    std::uint8_t packet_type = 0;
    if (!in.u8(packet_type))
      return Parsed<AudioTagHeader>::fail("flv: AAC audio tag shorter than its 2-byte header");
    if (packet_type > 1)
      return Parsed<AudioTagHeader>::fail("flv: unknown AACPacketType " +
                                          std::to_string(packet_type));
    h.sequence_header = packet_type == 0;  // AudioSpecificConfig
    h.header_size = 2;
  }
  return Parsed<AudioTagHeader>::done(h.header_size, h);
}

namespace {

using PacketResult = Parsed<std::shared_ptr<MediaPacket>>;

MediaTime ms(std::int64_t value) { return std::chrono::milliseconds(value); }

PacketResult video_packet(const SharedBytes& body, std::int64_t timestamp_ms) {
  auto header = parse_video_tag_header(body.span());
  if (!header.ok()) return PacketResult::fail(std::move(header.error));
  const VideoTagHeader& h = header.value;
  // Sequence end, command frames and HDR metadata are valid but carry nothing
  // the bus has a place for.
  if (h.sequence_end || h.is_metadata) return PacketResult::done(body.size(), nullptr);
  auto packet = std::make_shared<MediaPacket>();
  packet->kind = TrackKind::Video;
  packet->codec = h.codec;
  packet->config = h.sequence_header;
  // A config record is not a frame, so never a random access point itself.
  packet->keyframe =
      !h.sequence_header && (h.frame_type == kFrameKey || h.frame_type == kFrameGeneratedKey);
  packet->dts = ms(timestamp_ms);
  packet->pts = ms(timestamp_ms + h.composition_time_ms);
  packet->payload = body.slice(h.header_size);
  packet->flv_tag_body = body;
  return PacketResult::done(body.size(), std::move(packet));
}

PacketResult audio_packet(const SharedBytes& body, std::int64_t timestamp_ms) {
  auto header = parse_audio_tag_header(body.span());
  if (!header.ok()) return PacketResult::fail(std::move(header.error));
  const AudioTagHeader& h = header.value;
  auto packet = std::make_shared<MediaPacket>();
  packet->kind = TrackKind::Audio;
  packet->codec = h.codec;
  packet->config = h.sequence_header;
  packet->dts = packet->pts = ms(timestamp_ms);
  packet->audio = h.params;
  packet->payload = body.slice(h.header_size);
  packet->flv_tag_body = body;
  if (h.codec == Codec::AAC) {
    // The FLV header always says 44 kHz stereo for AAC (E.4.2.1): only the
    // AudioSpecificConfig knows the truth, so frames say "unknown".
    packet->audio.sample_rate = 0;
    packet->audio.channels = 0;
    if (h.sequence_header) {
      if (auto asc = format::parse_aac_config(packet->payload.span())) {
        packet->audio.sample_rate = asc->sample_rate;
        packet->audio.channels = asc->channels;
      }
    }
  }
  return PacketResult::done(body.size(), std::move(packet));
}

// E.4.4.1 SCRIPTDATA: "onMetaData" then its object, optionally preceded by
// "@setDataFrame" (how RTMP encoders ask a server to keep the metadata).
// Both forms become the plain name + value, sliced without a copy.
PacketResult script_packet(const SharedBytes& body, std::int64_t timestamp_ms) {
  std::size_t start = 0;
  auto name = amf0::decode(body.span());
  if (!name.ok()) return PacketResult::fail("flv: script data: " + name.error);
  if (name.value.as_string() == "@setDataFrame") {
    start = name.consumed;
    name = amf0::decode(body.span().subspan(start));
    if (!name.ok()) return PacketResult::fail("flv: script data: " + name.error);
  }
  if (name.value.as_string() != "onMetaData")
    return PacketResult::fail("flv: script data is not onMetaData");
  auto value = amf0::decode(body.span().subspan(start + name.consumed));
  if (!value.ok()) return PacketResult::fail("flv: onMetaData value: " + value.error);
  if (!value.value.is_object_like())
    return PacketResult::fail("flv: onMetaData value is not an object");
  auto packet = std::make_shared<MediaPacket>();
  packet->kind = TrackKind::Data;
  packet->codec = Codec::ScriptData;
  packet->dts = packet->pts = ms(timestamp_ms);
  packet->payload = body.slice(start, name.consumed + value.consumed);
  packet->flv_tag_body = packet->payload;  // what a player or file must get
  return PacketResult::done(body.size(), std::move(packet));
}

}  // namespace

Parsed<std::shared_ptr<MediaPacket>> packet_from_tag(TagType type, const SharedBytes& body,
                                                     std::int64_t timestamp_ms) {
  switch (type) {
    case TagType::Video:
      return video_packet(body, timestamp_ms);
    case TagType::Audio:
      return audio_packet(body, timestamp_ms);
    case TagType::Script:
      return script_packet(body, timestamp_ms);
  }
  return PacketResult::fail("flv: unknown tag type " + std::to_string(int(type)));
}

namespace {

std::uint8_t frame_type_of(const MediaPacket& packet) {
  return (packet.keyframe || packet.config) ? kFrameKey : kFrameInter;
}

std::int32_t composition_time_ms(const MediaPacket& packet) {
  return std::int32_t(
      std::chrono::duration_cast<std::chrono::milliseconds>(packet.pts - packet.dts).count());
}

void enhanced_video_prefix(const MediaPacket& packet, std::uint32_t code, bool has_cts,
                           format::ByteWriter& w) {
  const std::int32_t cts = composition_time_ms(packet);
  VideoPacketType type = VideoPacketType::CodedFramesX;
  if (packet.config)
    type = VideoPacketType::SequenceStart;
  else if (!has_cts || cts != 0)
    // CodedFramesX is hvc1's "CTS = 0" shortcut; AV1/VP9 use CodedFrames.
    type = VideoPacketType::CodedFrames;
  w.u8(std::uint8_t(kExHeaderBit | (frame_type_of(packet) << 4) | std::uint8_t(type)));
  w.u32(code);
  if (type == VideoPacketType::CodedFrames && has_cts) w.s24(cts);
}

// The SoundFormat byte for codecs whose header bits describe the stream.
std::uint8_t sound_byte(SoundFormat format, std::uint8_t rate_bits, const AudioParams& params) {
  const std::uint8_t size_bit = params.bits == 8 ? 0 : 1;
  const std::uint8_t type_bit = params.channels >= 2 ? 1 : 0;
  return std::uint8_t((std::uint8_t(format) << 4) | (rate_bits << 2) | (size_bit << 1) | type_bit);
}

}  // namespace

std::vector<std::byte> tag_body_prefix(const MediaPacket& packet) {
  std::vector<std::byte> out;
  format::ByteWriter w(out);
  switch (packet.codec) {
    case Codec::H264:
      // Legacy AVC layout, E.4.3.1: FrameType|CodecID, AVCPacketType, CTS.
      w.u8(std::uint8_t((frame_type_of(packet) << 4) | std::uint8_t(VideoCodecId::Avc)));
      w.u8(packet.config ? 0 : 1);
      w.s24(packet.config ? 0 : composition_time_ms(packet));
      break;
    case Codec::H265:
      enhanced_video_prefix(packet, kFourccHevc, true, w);
      break;
    case Codec::AV1:
      enhanced_video_prefix(packet, kFourccAv1, false, w);
      break;
    case Codec::VP9:
      enhanced_video_prefix(packet, kFourccVp9, false, w);
      break;
    case Codec::AAC:
      // E.4.2.1: AAC is always signalled as 44 kHz, 16-bit, stereo (0xAF).
      w.u8(sound_byte(SoundFormat::Aac, 3, {44100, 2, 16}));
      w.u8(packet.config ? 0 : 1);
      break;
    case Codec::MP3:
      if (packet.audio.sample_rate == 8000)
        w.u8(sound_byte(SoundFormat::Mp3_8k, 0, packet.audio));
      else
        w.u8(sound_byte(SoundFormat::Mp3, sound_rate_bits(packet.audio.sample_rate), packet.audio));
      break;
    case Codec::Speex:
      // E.4.2.1: SoundRate 0, SoundSize 1, SoundType 0 for Speex.
      w.u8(sound_byte(SoundFormat::Speex, 0, {16000, 1, 16}));
      break;
    case Codec::G711A:
      w.u8(sound_byte(SoundFormat::G711A, 0, packet.audio));
      break;
    case Codec::G711U:
      w.u8(sound_byte(SoundFormat::G711U, 0, packet.audio));
      break;
    default:
      // ScriptData needs no prefix; OtherVideo/OtherAudio only exist with
      // their original flv_tag_body; Opus and MPEG-TS have no FLV form here.
      break;
  }
  return out;
}

SharedBytes tag_body(const MediaPacket& packet) {
  if (!packet.flv_tag_body.empty()) return packet.flv_tag_body;
  if (packet.codec == Codec::ScriptData) return packet.payload;
  const auto prefix = tag_body_prefix(packet);
  if (prefix.empty()) return {};  // no FLV form for this packet
  const std::span<const std::byte> parts[] = {prefix, packet.payload.span()};
  return SharedBytes::concat(parts);
}

}  // namespace streamgate::flv
