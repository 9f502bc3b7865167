#pragma once
// The recorder's onMetaData tag, laid out so that it can be rewritten in
// place at close: every number is a fixed 9-byte AMF0 double, and the room
// for `capacity` keyframes is always spent, either on keyframe entries or on
// zeros in a padding array. So the body has the same size whether it holds
// no keyframe (when the file is opened) or `capacity` of them (at close):
//
//   "onMetaData", ECMA array {
//     <the publisher's properties, or ones derived from the codecs>,
//     duration: <s>, filesize: <bytes>,
//     keyframes: { filepositions: [K numbers], times: [K numbers] },
//     keyframespadding: [2 x (capacity - K) zeros] }

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "keyframe_index.hpp"
#include "streamgate/format/amf0.hpp"
#include "streamgate/media.hpp"

namespace streamgate::flvrecord {

struct FileMetadata {
  amf0::Properties base;  ///< everything but the properties below
  double duration_s = 0;
  double filesize = 0;
  std::vector<KeyframeEntry> keyframes;  ///< at most `capacity`
  std::size_t capacity = 0;
};

/// The script tag body (name + value). Its size depends only on `base` and
/// `capacity`.
std::vector<std::byte> encode_metadata(const FileMetadata& metadata);

/// Reads a body written by encode_metadata back (keyframe times rounded to
/// ms). nullopt when the body does not have this layout (not our file).
std::optional<FileMetadata> decode_metadata(std::span<const std::byte> body);

/// Whether a publisher's onMetaData announces a video (or audio) track:
/// hasVideo/hasAudio when present, else a videocodecid/audiocodecid.
bool announces(const amf0::Properties& properties, TrackKind kind);

/// `properties` without those the recorder owns (duration, filesize,
/// keyframes, the padding), so a publisher's values cannot collide with them.
amf0::Properties without_owned_properties(amf0::Properties properties);

}  // namespace streamgate::flvrecord
