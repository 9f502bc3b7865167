#pragma once
// One playing stream of a session: where its bus items come from and what
// they become on the wire. StreamStart after the player has seen the stream
// before means a republish (Stream Begin + PublishNotify); StreamEnd means
// the publisher left (Stream EOF + UnpublishNotify); media goes to
// send_media, which shares each packet's chunked body with every other
// player.
//
// A link starts *joining*: it plays from a bus subscription of its own, so
// the bus replays metadata, codec configs and the cached GOP to it at once.
// As soon as its own subscription and its worker's Feed have both handed
// out the same packet last, nothing lies between the two: the link drops its
// subscription and is *fed* by the Feed from then on, with every other
// player of the stream on that worker.

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "player_backlog.hpp"
#include "server_protocol.hpp"
#include "streamgate/bus.hpp"

namespace streamgate::rtmp {

class Feed;
class Session;

class PlayLink {
 public:
  PlayLink(Session& session, std::uint32_t stream_id, std::unique_ptr<Subscription> subscription,
           std::shared_ptr<Feed> feed, const SubscribeOptions& bounds);
  ~PlayLink();
  PlayLink(const PlayLink&) = delete;
  PlayLink& operator=(const PlayLink&) = delete;

  struct Pumped {
    std::size_t items = 0;         ///< bus items handled
    std::size_t dropped = 0;       ///< times media had been dropped before an item
    std::size_t video_frames = 0;  ///< coded video frames queued for the player
    std::size_t other_media = 0;   ///< audio, data and codec configs queued
    std::size_t notices = 0;       ///< (un)publish notices queued
    bool joined_feed = false;      ///< the link switched to its worker's feed
    Pumped& operator+=(const Pumped& other);
  };

  /// Joining: drains the own subscription into `protocol`, then joins the
  /// feed if the two are in step. Fed: nothing to do (the feed delivers).
  Pumped pump(ServerProtocol& protocol);
  /// Chunked bodies of a batch's items, in the same order (null: not media).
  using Bodies = std::span<const std::shared_ptr<const ChunkedBody>>;
  /// Fed: items from the feed, with their bodies chunked once for every player.
  Pumped deliver(ServerProtocol& protocol, std::span<const BusItem> items, Bodies bodies);
  /// Fed, socket full: the items wait here instead.
  void hold(std::span<const BusItem> items) { backlog_.add(items); }
  /// Delivers what waited in the backlog.
  Pumped deliver_backlog(ServerProtocol& protocol);

  bool joining() const noexcept { return subscription_ != nullptr; }
  bool has_backlog() const noexcept { return !backlog_.empty(); }
  Session& session() const noexcept { return session_; }
  std::uint32_t stream_id() const noexcept { return stream_id_; }
  const StreamKey& key() const noexcept { return key_; }

 private:
  Pumped handle(ServerProtocol& protocol, std::span<const BusItem> items, Bodies bodies = {});
  bool send(ServerProtocol& protocol, const MediaPacket& packet, const ChunkedBody* body,
            bool chunked);

  Session& session_;
  std::uint32_t stream_id_;
  StreamKey key_;
  std::unique_ptr<Subscription> subscription_;  // while joining
  std::shared_ptr<Feed> feed_;
  PacketPtr last_packet_;  // while joining: the own subscription's last item, if media
  PlayerBacklog backlog_;
  bool seen_stream_ = false;  // a StreamStart or media was handled already
};

}  // namespace streamgate::rtmp
