#pragma once
// The access rules of one <app>, read from the config at start-up:
//
//   <app name="live"
//        on-publish="http://127.0.0.1:8000/on_publish"   POSTed before a publish; 2xx allows (default: none)
//        on-play="http://127.0.0.1:8000/on_play"         POSTed before a play; 2xx allows (default: none)
//        on-publish-done="http://127.0.0.1:8000/done"    POSTed when a publish ends, answer ignored (default: none)
//        callback-timeout="3s">                          no 2xx within it: refused (default 3s, 100ms to 60s)
//     <publish allow="10.0.0.0/8, ::1"    only these addresses may publish (default: empty = any)
//              deny="10.9.0.0/16"         these may never publish; deny beats allow (default: none)
//              keys="k1, k2"              ?key= must equal one of them (default: none)
//              token-secret="…"/>         or ?token=&expires= signed with it (default: none)
//     <play …the same four settings…/>
//   </app>
//
// docs/security.md is the operator's guide to these settings.

#include <chrono>
#include <optional>

#include "access/address_filter.hpp"
#include "access/callback_url.hpp"
#include "access/secret_check.hpp"
#include "streamgate/config.hpp"

namespace streamgate::access {

/// Minimum length of a token-secret: shorter ones can be guessed offline
/// from a single token.
constexpr std::size_t kMinTokenSecretLength = 16;
constexpr std::size_t kMaxKeyLength = 256;

/// The rules for one action (publish or play), applied in this order.
struct ActionRules {
  AddressFilter addresses;
  SecretCheck secret;
  std::optional<CallbackUrl> callback;  ///< on-publish / on-play
};

struct AppAccess {
  ActionRules publish;
  ActionRules play;
  std::optional<CallbackUrl> on_publish_done;
  std::chrono::milliseconds callback_timeout{3000};

  bool uses_callbacks() const noexcept {
    return publish.callback || play.callback || on_publish_done;
  }
};

/// Reads the access settings of one <app> element (attributes and its
/// <publish>/<play> children). Throws ConfigError naming file and line; the
/// message never repeats a key or secret.
AppAccess parse_app_access(const ConfigNode& app);

}  // namespace streamgate::access
