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

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain";
  HttpHeaders headers;
  SharedBytes body;
};

/// A long-lived response body (e.g. HTTP-TS): chunked transfer encoding.
class HttpStream {
 public:
  virtual ~HttpStream() = default;
  /// Queues `chunks` for sending as one gathered write. `done(ok)` runs on the
  /// connection's thread when they are written (ok) or the client is gone.
  /// Only one write may be in flight: call again from `done`.
  virtual void write(std::vector<SharedBytes> chunks, std::function<void(bool ok)> done) = 0;
  /// Ends the response (sends the last chunk) and closes the connection.
  virtual void close() = 0;
  /// Called once when the client disconnects or the server stops.
  virtual void on_closed(std::function<void()> callback) = 0;
};

/// Given to a handler; answer exactly once with respond() or start_stream().
/// May be kept and answered later, from any thread.
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
