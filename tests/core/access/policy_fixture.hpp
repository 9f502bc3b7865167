#pragma once
// Builds an AccessPolicy from config XML, as the gateway does, with a fixed
// wall clock and a log the test can read.

#include <spdlog/logger.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "access/access_policy.hpp"
#include "config/config_document.hpp"
#include "config/gateway_config.hpp"
#include "host/log_capture.hpp"

namespace streamgate::test {

/// 2023-11-14T22:13:20Z: what the policy's clock says in these tests.
constexpr std::int64_t kNowUnix = 1'700'000'000;

class PolicyFixture {
 public:
  /// `apps` are <app> elements.
  explicit PolicyFixture(const std::string& apps, std::vector<boost::asio::io_context*> workers = {})
      : document_(config::ConfigDocument::parse("policy.xml", "<streamgate>" + apps + "</streamgate>")),
        config_(config::parse_gateway_config(document_.root())),
        log_(std::make_shared<LogCapture>()),
        policy_(config_.apps, std::make_shared<spdlog::logger>("core.access", log_), std::move(workers),
                [] { return std::chrono::system_clock::time_point(std::chrono::seconds(kNowUnix)); }) {}

  AccessPolicy& policy() { return policy_; }
  LogCapture& log() { return *log_; }

  /// check() when it answers before returning (no callback); nullopt otherwise.
  std::optional<AccessDecision> check_now(AccessRequest request) {
    std::optional<AccessDecision> out;
    policy_.check(std::move(request), [&out](AccessDecision decision) { out = std::move(decision); });
    return out;
  }

 private:
  config::ConfigDocument document_;
  config::GatewayConfig config_;
  std::shared_ptr<LogCapture> log_;
  AccessPolicy policy_;
};

inline AccessRequest publish(std::string stream, std::string query, std::string peer = "127.0.0.1:40000",
                             std::string app = "live") {
  return {AccessAction::Publish, StreamKey{std::move(app), std::move(stream), ""}, std::move(query),
          std::move(peer), "rtmp"};
}

inline AccessRequest play(std::string stream, std::string query, std::string peer = "127.0.0.1:40000",
                          std::string app = "live") {
  return {AccessAction::Play, StreamKey{std::move(app), std::move(stream), ""}, std::move(query),
          std::move(peer), "http"};
}

}  // namespace streamgate::test
