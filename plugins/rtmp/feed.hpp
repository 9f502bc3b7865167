#pragma once
// The players of one stream on one worker thread share one bus
// subscription. With a subscription per player the bus would queue every
// packet once per player, under that player's lock, and wake that player's
// thread once per packet; here it queues it once per worker, and the worker
// hands each batch to its players itself, with no lock and no cross-thread
// wake-up per player. With write-coalesce, the feed gathers items until its
// CoalescingWindow closes, then writes all its players in one sweep.
//
// A player joins through a subscription of its own (PlayLink) and is
// attached once in step. Players whose socket is full keep what arrives in
// their PlayerBacklog. Lives on its worker thread: every method is called
// there.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
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
  const PacketPtr& last_packet() const noexcept { return last_packet_; }

 private:
  void subscribe();
  void on_ready();  // the bus has items: sweep now, or gather them for later
  void schedule(Clock::time_point now);  // sweep when the window says
  void run();                            // the sweep
  void remove(std::vector<PlayLink*>& links, PlayLink& link);
  static bool has_live(const std::vector<PlayLink*>& links);
  bool has_players() const;
  static void compact(std::vector<PlayLink*>& links);

  const std::shared_ptr<ServerContext> context_;
  const std::size_t worker_;
  const StreamKey key_;
  std::unique_ptr<Subscription> subscription_;
  boost::asio::steady_timer window_timer_;
  CoalescingWindow window_;
  std::optional<Clock::time_point> armed_at_;
  std::uint64_t timer_generation_ = 0;
  std::vector<BusItem> items_;
  std::vector<std::shared_ptr<const ChunkedBody>> bodies_;  // of items_, chunked once
  PacketPtr last_packet_;
  std::vector<PlayLink*> fed_;
  std::vector<PlayLink*> joiners_;
  int running_ = 0;  // inside run(): links removed leave a null behind
};

/// Each worker's feeds by stream key; a worker's table is used on its thread only.
using FeedTable = std::map<StreamKey, std::weak_ptr<Feed>>;

}  // namespace streamgate::rtmp
