#pragma once
// The media packet that travels on the bus. Timestamps are 64-bit and never
// wrap; payloads are shared, immutable buffers.
//
// Payload conventions (every producer and consumer follows them):
//  - H.264 / H.265: `payload` is length-prefixed NAL units (AVCC/HVCC form); a
//    `config` packet carries the AVCDecoderConfigurationRecord /
//    HEVCDecoderConfigurationRecord.
//  - AV1 / VP9: frames as carried in Enhanced RTMP; config = av1C / vpcC record.
//  - AAC: one raw AAC frame (no ADTS); config = AudioSpecificConfig.
//  - MP3, Speex, other audio: the codec bytes after the FLV audio tag header.
//  - ScriptData: an AMF0 `onMetaData` name + value (what FLV stores in a script tag).
//  - MpegTs: whole 188-byte transport packets (a derived stream, see bus.hpp).
// `flv_tag_body`, when set, is the original FLV tag body (the RTMP message
// payload) the packet was parsed from, so FLV-family outputs can relay it
// byte for byte. It shares storage with `payload`.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

#include "streamgate/bytes.hpp"

namespace streamgate {

/// Media time: microseconds on a 64-bit clock that never wraps.
using MediaTime = std::chrono::microseconds;

enum class TrackKind : std::uint8_t { Invalid = 0, Video, Audio, Data, Mux };

enum class Codec : std::uint8_t {
  Invalid = 0,
  // video
  H264,
  H265,
  AV1,
  VP9,
  OtherVideo,  ///< relayed untouched (e.g. Sorenson, VP6); FLV codec id in flv_tag_body
  // audio
  AAC,
  MP3,
  Speex,
  Opus,
  G711A,
  G711U,
  OtherAudio,  ///< relayed untouched (PCM, Nellymoser, ...)
  // data
  ScriptData,
  // muxed
  MpegTs,
};

std::string_view to_string(Codec codec) noexcept;
std::string_view to_string(TrackKind kind) noexcept;

struct AudioParams {
  std::uint32_t sample_rate = 0;  ///< Hz, 0 if unknown
  std::uint8_t channels = 0;      ///< 0 if unknown
  std::uint8_t bits = 0;          ///< bits per sample, 0 if unknown
};

/// One access unit (or one config record, or one metadata object, or a run of
/// TS packets). Always handled as std::shared_ptr<const MediaPacket>.
class MediaPacket {
 public:
  TrackKind kind = TrackKind::Invalid;
  Codec codec = Codec::Invalid;
  MediaTime dts{0};
  MediaTime pts{0};
  bool keyframe = false;  ///< random access point (for MpegTs: a segment may start here)
  bool config = false;    ///< codec configuration record, not a frame
  AudioParams audio{};
  SharedBytes payload;
  SharedBytes flv_tag_body;  ///< optional, see the file comment

  MediaPacket() = default;
  MediaPacket(const MediaPacket& other);
  MediaPacket& operator=(const MediaPacket& other);

  /// A form of this packet derived by one consumer (e.g. the RTMP plugin's
  /// chunked bytes) and shared by all its sessions: created once by `make`,
  /// then returned to every caller with the same `key`. Thread-safe. `key` is
  /// the address of a static object owned by the caller.
  template <class T, class Make>
  std::shared_ptr<const T> derived(const void* key, Make&& make) const {
    return std::static_pointer_cast<const T>(derived_impl(
        key, [&]() -> std::shared_ptr<const void> { return std::forward<Make>(make)(); }));
  }

 private:
  std::shared_ptr<const void> derived_impl(
      const void* key, const std::function<std::shared_ptr<const void>()>& make) const;

  mutable std::mutex derived_mutex_;
  mutable std::vector<std::pair<const void*, std::shared_ptr<const void>>> derived_;
};

using PacketPtr = std::shared_ptr<const MediaPacket>;

}  // namespace streamgate
