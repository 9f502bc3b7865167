#include "flv_writer.hpp"

#include <array>

#include "streamgate/format/amf0.hpp"
#include "streamgate/format/flv.hpp"

namespace streamgate::flvrecord {

namespace {

constexpr std::uint32_t kMaxTagBody = 0xFFFFFF;  // DataSize is UI24 (E.4.1)

void be32(std::uint32_t v, std::array<std::byte, 4>& out) {
  for (int i = 0; i < 4; ++i) out[i] = std::byte(v >> (24 - 8 * i));
}

// onMetaData codec ids: E.4.3.1 / E.4.2.1 numbers, or for Enhanced RTMP
// codecs the FourCC as a number ("Enhancing onMetaData").
double codec_id(Codec codec) {
  switch (codec) {
    case Codec::H264:
      return 7;
    case Codec::H265:
      return flv::fourcc('h', 'v', 'c', '1');
    case Codec::AV1:
      return flv::fourcc('a', 'v', '0', '1');
    case Codec::VP9:
      return flv::fourcc('v', 'p', '0', '9');
    case Codec::AAC:
      return 10;
    case Codec::MP3:
      return 2;
    case Codec::Speex:
      return 11;
    case Codec::G711A:
      return 7;
    case Codec::G711U:
      return 8;
    default:
      return 0;
  }
}

}  // namespace

FlvWriter::FlvWriter(ByteSink& sink, FlvWriterOptions options)
    : sink_(sink), options_(options), indexer_(options.index) {}

void FlvWriter::resume(const ResumePoint& point) {
  started_ = true;
  has_audio_ = point.has_audio;
  has_video_ = point.has_video;
  size_ = point.size;
  metadata_offset_ = point.metadata_offset;
  metadata_size_ = point.metadata_size;
  metadata_base_ = point.metadata.base;
  options_.index.capacity = point.metadata.capacity;  // the reservation already in the file
  indexer_ = point.indexer;
}

bool FlvWriter::write(const MediaPacket& packet, std::uint32_t timestamp_ms) {
  if (failed_) return false;
  if (packet.kind == TrackKind::Data) {
    // Only the first onMetaData describes the file; a later one would make
    // players forget the duration and index written at close.
    if (started_ || publisher_metadata_) return true;
    auto values = amf0::decode_all(packet.payload);
    if (values.ok() && values.value.size() == 2 && values.value[1].is_object_like())
      publisher_metadata_ = values.value[1].properties();
    return true;
  }
  if (packet.kind != TrackKind::Video && packet.kind != TrackKind::Audio) return true;
  if (packet.config && !started_) {
    (packet.kind == TrackKind::Video ? video_config_ : audio_config_) =
        std::make_shared<const MediaPacket>(packet);
    return true;
  }
  if (!started_ && !start(packet, timestamp_ms)) return false;
  if (packet.config) return write_frame(packet, timestamp_ms);  // a mid-stream config change
  if (packet.kind == TrackKind::Video && !video_key_seen_) {
    // Frames before the first keyframe cannot be decoded.
    if (!packet.keyframe) {
      ++stats_.dropped_before_keyframe;
      return true;
    }
    video_key_seen_ = true;
  }
  const std::uint64_t position = size_;
  if (!write_frame(packet, timestamp_ms)) return !failed_;
  indexer_.frame(packet.kind, packet.keyframe, position, timestamp_ms);
  ++stats_.frames;
  return true;
}

bool FlvWriter::start(const MediaPacket& first, std::uint32_t timestamp_ms) {
  const amf0::Properties none;
  const amf0::Properties& published = publisher_metadata_ ? *publisher_metadata_ : none;
  has_video_ =
      video_config_ || first.kind == TrackKind::Video || announces(published, TrackKind::Video);
  has_audio_ =
      audio_config_ || first.kind == TrackKind::Audio || announces(published, TrackKind::Audio);
  indexer_.set_has_video(has_video_);
  metadata_base_ =
      publisher_metadata_ ? without_owned_properties(*publisher_metadata_) : derived_metadata();
  started_ = true;

  const auto header = flv::file_header(has_audio_, has_video_);
  const std::span<const std::byte> parts[] = {header};
  if (!sink_.append(parts)) {
    failed_ = true;
    return false;
  }
  size_ = header.size();

  const auto metadata = encode_metadata({metadata_base_, 0, 0, {}, options_.index.capacity});
  metadata_offset_ = size_ + flv::kTagHeaderSize;
  metadata_size_ = metadata.size();
  if (!write_tag(std::uint8_t(flv::TagType::Script), metadata, 0)) return false;
  for (const auto& config : {video_config_, audio_config_})
    if (config && !write_frame(*config, timestamp_ms) && failed_) return false;
  return true;
}

amf0::Properties FlvWriter::derived_metadata() const {
  amf0::Properties props;
  props.emplace_back("hasVideo", amf0::Value::boolean(has_video_));
  props.emplace_back("hasAudio", amf0::Value::boolean(has_audio_));
  if (video_config_)
    props.emplace_back("videocodecid", amf0::Value::number(codec_id(video_config_->codec)));
  if (audio_config_) {
    props.emplace_back("audiocodecid", amf0::Value::number(codec_id(audio_config_->codec)));
    if (audio_config_->audio.sample_rate)
      props.emplace_back("audiosamplerate", amf0::Value::number(audio_config_->audio.sample_rate));
    if (audio_config_->audio.channels)
      props.emplace_back("stereo", amf0::Value::boolean(audio_config_->audio.channels > 1));
  }
  props.emplace_back("metadatacreator", amf0::Value::string("streamgate"));
  return props;
}

bool FlvWriter::write_frame(const MediaPacket& packet, std::uint32_t timestamp_ms) {
  const SharedBytes body = flv::tag_body(packet);
  if (body.empty() || body.size() > kMaxTagBody) {
    ++stats_.dropped_unwritable;
    return false;
  }
  const auto type = packet.kind == TrackKind::Video ? flv::TagType::Video : flv::TagType::Audio;
  return write_tag(std::uint8_t(type), body.span(), timestamp_ms);
}

// E.3: each tag is followed by PreviousTagSize = 11 + DataSize.
bool FlvWriter::write_tag(std::uint8_t type, std::span<const std::byte> body,
                          std::uint32_t timestamp_ms) {
  const auto size = std::uint32_t(body.size());
  const auto header = flv::tag_header(flv::TagType(type), size, timestamp_ms);
  std::array<std::byte, 4> trailer{};
  be32(flv::kTagHeaderSize + size, trailer);
  const std::span<const std::byte> parts[] = {header, body, trailer};
  if (!sink_.append(parts)) {
    failed_ = true;
    return false;
  }
  size_ += header.size() + body.size() + trailer.size();
  return true;
}

std::optional<MetadataRewrite> FlvWriter::finish() const {
  if (!started_ || failed_) return std::nullopt;
  MetadataRewrite rewrite;
  rewrite.offset = metadata_offset_;
  rewrite.bytes = encode_metadata({metadata_base_, indexer_.end_ms() / 1000.0, double(size_),
                                   indexer_.index().entries(), options_.index.capacity});
  if (rewrite.bytes.size() != metadata_size_) return std::nullopt;  // cannot happen: fixed layout
  return rewrite;
}

}  // namespace streamgate::flvrecord
