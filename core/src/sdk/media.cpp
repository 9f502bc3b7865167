#include "streamgate/media.hpp"

#include "streamgate/bus.hpp"

namespace streamgate {

MediaPacket::MediaPacket(const MediaPacket& other)
    : kind(other.kind),
      codec(other.codec),
      dts(other.dts),
      pts(other.pts),
      keyframe(other.keyframe),
      config(other.config),
      audio(other.audio),
      payload(other.payload),
      flv_tag_body(other.flv_tag_body) {}  // derived forms are not copied: they describe the original

MediaPacket& MediaPacket::operator=(const MediaPacket& other) {
  if (this == &other) return *this;
  kind = other.kind;
  codec = other.codec;
  dts = other.dts;
  pts = other.pts;
  keyframe = other.keyframe;
  config = other.config;
  audio = other.audio;
  payload = other.payload;
  flv_tag_body = other.flv_tag_body;
  std::lock_guard lock(derived_mutex_);
  derived_.clear();
  return *this;
}

std::shared_ptr<const void> MediaPacket::derived_impl(
    const void* key, const std::function<std::shared_ptr<const void>()>& make) const {
  {
    std::lock_guard lock(derived_mutex_);
    for (const auto& [k, value] : derived_)
      if (k == key) return value;
  }
  // Built outside the lock; if two threads race, the first stored value wins
  // so every caller shares one object.
  auto made = make();
  std::lock_guard lock(derived_mutex_);
  for (const auto& [k, value] : derived_)
    if (k == key) return value;
  derived_.emplace_back(key, made);
  return made;
}

std::string_view to_string(Codec codec) noexcept {
  switch (codec) {
    case Codec::Invalid: return "invalid";
    case Codec::H264: return "h264";
    case Codec::H265: return "h265";
    case Codec::AV1: return "av1";
    case Codec::VP9: return "vp9";
    case Codec::OtherVideo: return "other-video";
    case Codec::AAC: return "aac";
    case Codec::MP3: return "mp3";
    case Codec::Speex: return "speex";
    case Codec::Opus: return "opus";
    case Codec::G711A: return "g711a";
    case Codec::G711U: return "g711u";
    case Codec::OtherAudio: return "other-audio";
    case Codec::ScriptData: return "script-data";
    case Codec::MpegTs: return "mpegts";
  }
  return "unknown";
}

std::string_view to_string(TrackKind kind) noexcept {
  switch (kind) {
    case TrackKind::Invalid: return "invalid";
    case TrackKind::Video: return "video";
    case TrackKind::Audio: return "audio";
    case TrackKind::Data: return "data";
    case TrackKind::Mux: return "mux";
  }
  return "unknown";
}

std::string_view to_string(PublishMode mode) noexcept {
  switch (mode) {
    case PublishMode::Invalid: return "invalid";
    case PublishMode::Live: return "live";
    case PublishMode::Record: return "record";
    case PublishMode::Append: return "append";
  }
  return "unknown";
}

std::string StreamKey::str() const {
  std::string out = app + "/" + name;
  if (!variant.empty()) out += "#" + variant;
  return out;
}

}  // namespace streamgate
