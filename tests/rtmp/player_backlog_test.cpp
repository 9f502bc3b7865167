// A fed player's backlog while its socket is full: kept in order within its
// bounds; past them the media is dropped, the newest codec configs, metadata
// and notices stay, and the player resumes at the next video keyframe.

#include "player_backlog.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace streamgate::rtmp {
namespace {

using namespace std::chrono_literals;

PacketPtr packet(TrackKind kind, int dts_ms, std::size_t bytes, bool key = false,
                 bool config = false) {
  auto p = std::make_shared<MediaPacket>();
  p->kind = kind;
  p->codec = kind == TrackKind::Video ? Codec::H264
             : kind == TrackKind::Audio ? Codec::AAC
                                        : Codec::ScriptData;
  p->dts = p->pts = std::chrono::milliseconds(dts_ms);
  p->keyframe = key;
  p->config = config;
  p->payload = SharedBytes::copy(std::vector<std::byte>(bytes, std::byte{0x42}));
  return p;
}

BusItem media(PacketPtr p) {
  BusItem item;
  item.type = BusItem::Type::Media;
  item.packet = std::move(p);
  return item;
}

BusItem notice(BusItem::Type type) {
  BusItem item;
  item.type = type;
  return item;
}

std::vector<BusItem> take(PlayerBacklog& backlog) {
  std::vector<BusItem> out;
  backlog.take(out);
  return out;
}

TEST(PlayerBacklog, KeepsItemsInOrderWithinItsBounds) {
  PlayerBacklog backlog(1 << 20, 10s);
  const auto key = packet(TrackKind::Video, 0, 1000, true);
  const auto audio = packet(TrackKind::Audio, 10, 100);
  const auto inter = packet(TrackKind::Video, 33, 500);
  const std::vector<BusItem> items = {media(key), media(audio), notice(BusItem::Type::StreamEnd),
                                      media(inter)};
  backlog.add(items);
  EXPECT_EQ(backlog.bytes(), 1600u);
  const auto out = take(backlog);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].packet, key) << "the packet is shared, not copied";
  EXPECT_EQ(out[1].packet, audio);
  EXPECT_EQ(out[2].type, BusItem::Type::StreamEnd);
  EXPECT_EQ(out[3].packet, inter);
  for (const auto& item : out) EXPECT_FALSE(item.after_drop);
  EXPECT_TRUE(backlog.empty());
  EXPECT_EQ(backlog.bytes(), 0u);
  EXPECT_EQ(backlog.dropped(), 0u);
}

TEST(PlayerBacklog, PastItsByteBoundDropsMediaKeepsConfigsAndResumesAtAKeyframe) {
  PlayerBacklog backlog(10'000, 10s);
  const auto old_config = packet(TrackKind::Video, 0, 40, false, true);
  const auto new_config = packet(TrackKind::Video, 0, 40, false, true);
  const auto audio_config = packet(TrackKind::Audio, 0, 4, false, true);
  const auto metadata = packet(TrackKind::Data, 0, 200);
  backlog.add(std::vector<BusItem>{media(old_config), media(audio_config), media(metadata),
                                   media(packet(TrackKind::Video, 0, 4000, true)),
                                   media(new_config), media(packet(TrackKind::Audio, 20, 300)),
                                   notice(BusItem::Type::StreamEnd),
                                   media(packet(TrackKind::Video, 33, 4000))});
  // 8584 bytes held; this one would pass 10 000: everything timed goes.
  const auto too_much = packet(TrackKind::Video, 66, 3000);
  const auto audio_while_skipping = packet(TrackKind::Audio, 70, 300);
  const auto next_key = packet(TrackKind::Video, 2000, 5000, true);
  backlog.add(std::vector<BusItem>{media(too_much), media(audio_while_skipping), media(next_key)});
  const auto out = take(backlog);
  std::vector<PacketPtr> packets;
  std::size_t ends = 0;
  for (const auto& item : out) {
    if (item.packet) packets.push_back(item.packet);
    if (item.type == BusItem::Type::StreamEnd) ++ends;
  }
  EXPECT_EQ(ends, 1u) << "a notice is never dropped";
  // The newest video config, the audio config and the metadata stay, then the
  // next keyframe: nothing in between (a decoder needs the keyframe first).
  ASSERT_EQ(packets.size(), 4u);
  EXPECT_EQ(packets[0], audio_config);
  EXPECT_EQ(packets[1], metadata);
  EXPECT_EQ(packets[2], new_config);
  EXPECT_EQ(packets[3], next_key);
  EXPECT_TRUE(out.back().after_drop) << "the first media after the gap is marked";
  // Two video frames and an audio frame held, the frame that overflowed and the
  // audio while skipping.
  EXPECT_EQ(backlog.dropped(), 5u);
}

TEST(PlayerBacklog, PastItsDurationBoundDropsToo) {
  PlayerBacklog backlog(1 << 20, 1s);
  backlog.add(std::vector<BusItem>{media(packet(TrackKind::Video, 0, 100, true)),
                                   media(packet(TrackKind::Video, 500, 100)),
                                   media(packet(TrackKind::Video, 1001, 100))});
  const auto out = take(backlog);
  EXPECT_TRUE(out.empty()) << "no keyframe since the drop";
  EXPECT_EQ(backlog.dropped(), 3u);
}

TEST(PlayerBacklog, AStreamWithoutVideoResumesAtOnce) {
  PlayerBacklog backlog(1000, 10s);
  backlog.add(std::vector<BusItem>{media(packet(TrackKind::Audio, 0, 600)),
                                   media(packet(TrackKind::Audio, 23, 600))});
  const auto resumed = packet(TrackKind::Audio, 46, 100);
  backlog.add(std::vector<BusItem>{media(resumed)});
  const auto out = take(backlog);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(out[0].after_drop) << "the frame that did not fit was kept, after the drop";
  EXPECT_EQ(out[1].packet, resumed);
  EXPECT_EQ(backlog.dropped(), 1u);
}

}  // namespace
}  // namespace streamgate::rtmp
