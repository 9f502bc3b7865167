#include "access/access_policy.hpp"

#include <spdlog/logger.h>

namespace streamgate {
namespace {

std::string_view action_name(AccessAction action) {
  switch (action) {
    case AccessAction::Publish: return "publish";
    case AccessAction::Play: return "play";
    case AccessAction::Invalid: break;
  }
  return "invalid";
}

}  // namespace

AccessPolicy::AccessPolicy(const std::vector<config::AppConfig>& apps,
                           std::shared_ptr<spdlog::logger> logger)
    : logger_(std::move(logger)) {
  for (const auto& app : apps) apps_.emplace(app.name, AppRules{app.name});
}

AccessDecision AccessPolicy::decide(const AccessRequest& request) const {
  if (request.action == AccessAction::Invalid) return {false, "invalid request"};
  const auto app = apps_.find(request.key.app);
  if (app == apps_.end()) return {false, "app \"" + request.key.app + "\" is not served here"};
  return {true, {}};
}

void AccessPolicy::check(AccessRequest request, std::function<void(AccessDecision)> done) {
  auto decision = decide(request);
  if (!decision.allowed && logger_) {
    logger_->info("access: {} of {} by {} over {} refused: {}", action_name(request.action),
                  request.key.str(), request.peer, request.protocol, decision.reason);
  }
  done(std::move(decision));
}

void AccessPolicy::publish_done(const AccessRequest&) {
  // No on_publish_done callback exists until issue 7.
}

}  // namespace streamgate
