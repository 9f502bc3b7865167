#pragma once
// The players of one stream on one worker thread share one bus
// subscription. With a subscription per player the bus would queue every
// packet once per player, under that player's lock, and wake that player's
// thread once per packet; here it queues it once per worker, and the worker
// hands each batch to its players itself, with no lock and no cross-thread
// wake-up per player. With write-coalesce, the feed gathers items and its
// players are split in two halves, each with a CoalescingWindow; when a
// half's window closes, that half is written in one sweep. The halves hold
// alternate frames, so each frame's sweep reaches half of the players.
//
// A player joins through a subscription of its own (PlayLink) and is
// attached once in step. Players whose socket is full keep what arrives in
// their PlayerBacklog. Lives on its worker thread: every method is called
// there.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <initializer_list>
#include <optional>
#include <vector>

#include "chunk_writer.hpp"
#include "coalescing_window.hpp"
#include "streamgate/asio.hpp"
#include "streamgate/bus.hpp"

namespace streamgate::rtmp {

struct ServerContext;
class PlayLink;

class Feed : public std::enable_shared_from_this<Feed> {
 public:
  using Clock = std::chrono::steady_clock;

  /// The feed of `key` on worker `worker` (the calling thread), subscribed on
  /// the bus when it is new.
  static std::shared_ptr<Feed> of(const std::shared_ptr<ServerContext>& context, std::size_t worker,
                                  const StreamKey& key);

  Feed(std::shared_ptr<ServerContext> context, std::size_t worker, StreamKey key);
  ~Feed();
  Feed(const Feed&) = delete;
  Feed& operator=(const Feed&) = delete;

  void add_joiner(PlayLink& link);
  void remove_joiner(PlayLink& link);
  void attach(PlayLink& link);
  void detach(PlayLink& link);

  /// The packet of the last item this feed handed out, if that was media.
  const PacketPtr& last_packet() const noexcept { return phases_[last_swept_].last_packet; }

 private:
  // Half of the players: with write-coalesce, the two halves hold alternate
  // frames, so a frame's sweep reaches half of the players at a time.
  struct Phase {
    explicit Phase(CoalescingWindow w) : window(w) {}
    CoalescingWindow window;
    std::vector<PlayLink*> links;
    std::size_t next = 0;    // into items_: the first item not yet delivered to it
    PacketPtr last_packet;   // of the last item delivered to it, if media
  };

  CoalescingWindow window() const;  // a new one, as configured
  void subscribe();
  void on_ready();                        // the bus has items: gather, and sweep when due
  void schedule(Clock::time_point now);   // sweep the phases that are due; arm the timer
  void sweep(std::initializer_list<std::size_t> phases, Clock::time_point now);
  void forget_delivered();                // drops items every phase has had
  void remove(std::vector<PlayLink*>& links, PlayLink& link);
  static bool has_live(const std::vector<PlayLink*>& links);
  bool has_players() const;
  static void compact(std::vector<PlayLink*>& links);

  const std::shared_ptr<ServerContext> context_;
  const std::size_t worker_;
  const StreamKey key_;
  std::unique_ptr<Subscription> subscription_;
  boost::asio::steady_timer window_timer_;
  std::optional<Clock::time_point> armed_at_;
  std::uint64_t timer_generation_ = 0;
  std::vector<BusItem> items_;  // gathered, not yet delivered to every phase
  std::vector<std::shared_ptr<const ChunkedBody>> bodies_;  // of items_, chunked once
  std::array<Phase, 2> phases_;
  std::size_t last_swept_ = 0;
  std::vector<PlayLink*> joiners_;
  int running_ = 0;  // inside a sweep: links removed leave a null behind
};

/// Each worker's feeds by stream key; a worker's table is used on its thread only.
using FeedTable = std::map<StreamKey, std::weak_ptr<Feed>>;

}  // namespace streamgate::rtmp
