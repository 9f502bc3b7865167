#include "flv_metadata.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "streamgate/format/amf0.hpp"

namespace streamgate::flvrecord {

namespace {

constexpr std::string_view kName = "onMetaData";
constexpr std::string_view kDuration = "duration";
constexpr std::string_view kFilesize = "filesize";
constexpr std::string_view kKeyframes = "keyframes";
constexpr std::string_view kPositions = "filepositions";
constexpr std::string_view kTimes = "times";
// A strict array of numbers, not a string: ffmpeg drops metadata after a
// string longer than 255 bytes, and shows strings as tags.
constexpr std::string_view kPadding = "keyframespadding";

bool owned(std::string_view key) {
  return key == kDuration || key == kFilesize || key == kKeyframes || key == kPadding;
}

const amf0::Value* numbers(const amf0::Value& object, std::string_view key) {
  const amf0::Value* v = object.find(key);
  if (!v || v->type() != amf0::Value::Type::StrictArray) return nullptr;
  for (const auto& item : v->items())
    if (!item.is_number()) return nullptr;
  return v;
}

}  // namespace

bool announces(const amf0::Properties& properties, TrackKind kind) {
  const std::string_view has = kind == TrackKind::Video ? "hasVideo" : "hasAudio";
  const std::string_view codec = kind == TrackKind::Video ? "videocodecid" : "audiocodecid";
  bool codec_named = false;
  for (const auto& [key, value] : properties) {
    if (key == has) return value.as_boolean();
    if (key == codec && !value.is_null_or_undefined()) codec_named = true;
  }
  return codec_named;
}

amf0::Properties without_owned_properties(amf0::Properties properties) {
  std::erase_if(properties, [](const amf0::Property& p) { return owned(p.first); });
  return properties;
}

std::vector<std::byte> encode_metadata(const FileMetadata& metadata) {
  const std::size_t used = std::min(metadata.keyframes.size(), metadata.capacity);
  amf0::Array positions, times;
  positions.reserve(used);
  times.reserve(used);
  for (std::size_t i = 0; i < used; ++i) {
    positions.push_back(amf0::Value::number(double(metadata.keyframes[i].position)));
    times.push_back(amf0::Value::number(metadata.keyframes[i].time_ms / 1000.0));
  }
  amf0::Properties props = without_owned_properties(metadata.base);
  props.emplace_back(kDuration, amf0::Value::number(metadata.duration_s));
  props.emplace_back(kFilesize, amf0::Value::number(metadata.filesize));
  props.emplace_back(
      kKeyframes,
      amf0::Value::object({{std::string(kPositions), amf0::Value::strict_array(positions)},
                           {std::string(kTimes), amf0::Value::strict_array(times)}}));
  props.emplace_back(kPadding, amf0::Value::strict_array(amf0::Array(2 * (metadata.capacity - used),
                                                                     amf0::Value::number(0))));
  const amf0::Value values[] = {amf0::Value::string(std::string(kName)),
                                amf0::Value::ecma_array(std::move(props))};
  return amf0::encode_all(values);
}

std::optional<FileMetadata> decode_metadata(std::span<const std::byte> body) {
  auto decoded = amf0::decode_all(body);
  if (!decoded.ok() || decoded.value.size() != 2) return std::nullopt;
  const amf0::Value& object = decoded.value[1];
  if (decoded.value[0].as_string() != kName || !object.is_object_like()) return std::nullopt;
  const amf0::Value* keyframes = object.find(kKeyframes);
  const amf0::Value* padding = numbers(object, kPadding);
  if (!keyframes || !padding || !object.find(kDuration) || !object.find(kFilesize))
    return std::nullopt;
  const amf0::Value* positions = numbers(*keyframes, kPositions);
  const amf0::Value* times = numbers(*keyframes, kTimes);
  if (!positions || !times || positions->items().size() != times->items().size() ||
      padding->items().size() % 2 != 0)
    return std::nullopt;
  FileMetadata out;
  out.base = without_owned_properties(object.properties());
  out.duration_s = object.find(kDuration)->as_number();
  out.filesize = object.find(kFilesize)->as_number();
  out.capacity = positions->items().size() + padding->items().size() / 2;
  for (std::size_t i = 0; i < positions->items().size(); ++i) {
    // A file's own index may be damaged: anything but a sane whole position and
    // time makes the metadata unusable (the scanner then rebuilds it).
    const auto position = amf0::whole_number(positions->items()[i].as_number(), 0, std::int64_t{1} << 53);
    const double time_ms = std::round(times->items()[i].as_number() * 1000);
    const auto time = amf0::whole_number(time_ms, 0, UINT32_MAX);
    if (!position || !time) return std::nullopt;
    out.keyframes.push_back({std::uint64_t(*position), std::uint32_t(*time)});
  }
  return out;
}

}  // namespace streamgate::flvrecord
