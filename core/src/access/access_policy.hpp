#pragma once
// AccessControl as configured per app (access_rules.hpp lists the settings).
// A request is refused when its app is not declared; otherwise the app's
// rules for the action run in this order, the first refusal winning:
//   1. the address lists (deny beats allow),
//   2. the key or signed token in the query,
//   3. the HTTP callback (on-publish / on-play), if configured: only a 2xx
//      answer within callback-timeout allows.
// Steps 1–2 decide at once, before check() returns; step 3 answers later, on
// one of the workers' threads.

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "access/access_rules.hpp"
#include "config/gateway_config.hpp"
#include "streamgate/access.hpp"

namespace boost::asio {
class io_context;
}
namespace spdlog {
class logger;
}

namespace streamgate {

class AccessPolicy final : public AccessControl {
 public:
  using WallClock = std::function<std::chrono::system_clock::time_point()>;

  /// `workers` run the HTTP callbacks, in turn; they must outlive every call
  /// in flight. Throws std::invalid_argument when an app configures a
  /// callback and no worker is given. `now` is the clock tokens expire
  /// against (default: the system clock).
  AccessPolicy(const std::vector<config::AppConfig>& apps, std::shared_ptr<spdlog::logger> logger,
               std::vector<boost::asio::io_context*> workers = {}, WallClock now = {});
  ~AccessPolicy() override;

  void check(AccessRequest request, std::function<void(AccessDecision)> done) override;
  /// POSTs to on-publish-done, if configured, and does not wait for the answer.
  void publish_done(const AccessRequest& request) override;

  /// Steps 1–2 above: the decision check() hands on when no callback is configured.
  AccessDecision decide(const AccessRequest& request) const;

 private:
  const access::AppAccess* rules_of(const AccessRequest& request) const;
  boost::asio::io_context& next_worker() noexcept;

  std::map<std::string, access::AppAccess, std::less<>> apps_;
  std::shared_ptr<spdlog::logger> logger_;
  std::vector<boost::asio::io_context*> workers_;
  std::atomic<std::size_t> next_worker_{0};
  WallClock now_;
};

}  // namespace streamgate
