#pragma once
// The route table behind HttpRouter. Requests are matched on worker threads
// while plugins add and remove routes from theirs; removing a route waits
// for the handler calls already running, so no handler runs after its
// HttpRoute is gone (the plugin's code may be unloaded right after).

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string_view>
#include <vector>

#include "http/route_pattern.hpp"
#include "streamgate/http.hpp"

namespace streamgate::http {

/// One registered route: its pattern and handler, and the count of calls in
/// flight that removal waits for.
class RouteEntry {
 public:
  RouteEntry(RoutePattern pattern, HttpHandler handler);
  const RoutePattern& pattern() const { return pattern_; }

  /// Calls the handler unless the route was removed; false then. Exceptions
  /// from the handler pass through.
  bool invoke(const HttpRequest& request, std::shared_ptr<HttpResponder> responder);

  /// Marks the route removed and waits until no other thread runs its
  /// handler (a call from inside the handler itself is not waited for), then
  /// drops the handler.
  void retire();

 private:
  void leave();

  RoutePattern pattern_;
  HttpHandler handler_;  // read without the lock while running_ > 0: nobody writes it then
  std::mutex mutex_;
  std::condition_variable idle_;
  bool alive_ = true;
  int running_ = 0;
};

class HttpRouterImpl final : public HttpRouter {
 public:
  HttpRouterImpl();
  ~HttpRouterImpl() override;

  std::unique_ptr<HttpRoute> add(std::string pattern, HttpHandler handler) override;

  struct Match {
    std::shared_ptr<RouteEntry> route;
    RouteParams params;
  };
  /// The most specific route matching `path` (ties go to the first added).
  std::optional<Match> find(std::string_view path) const;
  std::size_t size() const;

 private:
  // Shared with every HttpRoute handle, so a handle outliving the router is safe.
  struct Table {
    mutable std::shared_mutex mutex;
    std::vector<std::shared_ptr<RouteEntry>> routes;
  };
  class Handle;

  std::shared_ptr<Table> table_;
};

}  // namespace streamgate::http
