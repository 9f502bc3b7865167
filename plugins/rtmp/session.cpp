#include "session.hpp"

#include <spdlog/logger.h>

#include <algorithm>
#include <array>
#include <span>

#include "peer_address.hpp"
#include "status.hpp"
#include "streamgate/names.hpp"

namespace streamgate::rtmp {

namespace asio = boost::asio;

namespace {

// Players send a few bytes now and then (an acknowledgement every few MB, a
// command or two); publishers get a larger buffer once a read fills the
// small one (RSS per connected player matters at scale; the handshake's
// 1.5 KB blocks simply take two reads).
constexpr std::size_t kSmallReadBuffer = 1024;
constexpr std::size_t kLargeReadBuffer = 64 * 1024;
// Buffers handed to one send call (Linux takes up to 1024; Asio 64).
constexpr std::size_t kMaxSendBuffers = 64;
// How long a closing session may take to write its last words (a refusal's
// status) to a peer that does not read.
constexpr std::chrono::milliseconds kCloseLinger{2000};

// Text from the peer as it may appear in a log line: printable ASCII as is,
// every other byte as \xNN (a newline or escape sequence in a stream name
// cannot forge or garble lines), and at most kMaxLogged bytes of it.
constexpr std::size_t kMaxLogged = 160;
std::string loggable(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char c : text.substr(0, kMaxLogged)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7F && c != '\\') {
      out += c;
    } else {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  if (text.size() > kMaxLogged) out += "...";
  return out;
}

}  // namespace

void Session::launch(const std::shared_ptr<ServerContext>& context, Socket socket,
                     std::size_t worker, ConnectionLimits::Ticket admission) {
  auto session =
      std::make_shared<Session>(context, std::move(socket), worker, std::move(admission));
  session->id_ = context->sessions.add(session);
  asio::post(session->socket_.get_executor(), [session] { session->start(); });
}

Session::Session(std::shared_ptr<ServerContext> context, Socket socket, std::size_t worker,
                 ConnectionLimits::Ticket admission)
    : context_(std::move(context)),
      admission_(std::move(admission)),
      socket_(std::move(socket)),
      peer_(peer_endpoint(socket_)),
      protocol_(context_->server),
      read_buffer_(kSmallReadBuffer),
      worker_(worker),
      pacer_(context_->config.hold_for_video),
      tick_timer_(socket_.get_executor()) {
  const auto& config = context_->config;
  // Fine enough for the shortest timeout, never busier than 20 ticks a second.
  tick_ = std::clamp(std::min({config.handshake_timeout, config.idle_timeout,
                               config.player_lag_timeout}) / 4,
                     std::chrono::milliseconds(50), std::chrono::milliseconds(1000));
}

Session::~Session() {
  release_streams();
  context_->sessions.remove(id_);
}

void Session::shutdown() {
  asio::post(socket_.get_executor(),
             [self = shared_from_this()] { self->close_now("the server is stopping"); });
}

void Session::start() {
  started_ = last_input_ = Clock::now();
  if (context_->stopping) return close_now("the server is stopping");
  ErrorCode ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  // Sends are tried at once; a full socket answers would_block, not a wait.
  socket_.non_blocking(true, ignored);
  context_->logger->debug("rtmp: {} connected", peer_);
  schedule_tick();
  read();
}

// ---- input ----

void Session::read() {
  socket_.async_read_some(asio::buffer(read_buffer_),
                          [self = shared_from_this()](const ErrorCode& ec, std::size_t bytes) {
                            self->on_read(ec, bytes);
                          });
}

void Session::on_read(const ErrorCode& ec, std::size_t bytes) {
  if (closed_ || closing_since_) return;
  if (ec) {
    if (ec == asio::error::eof || ec == asio::error::connection_reset)
      return close_now("the peer closed the connection");
    return close_now("read failed: " + ec.message());
  }
  last_input_ = Clock::now();
  protocol_.feed(std::span<const std::byte>(read_buffer_.data(), bytes));
  // A publisher's media fills reads; a player's acks and commands never need more.
  if (bytes == read_buffer_.size() && read_buffer_.size() < kLargeReadBuffer &&
      !publishing_.empty())
    read_buffer_.resize(kLargeReadBuffer);
  handle_events();
  write();
  if (!closed_ && !closing_since_ && !protocol_.closed()) read();
}

void Session::handle_events() {
  // Handlers may raise more events (a refusal's Closed); the outer loop takes them.
  if (handling_events_) return;
  handling_events_ = true;
  for (;;) {
    events_.clear();
    protocol_.take_events(events_);
    if (events_.empty() || closed_) break;
    for (auto& event : events_) {
      if (closed_) break;
      std::visit([this](auto& e) { on(e); }, event);
    }
  }
  events_.clear();
  handling_events_ = false;
}

void Session::on(event::ConnectRequested& e) {
  // Names from the network are checked before they are looked up or logged
  // as they are (a NUL, a control character, an absurd length).
  if (auto problem = name_problem(e.request.app)) {
    context_->logger->warn("rtmp: {} connect rejected: bad app name: {}", peer_, *problem);
    return protocol_.reject_connect("Bad application name: the name " + *problem + ".");
  }
  if (context_->host.app_declared(e.request.app)) {
    context_->logger->debug("rtmp: {} connected to app '{}' (tcUrl '{}', flashVer '{}', {} handshake)",
                            peer_, e.request.app, loggable(e.request.tc_url),
                            loggable(e.request.flash_ver),
                            protocol_.handshake_kind() == HandshakeKind::Digest ? "digest" : "plain");
    return protocol_.accept_connect();
  }
  context_->logger->info("rtmp: {} connect to app '{}' rejected: the app is not declared", peer_,
                         e.request.app);
  protocol_.reject_connect("Application '" + e.request.app + "' is not served here.");
}

AccessRequest Session::access_request(AccessAction action, const std::string& name,
                                      const std::string& query) const {
  AccessRequest request;
  request.action = action;
  request.key = StreamKey{protocol_.connect_request().app, name, {}};
  // A token may ride on the stream name or, failing that, on the app.
  request.query = query.empty() ? protocol_.connect_request().query : query;
  request.peer = peer_;
  request.protocol = "rtmp";
  return request;
}

void Session::on(event::PublishRequested& e) {
  const std::string& app = protocol_.connect_request().app;
  if (auto problem = name_problem(e.request.name))
    return refuse_publish(e.stream_id, "'" + app + "/" + loggable(e.request.name) + "'",
                          "bad stream name: " + *problem, "Bad stream name: " + *problem);
  // The place is taken before access control runs, so an on-publish callback
  // never hears of a publish that the limits then refuse.
  auto slot = context_->limits.admit_publisher(app);
  if (!slot)
    return refuse_publish(e.stream_id, app + "/" + e.request.name, slot.refusal,
                          "Publishing refused: " + slot.refusal);
  auto held = std::make_shared<ConnectionLimits::Ticket>(std::move(slot.ticket));
  ask_access(access_request(AccessAction::Publish, e.request.name, e.request.query),
             [stream_id = e.stream_id, request = e.request, held](Session& self,
                                                                  const AccessDecision& decision) {
               self.on_publish_decision(stream_id, request, decision, std::move(*held));
             });
}

void Session::refuse_publish(std::uint32_t stream_id, const std::string& what,
                             const std::string& why, const std::string& description) {
  context_->logger->warn("rtmp: {} publish of {} refused: {}", peer_, what, why);
  protocol_.refuse_publish(stream_id, status::kPublishBadName, description);
  close_after_flush("publish refused");
}

void Session::ask_access(AccessRequest request, std::function<void(Session&, const AccessDecision&)> then) {
  // The decision may come from another thread (an HTTP callback) and after
  // this session is gone.
  auto weak = weak_from_this();
  auto executor = socket_.get_executor();
  context_->host.access().check(
      std::move(request), [weak, executor, then = std::move(then)](AccessDecision decision) {
        asio::post(executor, [weak, then, decision = std::move(decision)] {
          if (auto self = weak.lock(); self && !self->closed_ && !self->closing_since_)
            then(*self, decision);
        });
      });
}

void Session::on_publish_decision(std::uint32_t stream_id, const PublishRequest& request,
                                  const AccessDecision& decision, ConnectionLimits::Ticket slot) {
  const auto access = access_request(AccessAction::Publish, request.name, request.query);
  const std::string key = access.key.str();
  if (!decision.allowed)
    return refuse_publish(stream_id, key, decision.reason, "Publishing refused: " + decision.reason);
  PublishInfo info;
  info.mode = request.mode;
  info.protocol = "rtmp";
  info.peer = peer_;
  info.query = access.query;
  auto publisher = context_->host.bus().publish(access.key, std::move(info));
  if (!publisher)
    return refuse_publish(stream_id, key, "the stream is already published",
                          request.name + " is already being published.");
  if (!protocol_.accept_publish(stream_id)) return;  // the client gave up meanwhile
  context_->logger->info("rtmp: {} {} publish started ({})", peer_, key, to_string(request.mode));
  publishing_.push_back(
      Publishing{stream_id, std::move(publisher), access, Ingest{}, std::move(slot)});
  // Media that came with the publish command was held until now.
  handle_events();
  write();
}

void Session::on(event::MediaReceived& e) {
  Publishing* stream = publishing(e.stream_id);
  if (stream == nullptr) return;
  auto result = stream->ingest.convert(e.message);
  if (!result.note.empty())
    context_->logger->warn("rtmp: {} {} {}", peer_, stream->request.key.str(), result.note);
  if (result.packet) stream->publisher->push(std::move(result.packet));
}

void Session::on(event::PublishEnded& e) { end_publishing(e.stream_id, "the publisher stopped"); }

void Session::end_publishing(std::uint32_t stream_id, const char* why) {
  auto it = std::find_if(publishing_.begin(), publishing_.end(),
                         [&](const Publishing& p) { return p.stream_id == stream_id; });
  if (it == publishing_.end()) return;
  context_->logger->info("rtmp: {} {} publish ended: {} ({} tags dropped, {} DTS clamped)", peer_,
                         it->request.key.str(), why, it->ingest.dropped(), it->ingest.clamped());
  it->publisher->end();
  context_->host.access().publish_done(it->request);
  publishing_.erase(it);
}

Session::Publishing* Session::publishing(std::uint32_t stream_id) {
  for (auto& stream : publishing_)
    if (stream.stream_id == stream_id) return &stream;
  return nullptr;
}

void Session::on(event::PlayRequested& e) {
  if (auto problem = name_problem(e.request.name)) {
    context_->logger->warn("rtmp: {} play of '{}/{}' refused: bad stream name: {}", peer_,
                           protocol_.connect_request().app, loggable(e.request.name), *problem);
    protocol_.refuse_play(e.stream_id, status::kPlayStreamNotFound,
                          "Bad stream name: " + *problem);
    return close_after_flush("play refused");
  }
  ask_access(access_request(AccessAction::Play, e.request.name, e.request.query),
             [stream_id = e.stream_id, request = e.request](Session& self, const AccessDecision& decision) {
               self.on_play_decision(stream_id, request, decision);
             });
}

void Session::on_play_decision(std::uint32_t stream_id, const PlayRequest& request,
                               const AccessDecision& decision) {
  const auto access = access_request(AccessAction::Play, request.name, request.query);
  if (!decision.allowed) {
    context_->logger->warn("rtmp: {} play of {} refused: {}", peer_, access.key.str(),
                           decision.reason);
    protocol_.refuse_play(stream_id, status::kPlayFailed, "Playing refused: " + decision.reason);
    return close_after_flush("play refused");
  }
  // The player joins through a subscription of its own (the bus replays the
  // cached GOP to it), then its worker's feed takes over (PlayLink). on_ready
  // runs on the publisher's thread: post to ours; the session may be gone by then.
  auto feed = Feed::of(context_, worker_, access.key);
  auto subscription = context_->host.bus().subscribe(
      access.key, context_->subscribe,
      [weak = weak_from_this(), executor = socket_.get_executor()] {
        asio::post(executor, [weak] {
          if (auto self = weak.lock()) self->pump();
        });
      });
  if (!protocol_.start_play(stream_id)) return;  // the client gave up meanwhile
  const bool live = context_->host.bus().stream(access.key).value_or(StreamStatus{}).live;
  context_->logger->info("rtmp: {} {} play started{}", peer_, access.key.str(),
                         live ? "" : " (waiting for the publisher)");
  playing_.push_back(std::make_unique<PlayLink>(*this, stream_id, std::move(subscription),
                                                std::move(feed), context_->subscribe));
  // A late joiner's cached GOP is in the queue already: send it now, even
  // inside a coalescing window (startup time is what players notice first).
  pump(true);
}

void Session::on(event::PlayEnded& e) {
  auto it = std::find_if(playing_.begin(), playing_.end(),
                         [&](const auto& p) { return p->stream_id() == e.stream_id; });
  if (it == playing_.end()) return;
  context_->logger->info("rtmp: {} {} play ended", peer_, (*it)->key().str());
  playing_.erase(it);
}

void Session::on(event::PauseChanged& e) {
  context_->logger->debug("rtmp: {} {} {}", peer_, stream_label(e.stream_id),
                          e.paused ? "paused" : "resumed");
}

void Session::on(event::Closed& e) {
  // Refusals were logged where they were decided; protocol errors are news.
  // The reason may quote what the peer sent (a command's name).
  if (e.error)
    context_->logger->warn("rtmp: {} session ended: {}", peer_, loggable(e.reason));
  else
    context_->logger->debug("rtmp: {} session ended: {}", peer_, loggable(e.reason));
  close_after_flush(e.reason);
}

std::string Session::stream_label(std::uint32_t stream_id) const {
  for (const auto& p : publishing_)
    if (p.stream_id == stream_id) return p.request.key.str();
  for (const auto& p : playing_)
    if (p->stream_id() == stream_id) return p->key().str();
  return "stream " + std::to_string(stream_id);
}

// ---- output ----

void Session::pump(bool now) {
  if (closed_ || closing_since_ || playing_.empty()) return;
  if (waiting_writable_) {
    pump_wanted_ = true;  // on_writable drains
    return;
  }
  pump_wanted_ = false;
  const auto at = Clock::now();
  for (const auto& link : playing_)
    if (link->joining()) queued(*link, link->pump(protocol_), at);
  if (now || pacer_.due(at)) write();
}

void Session::pump_link(PlayLink& link) {
  if (closed_ || closing_since_) return;
  if (waiting_writable_) {
    pump_wanted_ = true;
    return;
  }
  const auto at = Clock::now();
  queued(link, link.pump(protocol_), at);
  if (pacer_.due(at)) write();
}

void Session::on_feed(PlayLink& link, std::span<const BusItem> items, PlayLink::Bodies bodies,
                      Clock::time_point now) {
  if (closed_ || closing_since_) return;
  if (waiting_writable_) return link.hold(items);
  queued(link, link.deliver(protocol_, items, bodies), now);
  if (pacer_.due(now)) write();
}

void Session::queued(const PlayLink& link, const PlayLink::Pumped& pumped, Clock::time_point now) {
  if (pumped.dropped > 0)
    context_->logger->debug("rtmp: {} {} is behind: its queue dropped media to a keyframe", peer_,
                            link.key().str());
  if (pumped.joined_feed)
    context_->logger->debug("rtmp: {} {} play joined its worker's shared feed", peer_,
                            link.key().str());
  pacer_.queued_media(pumped.video_frames, pumped.other_media, now);
  if (pumped.notices > 0) pacer_.queued_urgent();
}

void Session::write() {
  if (closed_ || waiting_writable_) return;
  for (;;) {
    if (batch_.empty()) {
      if (!protocol_.has_output()) break;
      batch_ = protocol_.take_output();
      batch_buffer_ = 0;
      batch_offset_ = 0;
      pacer_.wrote();
    }
    const auto& buffers = batch_.buffers();
    std::array<asio::const_buffer, kMaxSendBuffers> gather;
    std::size_t count = 0;
    for (std::size_t i = batch_buffer_; i < buffers.size() && count < gather.size(); ++i) {
      const std::size_t skip = i == batch_buffer_ ? batch_offset_ : 0;
      gather[count++] = asio::const_buffer(buffers[i].data() + skip, buffers[i].size() - skip);
    }
    ErrorCode ec;
    std::size_t sent = socket_.write_some(std::span(gather.data(), count), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) return wait_writable();
    if (ec) return close_now("write failed: " + ec.message());
    // Step past what the socket took.
    while (batch_buffer_ < buffers.size() &&
           sent >= buffers[batch_buffer_].size() - batch_offset_) {
      sent -= buffers[batch_buffer_].size() - batch_offset_;
      ++batch_buffer_;
      batch_offset_ = 0;
    }
    batch_offset_ += sent;
    if (batch_buffer_ == buffers.size()) protocol_.recycle(std::move(batch_));
  }
  if (closing_since_) close_now("closed after the last reply");
}

void Session::wait_writable() {
  waiting_writable_ = true;
  if (!blocked_since_) blocked_since_ = Clock::now();
  socket_.async_wait(Socket::wait_write,
                     [self = shared_from_this()](const ErrorCode& ec) { self->on_writable(ec); });
}

void Session::on_writable(const ErrorCode& ec) {
  waiting_writable_ = false;
  if (closed_) return;
  if (ec) return close_now("write failed: " + ec.message());
  write();
  if (waiting_writable_ || closed_) return;
  // What arrived while the socket was full.
  const auto at = Clock::now();
  for (const auto& link : playing_)
    if (link->has_backlog()) queued(*link, link->deliver_backlog(protocol_), at);
  if (pump_wanted_) pump(true);
  write();
  // The socket took everything and nothing new filled it: the player keeps up.
  if (!waiting_writable_) blocked_since_.reset();
}

// ---- timeouts and closing ----

void Session::schedule_tick() {
  tick_timer_.expires_after(tick_);
  tick_timer_.async_wait([self = shared_from_this()](const ErrorCode& ec) {
    if (!ec) self->on_tick();
  });
}

void Session::on_tick() {
  if (closed_) return;
  const auto now = Clock::now();
  const auto& config = context_->config;
  if (closing_since_) {
    if (now - *closing_since_ >= kCloseLinger)
      return close_now("the peer did not read the last reply");
  } else if (!protocol_.connected() && now - started_ >= config.handshake_timeout) {
    context_->logger->info("rtmp: {} closed: no handshake and connect within {} ms", peer_,
                           config.handshake_timeout.count());
    return close_now("handshake timeout");
  } else if (playing_.empty() && now - last_input_ >= config.idle_timeout) {
    context_->logger->info("rtmp: {} closed: nothing received for {} ms", peer_,
                           config.idle_timeout.count());
    return close_now("idle timeout");
  } else if (blocked_since_ && now - *blocked_since_ >= config.player_lag_timeout) {
    std::string streams;
    for (const auto& link : playing_) streams += " " + link->key().str();
    context_->logger->warn(
        "rtmp: {}{} player disconnected: it has not kept up for {} ms ({} bytes waiting)", peer_,
        streams, config.player_lag_timeout.count(), protocol_.output_bytes() + batch_.size_bytes());
    return close_now("player lag");
  } else if (const auto held = pacer_.holding_since();
             held && now - *held >= WritePacer::kMaxHold) {
    write();  // held media nothing came after (the publisher stalled)
    if (closed_) return;
  }
  schedule_tick();
}

void Session::close_after_flush(const std::string& reason) {
  if (closed_ || closing_since_) return;
  closing_since_ = Clock::now();
  context_->logger->debug("rtmp: {} closing: {}", peer_, reason);
  release_streams();
  protocol_.close(reason);
  if (!waiting_writable_ && batch_.empty() && !protocol_.has_output()) return close_now(reason);
  write();
}

void Session::close_now(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  context_->logger->debug("rtmp: {} closed: {}", peer_, reason);
  release_streams();
  ErrorCode ignored;
  tick_timer_.cancel();
  socket_.shutdown(Socket::shutdown_both, ignored);
  socket_.close(ignored);
}

void Session::release_streams() {
  while (!publishing_.empty()) end_publishing(publishing_.back().stream_id, "the connection closed");
  for (const auto& link : playing_)
    context_->logger->info("rtmp: {} {} play ended: the connection closed", peer_,
                           link->key().str());
  playing_.clear();
}

}  // namespace streamgate::rtmp
