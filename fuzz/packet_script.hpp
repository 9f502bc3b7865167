#pragma once
// Bus packets from fuzz input, for the targets that feed a consumer of the
// bus (the MPEG-TS muxer). The input is a script of records, front to back:
//
//   op (1 byte)     bits 0-2 what: 0 H.264, 1 H.265, 2 AAC, 3 MP3, 4 AV1,
//                   5 Opus, 6 script data, 7 a call instead of a packet
//                   (bits 3-4: 0 lost_media, 1 mark_discontinuity, 2 flush);
//                   bit 3 config, bit 4 keyframe
//   dts delta (4)   signed, microseconds, added to the previous DTS
//   cts (4)         signed, microseconds: PTS = DTS + cts
//   length (2)      payload bytes that follow (fewer at the end of the input)
//   payload
//
// Big-endian numbers. fuzz/make_corpus.py writes seeds in this form from the
// tags of FLV files ffmpeg made.

#include <memory>
#include <optional>

#include "fuzz_support.hpp"
#include "streamgate/media.hpp"

namespace streamgate::fuzz {

enum class ScriptCall : std::uint8_t { Invalid = 0, LostMedia, MarkDiscontinuity, Flush };

struct ScriptStep {
  PacketPtr packet;  // or, when null, a call
  ScriptCall call = ScriptCall::Invalid;
};

class PacketScript {
 public:
  explicit PacketScript(Bytes input) : in_(input) {}

  std::optional<ScriptStep> next() {
    if (in_.at_end()) return std::nullopt;
    const std::uint8_t op = in_.u8();
    dts_ += std::chrono::microseconds(in_.i32());
    const MediaTime cts{in_.i32()};
    const Bytes payload = in_.bytes(in_.u16());
    const unsigned what = op & 7;
    if (what == 7) {
      static constexpr ScriptCall kCalls[4] = {ScriptCall::LostMedia, ScriptCall::MarkDiscontinuity,
                                               ScriptCall::Flush, ScriptCall::Flush};
      return ScriptStep{nullptr, kCalls[(op >> 3) & 3]};
    }
    static constexpr Codec kCodecs[7] = {Codec::H264, Codec::H265, Codec::AAC,       Codec::MP3,
                                         Codec::AV1,  Codec::Opus, Codec::ScriptData};
    static constexpr TrackKind kKinds[7] = {TrackKind::Video, TrackKind::Video, TrackKind::Audio,
                                            TrackKind::Audio, TrackKind::Video, TrackKind::Audio,
                                            TrackKind::Data};
    auto packet = std::make_shared<MediaPacket>();
    packet->codec = kCodecs[what];
    packet->kind = kKinds[what];
    packet->config = (op & 8) != 0;
    packet->keyframe = (op & 16) != 0;
    packet->dts = dts_;
    packet->pts = dts_ + cts;
    // A buffer of its own per packet, so ASan sees a read past its end.
    packet->payload = SharedBytes::copy(payload);
    return ScriptStep{std::move(packet), ScriptCall::Invalid};
  }

 private:
  ScriptReader in_;
  MediaTime dts_{0};
};

}  // namespace streamgate::fuzz
