#pragma once
// Who may publish and play: per-app rules from the config (IP allow/deny
// lists, publish keys, signed tokens, HTTP callbacks). Every protocol plugin
// asks here before it publishes or plays, so the rules are the same for RTMP
// and for the HTTP outputs.

#include <cstdint>
#include <functional>
#include <string>

#include "streamgate/bus.hpp"

namespace streamgate {

enum class AccessAction : std::uint8_t { Invalid = 0, Publish, Play };

struct AccessRequest {
  AccessAction action = AccessAction::Invalid;
  StreamKey key;         ///< app and stream name, without the query
  std::string query;     ///< the raw query string (may hold key= or token=)
  std::string peer;      ///< "ip:port" of the client
  std::string protocol;  ///< "rtmp", "http"
};

struct AccessDecision {
  bool allowed = false;
  /// Why it was refused, safe to log and to show the client (never echoes a secret).
  std::string reason;
};

class AccessControl {
 public:
  virtual ~AccessControl() = default;
  /// Decides on `request`. `done` may run on another thread (e.g. after an HTTP
  /// callback) and before check() returns: post to your executor if needed.
  virtual void check(AccessRequest request, std::function<void(AccessDecision)> done) = 0;
  /// Tells the configured on_publish_done callback (if any) that a publish ended.
  virtual void publish_done(const AccessRequest& request) = 0;
};

}  // namespace streamgate
