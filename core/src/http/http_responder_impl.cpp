#include "http/http_responder_impl.hpp"

#include <spdlog/spdlog.h>

#include "http/http_connection.hpp"
#include "http/http_stream_impl.hpp"

namespace streamgate::http {

HttpResponderImpl::HttpResponderImpl(std::shared_ptr<HttpConnection> connection, std::uint64_t request)
    : connection_(std::move(connection)), request_(request) {}

HttpResponderImpl::~HttpResponderImpl() {
  if (answered_.exchange(true)) return;
  connection_->logger().warn("http: request from {} dropped by its handler without an answer", connection_->peer());
  connection_->respond(request_, http_error(500, "internal error: the handler gave no answer"));
}

bool HttpResponderImpl::claim(const char* what) {
  if (!answered_.exchange(true)) return true;
  connection_->logger().error("http: request from {} answered twice; {} ignored", connection_->peer(), what);
  return false;
}

void HttpResponderImpl::respond(HttpResponse response) {
  if (claim("respond()")) connection_->respond(request_, std::move(response));
}

std::shared_ptr<HttpStream> HttpResponderImpl::start_stream(int status, std::string content_type,
                                                            HttpHeaders headers) {
  auto callbacks = connection_->new_stream_callbacks();
  if (claim("start_stream()")) {
    connection_->start_stream(request_, callbacks, status, std::move(content_type), std::move(headers));
  } else {
    // A refused second answer still gets a handle, already gone: its writes
    // complete with ok = false and its on_closed runs at once.
    callbacks->gone();
  }
  return std::make_shared<HttpStreamImpl>(connection_, std::move(callbacks));
}

}  // namespace streamgate::http
