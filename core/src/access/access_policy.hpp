#pragma once
// AccessControl as configured per app. With no rules configured (today: no
// rules exist yet) a request is allowed exactly when its app is declared with
// <app name="…"/>. Issue 7 adds rules (IP lists, publish keys, signed tokens,
// HTTP callbacks) as members of AppRules, read from each <app> element; check()
// already looks the app up first, so those rules slot in per app.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/gateway_config.hpp"
#include "streamgate/access.hpp"

namespace spdlog {
class logger;
}

namespace streamgate {

/// The access rules of one app. Empty for now: everything is allowed.
struct AppRules {
  std::string app;
};

class AccessPolicy final : public AccessControl {
 public:
  AccessPolicy(const std::vector<config::AppConfig>& apps, std::shared_ptr<spdlog::logger> logger);

  /// Decides at once and calls `done` before returning.
  void check(AccessRequest request, std::function<void(AccessDecision)> done) override;
  void publish_done(const AccessRequest& request) override;

  /// The decision check() hands to `done`.
  AccessDecision decide(const AccessRequest& request) const;

 private:
  std::map<std::string, AppRules, std::less<>> apps_;
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace streamgate
