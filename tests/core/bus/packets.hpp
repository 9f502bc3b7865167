#pragma once
// Packets and helpers for the bus tests.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "streamgate/bus.hpp"

namespace streamgate::test {

using std::chrono::milliseconds;

inline PacketPtr make_packet(TrackKind kind, Codec codec, milliseconds dts, bool keyframe,
                             bool config, std::size_t bytes) {
  auto packet = std::make_shared<MediaPacket>();
  packet->kind = kind;
  packet->codec = codec;
  packet->dts = dts;
  packet->pts = dts;
  packet->keyframe = keyframe;
  packet->config = config;
  packet->payload = SharedBytes::copy(std::string(bytes, 'x'));
  return packet;
}

inline PacketPtr video(milliseconds dts, bool keyframe, std::size_t bytes = 100) {
  return make_packet(TrackKind::Video, Codec::H264, dts, keyframe, false, bytes);
}
inline PacketPtr audio(milliseconds dts, std::size_t bytes = 100) {
  // AAC frames are all random access points; only video keyframes may start a GOP.
  return make_packet(TrackKind::Audio, Codec::AAC, dts, true, false, bytes);
}
inline PacketPtr video_config(std::size_t bytes = 10) {
  return make_packet(TrackKind::Video, Codec::H264, milliseconds{0}, true, true, bytes);
}
inline PacketPtr audio_config(std::size_t bytes = 10) {
  return make_packet(TrackKind::Audio, Codec::AAC, milliseconds{0}, false, true, bytes);
}
inline PacketPtr metadata(std::size_t bytes = 10) {
  return make_packet(TrackKind::Data, Codec::ScriptData, milliseconds{0}, false, false, bytes);
}
inline PacketPtr mux(milliseconds dts, bool keyframe, std::size_t bytes = 188) {
  return make_packet(TrackKind::Mux, Codec::MpegTs, dts, keyframe, false, bytes);
}

inline PublishInfo publish_info(std::string protocol, std::string peer = {}) {
  PublishInfo info;
  info.protocol = std::move(protocol);
  info.peer = std::move(peer);
  return info;
}

inline WatchFilter watch_filter(std::vector<std::string> apps, std::string variant = {}) {
  WatchFilter filter;
  filter.apps = std::move(apps);
  filter.variant = std::move(variant);
  return filter;
}

inline std::vector<BusItem> drain_all(Subscription& subscription) {
  std::vector<BusItem> out;
  subscription.drain(out);
  return out;
}

/// The media packets among `items`, in order.
inline std::vector<PacketPtr> packets_of(const std::vector<BusItem>& items) {
  std::vector<PacketPtr> out;
  for (const auto& item : items)
    if (item.type == BusItem::Type::Media) out.push_back(item.packet);
  return out;
}

inline std::vector<BusItem::Type> types_of(const std::vector<BusItem>& items) {
  std::vector<BusItem::Type> out;
  for (const auto& item : items) out.push_back(item.type);
  return out;
}

}  // namespace streamgate::test
