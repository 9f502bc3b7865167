#pragma once
// FLV (Adobe FLV 10.1, Annex E) tags and the Enhanced RTMP (v1) video tag
// header. RTMP audio/video messages carry FLV tag bodies, so the RTMP plugin
// and the FLV recorder share this code.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "streamgate/bytes.hpp"
#include "streamgate/format/parse.hpp"
#include "streamgate/media.hpp"

namespace streamgate::flv {

enum class TagType : std::uint8_t { Audio = 8, Video = 9, Script = 18 };

/// Legacy FLV video CodecID values (E.4.3.1).
enum class VideoCodecId : std::uint8_t { Jpeg = 1, SorensonH263 = 2, ScreenVideo = 3, Vp6 = 4, Vp6Alpha = 5, ScreenVideo2 = 6, Avc = 7, HevcLegacy = 12 };
/// Enhanced RTMP video packet types.
enum class VideoPacketType : std::uint8_t { SequenceStart = 0, CodedFrames = 1, SequenceEnd = 2, CodedFramesX = 3, Metadata = 4, Mpeg2TsSequenceStart = 5 };
/// FLV SoundFormat values (E.4.2.1).
enum class SoundFormat : std::uint8_t { Pcm = 0, Adpcm = 1, Mp3 = 2, PcmLe = 3, Nellymoser16k = 4, Nellymoser8k = 5, Nellymoser = 6, G711A = 7, G711U = 8, Aac = 10, Speex = 11, Mp3_8k = 14, DeviceSpecific = 15 };

constexpr std::uint32_t fourcc(char a, char b, char c, char d) {
  return (std::uint32_t(std::uint8_t(a)) << 24) | (std::uint32_t(std::uint8_t(b)) << 16) |
         (std::uint32_t(std::uint8_t(c)) << 8) | std::uint32_t(std::uint8_t(d));
}

struct VideoTagHeader {
  std::uint8_t frame_type = 0;  ///< 1 key, 2 inter, 3 disposable, 4 generated key, 5 info/command
  bool enhanced = false;        ///< Enhanced RTMP ExHeader form
  std::uint8_t codec_id = 0;    ///< legacy CodecID (0 when enhanced)
  std::uint32_t fourcc = 0;     ///< enhanced FourCC (0 when legacy)
  Codec codec = Codec::Invalid;
  bool sequence_header = false;  ///< AVC/HEVC config record / SequenceStart
  bool sequence_end = false;
  bool is_metadata = false;  ///< enhanced Metadata packet or video info/command frame
  std::int32_t composition_time_ms = 0;  ///< signed 24-bit CTS
  std::size_t header_size = 0;           ///< bytes before the codec payload
};

struct AudioTagHeader {
  SoundFormat format = SoundFormat::Pcm;
  Codec codec = Codec::Invalid;
  AudioParams params{};          ///< from the header's rate/size/type bits
  bool sequence_header = false;  ///< AAC AudioSpecificConfig
  std::size_t header_size = 0;
};

Parsed<VideoTagHeader> parse_video_tag_header(std::span<const std::byte> body);
Parsed<AudioTagHeader> parse_audio_tag_header(std::span<const std::byte> body);

/// Turns one FLV tag body (an RTMP audio/video/data message payload) into a
/// bus packet. `payload` and `flv_tag_body` are slices of `body` (no copy).
/// Script data keeps only the onMetaData name+value (a leading
/// "@setDataFrame" is stripped); other script data is Invalid.
/// A valid tag that carries nothing for the bus (sequence end, video
/// info/command frame, Enhanced RTMP Metadata) gives Ok with a null packet.
/// `keyframe` is set on video frames of FrameType 1 or 4 only (never on a
/// config record, never on audio).
Parsed<std::shared_ptr<MediaPacket>> packet_from_tag(TagType type, const SharedBytes& body,
                                                     std::int64_t timestamp_ms);

/// The FLV tag body bytes that precede `packet.payload` (for packets that have
/// no flv_tag_body, e.g. produced by another protocol). Enhanced RTMP form
/// for H.265/AV1/VP9, legacy form for H.264/AAC/MP3/Speex.
std::vector<std::byte> tag_body_prefix(const MediaPacket& packet);
/// The whole tag body of `packet`: flv_tag_body if set, else prefix + payload.
SharedBytes tag_body(const MediaPacket& packet);

// ---- file level (FLV 10.1 Annex E.2, E.3) ----

constexpr std::size_t kFileHeaderSize = 9;
constexpr std::size_t kTagHeaderSize = 11;

/// "FLV", version 1, flags, header size 9, then PreviousTagSize0 = 0 (13 bytes).
std::array<std::byte, kFileHeaderSize + 4> file_header(bool has_audio, bool has_video);

/// 11-byte tag header; the timestamp is written as 24 bits + extension byte.
std::array<std::byte, kTagHeaderSize> tag_header(TagType type, std::uint32_t data_size,
                                                 std::uint32_t timestamp_ms);

struct FileHeader {
  bool has_audio = false;
  bool has_video = false;
  std::size_t data_offset = 9;
};
Parsed<FileHeader> parse_file_header(std::span<const std::byte> bytes);

struct Tag {
  TagType type = TagType::Script;
  std::uint32_t data_size = 0;
  std::uint32_t timestamp_ms = 0;
  std::span<const std::byte> body;  ///< into the input
};

/// Reads one tag plus its trailing PreviousTagSize from the front of `bytes`.
/// NeedMore when the tag is cut short (e.g. a torn last tag); Invalid when the
/// header or PreviousTagSize is inconsistent. `max_data_size` bounds the body.
Parsed<Tag> read_tag(std::span<const std::byte> bytes, std::uint32_t max_data_size = 16u << 20);

}  // namespace streamgate::flv
