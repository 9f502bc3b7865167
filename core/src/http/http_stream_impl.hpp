#pragma once
// The HttpStream handle a handler gets from start_stream(): writes and the
// end go to the connection's strand; the plugin's callbacks stay in
// StreamCallbacks, shared between the handle (any thread) and the
// connection (its strand).

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "http/stream_callbacks.hpp"
#include "streamgate/http.hpp"

// Internal to the core, like Beast (see http/beast.hpp).
#pragma GCC visibility push(hidden)

namespace streamgate::http {

class HttpConnection;

class HttpStreamImpl final : public HttpStream {
 public:
  HttpStreamImpl(std::shared_ptr<HttpConnection> connection,
                 std::shared_ptr<StreamCallbacks> callbacks);
  /// Dropping the handle ends the response as close() does.
  ~HttpStreamImpl() override;

  void write(std::vector<SharedBytes> chunks, std::function<void(bool ok)> done) override;
  void close() override;
  void on_closed(std::function<void()> callback) override;

 private:
  std::shared_ptr<HttpConnection> connection_;
  std::shared_ptr<StreamCallbacks> callbacks_;
  std::atomic<bool> close_requested_{false};
};

}  // namespace streamgate::http

#pragma GCC visibility pop
