#include "access/access_policy.hpp"

#include <spdlog/logger.h>

#include <stdexcept>

#include "access/callback_form.hpp"
#include "access/http_callback.hpp"
#include "access/peer_address.hpp"

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

// Why a callback did not allow, in words safe to show the client: no URL
// (it may carry credentials), no answer body.
std::string callback_refusal(std::string_view setting, const access::CallbackResult& result,
                             std::chrono::milliseconds timeout) {
  using Outcome = access::CallbackResult::Outcome;
  const std::string name(setting);
  switch (result.outcome) {
    case Outcome::Answered: return name + " callback refused (HTTP " + std::to_string(result.status) + ")";
    case Outcome::TimedOut:
      return name + " callback did not answer within " + std::to_string(timeout.count()) + " ms";
    case Outcome::Failed: return name + " callback failed: " + result.error;
    case Outcome::Invalid: break;
  }
  return name + " callback failed";
}

// The one shape of a refusal log line; `reason` never holds a secret.
void log_refusal(const std::shared_ptr<spdlog::logger>& logger, const AccessRequest& request,
                 const std::string& reason, std::string_view detail) {
  if (!logger) return;
  logger->info("access: {} of {} by {} over {} refused: {}{}", action_name(request.action),
               request.key.str(), request.peer, request.protocol, reason, detail);
}

}  // namespace

AccessPolicy::AccessPolicy(const std::vector<config::AppConfig>& apps,
                           std::shared_ptr<spdlog::logger> logger,
                           std::vector<boost::asio::io_context*> workers, WallClock now)
    : logger_(std::move(logger)), workers_(std::move(workers)), now_(std::move(now)) {
  if (!now_) now_ = [] { return std::chrono::system_clock::now(); };
  for (const auto& app : apps) {
    if (app.access.uses_callbacks() && workers_.empty())
      throw std::invalid_argument("access: app " + app.name + " has HTTP callbacks but no worker runs them");
    apps_.emplace(app.name, app.access);
  }
}

AccessPolicy::~AccessPolicy() = default;

const access::AppAccess* AccessPolicy::rules_of(const AccessRequest& request) const {
  const auto app = apps_.find(request.key.app);
  return app == apps_.end() ? nullptr : &app->second;
}

boost::asio::io_context& AccessPolicy::next_worker() noexcept {
  return *workers_[next_worker_.fetch_add(1, std::memory_order_relaxed) % workers_.size()];
}

AccessDecision AccessPolicy::decide(const AccessRequest& request) const {
  if (request.action == AccessAction::Invalid) return {false, "invalid request"};
  const auto* app = rules_of(request);
  if (!app) return {false, "app \"" + request.key.app + "\" is not served here"};
  const auto& rules = request.action == AccessAction::Publish ? app->publish : app->play;

  if (!rules.addresses.empty()) {
    const auto peer = access::parse_peer(request.peer);
    if (!peer) return {false, "client address unknown"};
    if (!rules.addresses.allows(peer->address)) {
      return {false, "address " + peer->address.to_string() + " may not " +
                         std::string(action_name(request.action))};
    }
  }

  if (!rules.secret.empty()) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(now_().time_since_epoch());
    try {
      if (auto why = rules.secret.refusal(request.query, request.key.app + "/" + request.key.name, now.count()))
        return {false, std::move(*why)};
    } catch (const std::exception&) {
      return {false, "credentials could not be checked"};  // OpenSSL failed: refuse, never allow
    }
  }
  return {true, {}};
}

void AccessPolicy::check(AccessRequest request, std::function<void(AccessDecision)> done) {
  auto decision = decide(request);
  if (!decision.allowed) {
    log_refusal(logger_, request, decision.reason, "");
    done(std::move(decision));
    return;
  }
  const bool publish = request.action == AccessAction::Publish;
  const auto* app = rules_of(request);
  const auto& callback = publish ? app->publish.callback : app->play.callback;
  if (!callback) {
    if (logger_) {
      logger_->debug("access: {} of {} by {} over {} allowed", action_name(request.action),
                     request.key.str(), request.peer, request.protocol);
    }
    done(std::move(decision));
    return;
  }

  const std::string_view setting = publish ? "on-publish" : "on-play";
  auto body = access::callback_body(action_name(request.action), request);
  const auto timeout = app->callback_timeout;
  // The completion holds copies only, never `this`: it may outlive the policy
  // until the workers' io_contexts are destroyed.
  access::post_callback(
      next_worker(), *callback, std::move(body), timeout,
      [logger = logger_, request = std::move(request), done = std::move(done), setting,
       url = callback->str(), timeout](access::CallbackResult result) {
        if (result.success()) {
          if (logger) {
            logger->debug("access: {} of {} by {} over {} allowed by {} ({})", action_name(request.action),
                          request.key.str(), request.peer, request.protocol, url, result.status);
          }
          done(AccessDecision{true, {}});
          return;
        }
        AccessDecision refused{false, callback_refusal(setting, result, timeout)};
        log_refusal(logger, request, refused.reason, " (" + url + ")");
        done(std::move(refused));
      });
}

void AccessPolicy::publish_done(const AccessRequest& request) {
  const auto* app = rules_of(request);
  if (!app || !app->on_publish_done) return;
  const auto& url = *app->on_publish_done;
  access::post_callback(
      next_worker(), url, access::callback_body("publish_done", request), app->callback_timeout,
      [logger = logger_, key = request.key.str(), peer = request.peer, url = url.str(),
       timeout = app->callback_timeout](access::CallbackResult result) {
        if (!logger) return;
        if (result.success()) {
          logger->debug("access: on-publish-done for {} by {} answered {}", key, peer, result.status);
        } else {
          logger->warn("access: on-publish-done for {} by {} not delivered to {}: {}", key, peer, url,
                       callback_refusal("on-publish-done", result, timeout));
        }
      });
}

}  // namespace streamgate
