#include "http_ts_session.hpp"

#include <spdlog/spdlog.h>

namespace streamgate::mpegts {
namespace {

// How often a client with a write out is checked for an overflowed queue: the
// bus says when its queue fills, not when it overflows, and nothing else runs
// for a client whose write never completes.
constexpr std::chrono::milliseconds kStallCheckInterval{250};

}  // namespace

HttpTsSession::HttpTsSession(StreamKey key, std::string peer, const MpegtsConfig& config, Bus& bus,
                             Executor& executor, std::shared_ptr<spdlog::logger> logger,
                             std::shared_ptr<HttpResponder> responder,
                             std::function<void(const std::shared_ptr<HttpTsSession>&)> on_done)
    : key_(std::move(key)),
      peer_(std::move(peer)),
      config_(config),
      bus_(bus),
      executor_(executor),
      logger_(std::move(logger)),
      responder_(std::move(responder)),
      on_done_(std::move(on_done)) {}

HttpTsSession::~HttpTsSession() = default;

void HttpTsSession::start() {
  SubscribeOptions options;
  options.max_queue_bytes = static_cast<std::size_t>(config_.http_queue_bytes);
  options.max_queue_duration = config_.http_queue_duration;
  options.replay_cache = true;  // start at the last keyframe unit
  std::weak_ptr<HttpTsSession> weak = weak_from_this();
  subscription_ = bus_.subscribe(key_, options, [weak] {
    if (auto self = weak.lock()) self->schedule();
  });
  executor_.post([weak] {
    auto self = weak.lock();
    if (!self || self->state_ != State::Invalid) return;
    self->state_ = State::Waiting;
    if (self->config_.http_wait.count() > 0) {
      self->wait_timer_ = self->executor_.make_timer();
      self->wait_timer_->start(self->config_.http_wait, [weak] {
        if (auto session = weak.lock(); session && session->state_ == State::Waiting)
          session->finish("is not live");
      });
    }
    self->pump();
    if (self->state_ == State::Waiting && self->config_.http_wait.count() == 0)
      self->finish("is not live");
  });
}

void HttpTsSession::schedule() {
  if (pump_scheduled_.exchange(true)) return;
  executor_.post([weak = weak_from_this()] {
    if (auto self = weak.lock()) self->pump();
  });
}

void HttpTsSession::pump() {
  pump_scheduled_ = false;
  // While a write is in flight the queue is left alone: it is the bound.
  if (state_ == State::Invalid || state_ == State::Done || writing_ || !subscription_) return;
  items_.clear();
  subscription_->drain(items_);
  // The queue overflowed while the last write was out: the client is behind
  // (the bus would mark it only on the next keyframe unit; act now).
  if (fell_behind()) return finish("fell behind by more than its queue bound", true);
  for (auto& item : items_) {
    handle(item);
    if (state_ == State::Done) break;
  }
  items_.clear();
  write_pending();
}

bool HttpTsSession::fell_behind() const {
  return state_ == State::Streaming && subscription_ && subscription_->stats().dropped_packets > 0;
}

void HttpTsSession::check_stalled() {
  if (state_ != State::Streaming) return;
  if (writing_ && fell_behind()) return finish("fell behind by more than its queue bound", true);
  stall_timer_->start(kStallCheckInterval, [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->check_stalled();
  });
}

void HttpTsSession::handle(BusItem& item) {
  switch (item.type) {
    case BusItem::Type::StreamStart:
      if (state_ == State::Waiting) start_response();
      synced_ = false;  // a republish: resume at the new generation's first keyframe unit
      ending_ = false;
      if (wait_timer_) wait_timer_->cancel();
      break;
    case BusItem::Type::Media:
      if (state_ != State::Streaming || !item.packet) break;
      if (item.after_drop) {
        finish("fell behind by more than its queue bound", true);
        break;
      }
      if (!synced_ && !item.packet->keyframe) break;
      synced_ = true;
      pending_.push_back(item.packet->payload);
      break;
    case BusItem::Type::StreamEnd:
      ending_ = true;
      break;
    case BusItem::Type::Invalid:
      break;
  }
}

void HttpTsSession::start_response() {
  state_ = State::Streaming;
  if (wait_timer_) wait_timer_->cancel();
  HttpHeaders headers{{"Cache-Control", "no-cache, no-store"},
                      {"Access-Control-Allow-Origin", "*"}};
  stream_ = responder_->start_stream(200, "video/mp2t", std::move(headers));
  responder_.reset();
  Executor* executor = &executor_;
  stream_->on_closed([executor, weak = weak_from_this()] {
    executor->post([weak] {
      if (auto self = weak.lock()) self->finish("closed the connection");
    });
  });
  logger_->info("mpegts: http client {} plays {}", peer_, key_.str());
  stall_timer_ = executor_.make_timer();
  check_stalled();
}

void HttpTsSession::write_pending() {
  if (state_ != State::Streaming || writing_) return;
  if (pending_.empty()) {
    if (ending_) wait_for_republish();
    return;
  }
  std::size_t bytes = 0;
  for (const auto& chunk : pending_) bytes += chunk.size();
  writing_ = true;
  Executor* executor = &executor_;
  stream_->write(std::move(pending_), [executor, weak = weak_from_this(), bytes](bool ok) {
    executor->post([weak, ok, bytes] {
      if (auto self = weak.lock()) {
        if (ok) self->bytes_sent_ += bytes;
        self->on_written(ok);
      }
    });
  });
  pending_.clear();
}

// The source ended and everything was sent. An encoder that reconnects
// within http-wait continues the same response (the muxer marks the seam
// with discontinuity_indicator); otherwise the response ends.
void HttpTsSession::wait_for_republish() {
  if (config_.http_wait.count() == 0) return finish("reached the end of the stream");
  if (!wait_timer_) wait_timer_ = executor_.make_timer();
  wait_timer_->start(config_.http_wait, [weak = weak_from_this()] {
    if (auto self = weak.lock(); self && self->state_ == State::Streaming && self->ending_)
      self->finish("reached the end of the stream");
  });
}

void HttpTsSession::on_written(bool ok) {
  writing_ = false;
  if (state_ == State::Done) return;
  if (!ok) return finish("closed the connection");
  pump();
}

void HttpTsSession::stop() {
  if (responder_) {  // not answered yet
    responder_->respond(http_error(503, "server stopping"));
    responder_.reset();
  }
  finish("was stopped with the server");
}

void HttpTsSession::finish(std::string_view why, bool warn) {
  if (state_ == State::Done) return;
  const State was = state_;
  state_ = State::Done;
  if (wait_timer_) wait_timer_->cancel();
  wait_timer_.reset();
  if (stall_timer_) stall_timer_->cancel();
  stall_timer_.reset();
  subscription_.reset();
  pending_.clear();
  if (responder_) {  // never went live
    responder_->respond(http_error(404, "stream not found"));
    responder_.reset();
    logger_->info("mpegts: http client {} refused: {} {}", peer_, key_.str(), why);
  } else if (was == State::Streaming) {
    if (warn)
      logger_->warn("mpegts: http client {} of {} dropped: it {} ({} bytes sent)", peer_,
                    key_.str(), why, bytes_sent_);
    else
      logger_->info("mpegts: http client {} of {} ended: it {} ({} bytes sent)", peer_, key_.str(),
                    why, bytes_sent_);
  }
  if (stream_) stream_->close();
  if (on_done_) on_done_(shared_from_this());
}

}  // namespace streamgate::mpegts
