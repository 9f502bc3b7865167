#include "http/http_stream_impl.hpp"

#include "http/http_connection.hpp"

namespace streamgate::http {

HttpStreamImpl::HttpStreamImpl(std::shared_ptr<HttpConnection> connection,
                               std::shared_ptr<StreamCallbacks> callbacks)
    : connection_(std::move(connection)), callbacks_(std::move(callbacks)) {}

HttpStreamImpl::~HttpStreamImpl() { close(); }

void HttpStreamImpl::write(std::vector<SharedBytes> chunks, std::function<void(bool ok)> done) {
  if (auto id = callbacks_->add_write(std::move(done)))
    connection_->stream_write(callbacks_, std::move(chunks), id);
}

void HttpStreamImpl::close() {
  // The callbacks dropped below may hold the last handle: this object may be
  // gone once callbacks->close() returns, so nothing of it is used after.
  auto callbacks = callbacks_;
  if (!close_requested_.exchange(true)) connection_->stream_close(callbacks);
  callbacks->close();
}

void HttpStreamImpl::on_closed(std::function<void()> callback) {
  if (callbacks_->set_on_closed(std::move(callback)) == StreamCallbacks::OnClosed::Due) {
    connection_->post_on_closed(callbacks_);
  }
}

}  // namespace streamgate::http
