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
      window_timer_(io_context_of(context_->host.worker(worker))),
      window_(context_->config.write_coalesce, context_->config.hold_for_video) {}

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
      if (auto self = weak.lock()) self->on_ready();
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
  if (!has_players()) window_timer_.cancel();
}

bool Feed::has_live(const std::vector<PlayLink*>& links) {
  return std::any_of(links.begin(), links.end(), [](const PlayLink* l) { return l != nullptr; });
}

bool Feed::has_players() const { return has_live(fed_) || has_live(joiners_); }

void Feed::compact(std::vector<PlayLink*>& links) {
  links.erase(std::remove(links.begin(), links.end(), nullptr), links.end());
}

void Feed::on_ready() {
  // A joiner writes each item as it comes until the feed's sweep catches up
  // with it, so while one waits, holding the sweep back saves nothing.
  if (context_->config.write_coalesce.count() == 0 || has_live(joiners_)) return run();
  // Gather: drain now (so the bus calls again for the next item) and let the
  // window say when the sweep goes.
  const std::size_t before = items_.size();
  subscription_->drain(items_);
  std::size_t video_frames = 0;
  for (std::size_t i = before; i < items_.size(); ++i) {
    const BusItem& item = items_[i];
    if (item.packet && item.packet->kind == TrackKind::Video && !item.packet->config)
      ++video_frames;
  }
  const auto now = Clock::now();
  window_.gathered(video_frames, items_.size() - before - video_frames, now);
  schedule(now);
}

void Feed::schedule(Clock::time_point now) {
  const auto due = window_.due();
  if (!due) return;
  if (*due <= now) return run();
  if (armed_at_ && *armed_at_ <= *due) return;  // the armed timer comes first
  armed_at_ = *due;
  window_timer_.expires_at(*due);  // a later wait, if any, ends as aborted
  window_timer_.async_wait([self = shared_from_this(), armed = ++timer_generation_](
                               const boost::system::error_code& ec) {
    if (armed != self->timer_generation_) return;  // re-armed earlier since
    self->armed_at_.reset();
    // Cancelled when the last player left; one may have joined since, and
    // the bus does not call again until this drains.
    if (ec && !self->has_players()) return;
    self->schedule(Clock::now());
  });
}

void Feed::run() {
  const auto now = Clock::now();
  subscription_->drain(items_);  // after what on_ready() gathered, if anything
  window_.swept();
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
