#pragma once
// One playing stream of a session: the bus subscription and what its items
// become on the wire. StreamStart after the player has seen the stream before
// means a republish (Stream Begin + PublishNotify); StreamEnd means the
// publisher left (Stream EOF + UnpublishNotify); media goes to send_media,
// which shares each packet's chunked body with every other player.

#include <cstdint>
#include <memory>

#include "server_protocol.hpp"
#include "streamgate/bus.hpp"

namespace streamgate::rtmp {

class PlayLink {
 public:
  PlayLink(std::uint32_t stream_id, std::unique_ptr<Subscription> subscription)
      : stream_id_(stream_id), subscription_(std::move(subscription)) {}

  struct Pumped {
    std::size_t items = 0;    ///< bus items drained
    std::size_t dropped = 0;  ///< times the bus had dropped media before an item
  };
  /// Drains everything queued for this player into `protocol`.
  Pumped pump(ServerProtocol& protocol);

  std::uint32_t stream_id() const noexcept { return stream_id_; }
  const StreamKey& key() const { return subscription_->key(); }
  SubscriptionStats stats() const { return subscription_->stats(); }

 private:
  std::uint32_t stream_id_;
  std::unique_ptr<Subscription> subscription_;
  bool seen_stream_ = false;  // a StreamStart or media was handled already
};

}  // namespace streamgate::rtmp
