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
      phases_{Phase(window()), Phase(window())} {}

CoalescingWindow Feed::window() const {
  return CoalescingWindow(context_->config.write_coalesce, context_->config.hold_for_video);
}

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

void Feed::attach(PlayLink& link) {
  // The joiner is in step with the phase that swept last; when both phases
  // swept the same items, the smaller one takes it.
  std::size_t phase = last_swept_;
  const Phase& other = phases_[1 - phase];
  if (other.next == phases_[phase].next && other.last_packet == phases_[phase].last_packet &&
      other.links.size() < phases_[phase].links.size())
    phase = 1 - phase;
  phases_[phase].links.push_back(&link);
}

void Feed::detach(PlayLink& link) {
  for (Phase& phase : phases_) remove(phase.links, link);
}

void Feed::remove(std::vector<PlayLink*>& links, PlayLink& link) {
  auto it = std::find(links.begin(), links.end(), &link);
  if (it == links.end()) return;
  if (running_ > 0)
    *it = nullptr;  // a sweep is walking this list
  else
    links.erase(it);
  // The last player gone: an armed window must not keep the feed (and its
  // subscription) alive past the plugin's stop().
  if (!has_players()) window_timer_.cancel();
}

bool Feed::has_live(const std::vector<PlayLink*>& links) {
  return std::any_of(links.begin(), links.end(), [](const PlayLink* l) { return l != nullptr; });
}

bool Feed::has_players() const {
  return has_live(phases_[0].links) || has_live(phases_[1].links) || has_live(joiners_);
}

void Feed::compact(std::vector<PlayLink*>& links) {
  links.erase(std::remove(links.begin(), links.end(), nullptr), links.end());
}

void Feed::on_ready() {
  const std::size_t before = items_.size();
  subscription_->drain(items_);
  const auto now = Clock::now();
  if (context_->config.write_coalesce.count() == 0) return sweep({0, 1}, now);  // no windows
  std::size_t video_frames = 0;
  for (std::size_t i = before; i < items_.size(); ++i) {
    const BusItem& item = items_[i];
    if (item.packet && item.packet->kind == TrackKind::Video && !item.packet->config)
      ++video_frames;
  }
  const bool both_idle = !phases_[0].window.open() && !phases_[1].window.open();
  const std::size_t other = items_.size() - before - video_frames;
  for (Phase& phase : phases_) phase.window.gathered(video_frames, other, now);
  // A joiner writes each item as it comes until a sweep catches up with it,
  // so while one waits, holding the sweep back saves nothing.
  if (has_live(joiners_)) return sweep({0, 1}, now);
  // The two halves of the players hold alternate frames, so each frame's
  // sweep reaches half of them: a window that opens for both on one frame
  // sends phase 1 that frame now, and its next window opens a frame later.
  if (both_idle && video_frames > 0) sweep({1}, now);
  schedule(now);
}

void Feed::schedule(Clock::time_point now) {
  std::optional<Clock::time_point> next;
  for (std::size_t p = 0; p < phases_.size(); ++p) {
    const auto due = phases_[p].window.due();
    if (!due) continue;
    if (*due <= now) {
      sweep({p}, now);
    } else if (!next || *due < *next) {
      next = due;
    }
  }
  if (!next) return;
  if (armed_at_ && *armed_at_ <= *next) return;  // the armed timer comes first
  armed_at_ = *next;
  window_timer_.expires_at(*next);  // a later wait, if any, ends as aborted
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

void Feed::sweep(std::initializer_list<std::size_t> which, Clock::time_point now) {
  ++running_;
  for (const std::size_t p : which) {
    Phase& phase = phases_[p];
    phase.window.swept();
    const std::size_t from = phase.next;
    phase.next = items_.size();
    last_swept_ = p;
    if (from == items_.size()) continue;
    const BusItem& last = items_.back();
    phase.last_packet = last.type == BusItem::Type::Media ? last.packet : nullptr;
    // Each item is chunked once, for both phases and every player.
    for (std::size_t i = bodies_.size(); i < items_.size(); ++i)
      bodies_.push_back(items_[i].packet
                            ? ServerProtocol::chunked(*items_[i].packet, context_->server.chunk_size)
                            : nullptr);
    const std::span<const BusItem> items(items_.data() + from, items_.size() - from);
    const PlayLink::Bodies bodies(bodies_.data() + from, bodies_.size() - from);
    // Links attached while this runs (a joiner in step with this batch)
    // have had its items already.
    const std::size_t count = phase.links.size();
    for (std::size_t i = 0; i < count; ++i)
      if (PlayLink* link = phase.links[i]) link->session().on_feed(*link, items, bodies, now);
  }
  // Joiners drain their own subscription right after the feed's, so that the
  // two are likely to be in step.
  for (std::size_t i = 0; i < joiners_.size(); ++i)
    if (PlayLink* link = joiners_[i]) link->session().pump_link(*link);
  if (--running_ == 0) {
    for (Phase& phase : phases_) compact(phase.links);
    compact(joiners_);
  }
  forget_delivered();
}

void Feed::forget_delivered() {
  const std::size_t done = std::min(phases_[0].next, phases_[1].next);
  if (done == 0) return;
  items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(done));
  bodies_.erase(bodies_.begin(),
                bodies_.begin() + static_cast<std::ptrdiff_t>(std::min(done, bodies_.size())));
  for (Phase& phase : phases_) phase.next -= done;
  if (items_.empty() && items_.capacity() > kMaxKeptItems) {
    items_ = {};
    bodies_ = {};
  }
}

}  // namespace streamgate::rtmp
