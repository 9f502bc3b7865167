#include "feed.hpp"

#include <algorithm>

#include "play_link.hpp"
#include "server_context.hpp"
#include "session.hpp"

namespace streamgate::rtmp {

namespace asio = boost::asio;

namespace {

// A 200 ms window at 30 fps holds about 15 items; a GOP replay is not kept.
constexpr std::size_t kMaxKeptItems = 64;

}  // namespace

std::shared_ptr<Feed> Feed::of(const std::shared_ptr<ServerContext>& context, std::size_t worker,
                               const StreamKey& key) {
  auto& weak = context->feeds.at(worker)[key];
  if (auto feed = weak.lock()) return feed;
  auto feed = std::make_shared<Feed>(context, worker, key);
  feed->subscribe();
  weak = feed;
  return feed;
}

Feed::Feed(std::shared_ptr<ServerContext> context, std::size_t worker, StreamKey key)
    : context_(std::move(context)),
      worker_(worker),
      key_(std::move(key)),
      window_timer_(io_context_of(context_->host.worker(worker))) {}

Feed::~Feed() {
  // Unsubscribe first: on_ready may be running on the publisher's thread.
  subscription_.reset();
  auto& table = context_->feeds.at(worker_);
  if (auto it = table.find(key_); it != table.end() && it->second.expired()) table.erase(it);
}

void Feed::subscribe() {
  SubscribeOptions options = context_->subscribe;
  options.replay_cache = false;  // joiners get the replay through their own subscription
  auto& worker = io_context_of(context_->host.worker(worker_));
  subscription_ = context_->host.bus().subscribe(key_, options, [weak = weak_from_this(), &worker] {
    asio::post(worker, [weak] {
      if (auto self = weak.lock()) self->run();
    });
  });
}

void Feed::add_joiner(PlayLink& link) { joiners_.push_back(&link); }

void Feed::remove_joiner(PlayLink& link) { remove(joiners_, link); }

void Feed::attach(PlayLink& link) { fed_.push_back(&link); }

void Feed::detach(PlayLink& link) { remove(fed_, link); }

void Feed::remove(std::vector<PlayLink*>& links, PlayLink& link) {
  auto it = std::find(links.begin(), links.end(), &link);
  if (it == links.end()) return;
  if (running_ > 0)
    *it = nullptr;  // run() is walking this list
  else
    links.erase(it);
  // The last player gone: an armed window must not keep the feed (and its
  // subscription) alive past the plugin's stop().
  const auto live = [](const std::vector<PlayLink*>& v) {
    return std::any_of(v.begin(), v.end(), [](const PlayLink* l) { return l != nullptr; });
  };
  if (!live(fed_) && !live(joiners_)) window_timer_.cancel();
}

void Feed::compact(std::vector<PlayLink*>& links) {
  links.erase(std::remove(links.begin(), links.end(), nullptr), links.end());
}

void Feed::run() {
  const auto window = context_->config.write_coalesce;
  auto now = Clock::now();
  if (window.count() > 0 && now < last_run_ + window) {
    if (!window_armed_) {
      window_armed_ = true;
      window_timer_.expires_at(last_run_ + window);
      window_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        self->window_armed_ = false;
        if (!ec) self->run();
      });
    }
    return;
  }
  last_run_ = now;
  items_.clear();
  subscription_->drain(items_);
  ++running_;
  if (!items_.empty()) {
    const BusItem& last = items_.back();
    last_packet_ = last.type == BusItem::Type::Media ? last.packet : nullptr;
    bodies_.clear();
    for (const BusItem& item : items_)
      bodies_.push_back(item.packet
                            ? ServerProtocol::chunked(*item.packet, context_->server.chunk_size)
                            : nullptr);
    // Links attached while this runs (a joiner in step with this batch)
    // have had its items already.
    const std::size_t count = fed_.size();
    for (std::size_t i = 0; i < count; ++i)
      if (PlayLink* link = fed_[i]) link->session().on_feed(*link, items_, bodies_, now);
  }
  // Joiners drain their own subscription right after the feed's, so that the
  // two are likely to be in step.
  for (std::size_t i = 0; i < joiners_.size(); ++i)
    if (PlayLink* link = joiners_[i]) link->session().pump_link(*link);
  if (--running_ == 0) {
    compact(fed_);
    compact(joiners_);
  }
  items_.clear();
  bodies_.clear();
  if (items_.capacity() > kMaxKeptItems) {
    items_ = {};
    bodies_ = {};
  }
}

}  // namespace streamgate::rtmp
