#pragma once
// HTTP routes served by the core's HTTP listener (Boost.Beast inside the core,
// none of it visible here). A plugin registers a pattern such as
// "/{app}/{stream}.m3u8": each {name} matches one non-empty path segment
// (no '/'), the rest matches literally. The returned HttpRoute unregisters
// when destroyed.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "streamgate/bytes.hpp"

namespace streamgate {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  ///< "GET", "HEAD", ...
  std::string target;  ///< as received, path plus query
  std::string path;    ///< percent-decoded path
  std::string query;   ///< raw query string without '?'
  std::string peer;    ///< "ip:port"
  HttpHeaders headers;
  std::map<std::string, std::string, std::less<>> params;  ///< values of {name} in the pattern

  /// Header value by case-insensitive name, "" if absent.
  std::string_view header(std::string_view name) const;
  /// Value of `key` in the query string (percent-decoded), "" if absent.
  std::string query_param(std::string_view key) const;
};

/// A whole response, sent with Content-Length (keep-alive stays possible).
/// The body is `body` followed by every element of `body_parts`, sent
/// together with the header in one gathered write without copying them: a
/// body made of many shared slices (an HLS segment) needs no concatenation.
/// A HEAD request gets the same header, Content-Length included, and no body.
struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain";
  HttpHeaders headers;
  SharedBytes body;
  /// Sent after `body`, in order, gathered, no copy.
  std::vector<SharedBytes> body_parts;
};

/// A long-lived response body (e.g. HTTP-TS): chunked transfer encoding.
///
/// Callback guarantee (what a plugin relies on to stop and be unloaded):
/// - every write()'s `done` runs exactly once, and `on_closed` at most once;
/// - once close() has returned, on any thread, no callback of this stream
///   runs any more: a callback running on another thread at that moment is
///   waited for, and a write still in flight gets done(false) inside close();
/// - once HttpServer::stop() has returned, the same holds for every stream
///   of that server (their on_closed has run, unless the producer closed first);
/// - after either, the core keeps no callback of the plugin: each has run or
///   been destroyed, so the plugin's code may be unloaded.
/// Because close() may wait, do not call it while holding a lock that this
/// stream's callbacks take. Calling it from inside one of its own callbacks
/// is fine (that one is not waited for).
class HttpStream {
 public:
  virtual ~HttpStream() = default;
  /// Queues `chunks` for sending as one gathered write. `done(ok)` runs on the
  /// connection's thread when they are written (ok) or the client is gone;
  /// with ok = false inside close() or HttpServer::stop() when the write was
  /// still in flight then (its bytes may still go out before the end of the
  /// body); and at once, inside write(), when the stream is already closed.
  /// Only one write may be in flight: call again from `done`.
  virtual void write(std::vector<SharedBytes> chunks, std::function<void(bool ok)> done) = 0;
  /// Ends the response (after the writes already queued, sends the last
  /// chunk) and closes the connection. on_closed does not run after it.
  /// Dropping the last handle does the same.
  virtual void close() = 0;
  /// Called once when the client disconnects or the server stops, on the
  /// connection's thread (or inside HttpServer::stop() for what the workers
  /// did not get to). Registered after that, it runs at once (posted to the
  /// connection's thread, or inside on_closed() once the server has stopped).
  virtual void on_closed(std::function<void()> callback) = 0;
};

/// Given to a handler; answer exactly once with respond() or start_stream().
/// May be kept and answered later, from any thread. It runs no plugin code
/// itself: after HttpServer::stop() an answer is ignored, and a stream
/// started then is already over (see HttpStream).
class HttpResponder {
 public:
  virtual ~HttpResponder() = default;
  virtual void respond(HttpResponse response) = 0;
  virtual std::shared_ptr<HttpStream> start_stream(int status, std::string content_type,
                                                   HttpHeaders headers) = 0;
};

using HttpHandler =
    std::function<void(const HttpRequest& request, std::shared_ptr<HttpResponder> responder)>;

class HttpRoute {
 public:
  virtual ~HttpRoute() = default;
};

class HttpRouter {
 public:
  virtual ~HttpRouter() = default;
  /// Registers `handler` for GET/HEAD requests matching `pattern`. Throws
  /// std::invalid_argument when the pattern is malformed or already taken.
  virtual std::unique_ptr<HttpRoute> add(std::string pattern, HttpHandler handler) = 0;
};

/// Plain-text error response with CORS headers, for handlers' convenience.
HttpResponse http_error(int status, std::string_view message);

}  // namespace streamgate
