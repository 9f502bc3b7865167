#include "http/http_stream_impl.hpp"

#include "http/http_connection.hpp"

namespace streamgate::http {

std::function<void()> StreamCallbacks::set(std::function<void()> callback) {
  std::lock_guard lock(mutex_);
  if (state_ == State::Gone && !fired_) {
    fired_ = true;
    return callback;
  }
  if (state_ == State::Open) on_closed_ = std::move(callback);
  return {};
}

std::function<void()> StreamCallbacks::mark_gone() {
  std::lock_guard lock(mutex_);
  if (state_ != State::Open) return {};
  state_ = State::Gone;
  if (!on_closed_) return {};
  fired_ = true;
  return std::move(on_closed_);
}

void StreamCallbacks::mark_finished() {
  std::function<void()> dropped;  // the plugin's callback dies outside the lock
  std::lock_guard lock(mutex_);
  if (state_ == State::Open) state_ = State::Finished;
  dropped = std::move(on_closed_);
}

HttpStreamImpl::HttpStreamImpl(std::shared_ptr<HttpConnection> connection,
                               std::shared_ptr<StreamCallbacks> callbacks)
    : connection_(std::move(connection)), callbacks_(std::move(callbacks)) {}

HttpStreamImpl::~HttpStreamImpl() { close(); }

void HttpStreamImpl::write(std::vector<SharedBytes> chunks, std::function<void(bool ok)> done) {
  connection_->stream_write(callbacks_, std::move(chunks), std::move(done));
}

void HttpStreamImpl::close() {
  std::call_once(closed_, [&] { connection_->stream_close(callbacks_); });
}

void HttpStreamImpl::on_closed(std::function<void()> callback) {
  if (auto run_now = callbacks_->set(std::move(callback))) connection_->post(std::move(run_now));
}

}  // namespace streamgate::http
