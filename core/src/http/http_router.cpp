#include "http/http_router.hpp"

#include <algorithm>
#include <stdexcept>

namespace streamgate::http {
namespace {

// Routes whose handler this thread is running, innermost last: lets a
// handler remove its own route without waiting for itself.
thread_local std::vector<const RouteEntry*> t_running_routes;

}  // namespace

RouteEntry::RouteEntry(RoutePattern pattern, HttpHandler handler)
    : pattern_(std::move(pattern)), handler_(std::move(handler)) {}

bool RouteEntry::invoke(const HttpRequest& request, std::shared_ptr<HttpResponder> responder) {
  {
    std::lock_guard lock(mutex_);
    if (!alive_) return false;
    ++running_;
  }
  t_running_routes.push_back(this);
  struct Leave {
    RouteEntry* entry;
    ~Leave() { entry->leave(); }
  } leave{this};
  handler_(request, std::move(responder));
  return true;
}

void RouteEntry::leave() {
  t_running_routes.pop_back();
  HttpHandler dropped;
  {
    std::lock_guard lock(mutex_);
    --running_;
    // Removed from inside its own handler: the last call out drops it.
    if (!alive_ && running_ == 0) dropped = std::move(handler_);
  }
  idle_.notify_all();
}

void RouteEntry::retire() {
  auto own = std::count(t_running_routes.begin(), t_running_routes.end(), this);
  HttpHandler dropped;
  std::unique_lock lock(mutex_);
  alive_ = false;
  idle_.wait(lock, [&] { return running_ == own; });
  if (running_ == 0) dropped = std::move(handler_);
  lock.unlock();
}

class HttpRouterImpl::Handle final : public HttpRoute {
 public:
  Handle(std::weak_ptr<Table> table, std::shared_ptr<RouteEntry> route)
      : table_(std::move(table)), route_(std::move(route)) {}

  ~Handle() override {
    if (auto table = table_.lock()) {
      std::unique_lock lock(table->mutex);
      std::erase(table->routes, route_);
    }
    route_->retire();
  }

 private:
  std::weak_ptr<Table> table_;
  std::shared_ptr<RouteEntry> route_;
};

HttpRouterImpl::HttpRouterImpl() : table_(std::make_shared<Table>()) {}

HttpRouterImpl::~HttpRouterImpl() = default;

std::unique_ptr<HttpRoute> HttpRouterImpl::add(std::string pattern, HttpHandler handler) {
  if (!handler) throw std::invalid_argument("http route pattern '" + pattern + "': no handler");
  auto parsed = RoutePattern::parse(pattern);
  auto route = std::make_shared<RouteEntry>(std::move(parsed), std::move(handler));
  std::unique_lock lock(table_->mutex);
  auto shape = route->pattern().shape();
  for (const auto& other : table_->routes) {
    if (other->pattern().shape() == shape) {
      throw std::invalid_argument("http route pattern '" + pattern + "': already taken by '" +
                                  other->pattern().text() + "'");
    }
  }
  table_->routes.push_back(route);
  return std::make_unique<Handle>(table_, std::move(route));
}

std::optional<HttpRouterImpl::Match> HttpRouterImpl::find(std::string_view path) const {
  std::optional<Match> best;
  std::shared_lock lock(table_->mutex);
  for (const auto& route : table_->routes) {
    if (best && !route->pattern().more_specific_than(best->route->pattern())) continue;
    RouteParams params;
    if (route->pattern().match(path, params)) best = Match{route, std::move(params)};
  }
  return best;
}

std::size_t HttpRouterImpl::size() const {
  std::shared_lock lock(table_->mutex);
  return table_->routes.size();
}

}  // namespace streamgate::http
