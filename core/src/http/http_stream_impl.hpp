#pragma once
// The HttpStream handle a handler gets from start_stream(): it forwards to
// the connection's strand. StreamCallbacks holds on_closed, shared between
// the handle (any thread) and the connection (its strand).

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "streamgate/http.hpp"

// Internal to the core, like Beast (see http/beast.hpp).
#pragma GCC visibility push(hidden)

namespace streamgate::http {

class HttpConnection;

class StreamCallbacks {
 public:
  /// Stores `callback`; returns it back when the stream is already gone and
  /// it has not run yet (the caller runs it then), else an empty function.
  std::function<void()> set(std::function<void()> callback);
  /// The client left or the server stopped: the callback to run, once.
  std::function<void()> mark_gone();
  /// The producer ended the stream itself: on_closed will not run.
  void mark_finished();

 private:
  enum class State : std::uint8_t { Invalid = 0, Open, Gone, Finished };
  std::mutex mutex_;
  State state_ = State::Open;
  bool fired_ = false;
  std::function<void()> on_closed_;
};

class HttpStreamImpl final : public HttpStream {
 public:
  HttpStreamImpl(std::shared_ptr<HttpConnection> connection, std::shared_ptr<StreamCallbacks> callbacks);
  /// Dropping the handle ends the response as close() does.
  ~HttpStreamImpl() override;

  void write(std::vector<SharedBytes> chunks, std::function<void(bool ok)> done) override;
  void close() override;
  void on_closed(std::function<void()> callback) override;

 private:
  std::shared_ptr<HttpConnection> connection_;
  std::shared_ptr<StreamCallbacks> callbacks_;
  std::once_flag closed_;
};

}  // namespace streamgate::http

#pragma GCC visibility pop
