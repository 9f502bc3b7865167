#include "access/access_rules.hpp"

#include <algorithm>
#include <stdexcept>

namespace streamgate::access {
namespace {

// Keys travel unescaped in stream URLs: keep them to RFC 3986 unreserved
// characters so no client or decoder alters them on the way.
bool key_characters_valid(std::string_view key) {
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
  });
}

std::vector<IpNetwork> parse_networks(const ConfigNode& node, std::string_view key) {
  std::vector<IpNetwork> out;
  for (const auto& entry : node.list(key)) {
    try {
      out.push_back(IpNetwork::parse(entry));
    } catch (const std::invalid_argument& e) {
      node.fail(key, e.what());
    }
  }
  return out;
}

std::vector<std::string> parse_keys(const ConfigNode& node) {
  if (node.optional_string("keys") && node.list("keys").empty())
    node.fail("keys", "is empty; give one or more keys, or leave the setting out");
  auto keys = node.list("keys");
  for (std::size_t i = 0; i < keys.size(); ++i) {
    // Positions, never the key itself: config errors end up in logs.
    const std::string which = "key " + std::to_string(i + 1) + " of " + std::to_string(keys.size());
    if (keys[i].size() > kMaxKeyLength)
      node.fail("keys", which + " is longer than " + std::to_string(kMaxKeyLength) + " characters");
    if (!key_characters_valid(keys[i]))
      node.fail("keys", which + " holds characters other than A-Z a-z 0-9 - . _ ~");
  }
  return keys;
}

std::string parse_token_secret(const ConfigNode& node) {
  auto secret = node.optional_string("token-secret");
  if (!secret) return {};
  if (secret->size() < kMinTokenSecretLength) {
    node.fail("token-secret", "is shorter than " + std::to_string(kMinTokenSecretLength) +
                                  " characters; use a long random string, e.g. from `openssl rand -hex 32`");
  }
  return std::move(*secret);
}

ActionRules parse_action(const ConfigNode& app, std::string_view element) {
  ActionRules rules;
  const auto sections = app.sections(element);
  if (sections.size() > 1) {
    sections[1]->fail("given more than once; at most one <" + std::string(element) + "> per app (the first is at line " +
                      std::to_string(sections[0]->line()) + ")");
  }
  if (sections.empty()) return rules;
  const ConfigNode& node = *sections.front();
  rules.addresses = AddressFilter(parse_networks(node, "allow"), parse_networks(node, "deny"));
  rules.secret = SecretCheck(parse_keys(node), parse_token_secret(node));
  return rules;
}

std::optional<CallbackUrl> parse_url(const ConfigNode& node, std::string_view key) {
  auto text = node.optional_string(key);
  if (!text) return std::nullopt;
  try {
    return parse_callback_url(*text);
  } catch (const std::invalid_argument& e) {
    node.fail(key, e.what());
  }
}

// A play key or token is handed to viewers: if it also let them publish,
// every viewer could take over the stream.
void check_play_secrets_differ(const ConfigNode& app, const AppAccess& access) {
  const auto plays = app.sections("play");
  if (plays.empty()) return;
  const ConfigNode& play = *plays.front();
  if (access.play.secret.uses_token() &&
      access.play.secret.token_secret() == access.publish.secret.token_secret()) {
    play.fail("token-secret", "is the same as <publish>'s; a viewer's token would let them publish");
  }
  const auto publish_sections = app.sections("publish");
  if (publish_sections.empty()) return;
  const auto publish_keys = publish_sections.front()->list("keys");
  for (const auto& key : play.list("keys")) {
    if (std::find(publish_keys.begin(), publish_keys.end(), key) != publish_keys.end())
      play.fail("keys", "shares a key with <publish>; a viewer's key would let them publish");
  }
}

}  // namespace

AppAccess parse_app_access(const ConfigNode& app) {
  AppAccess access;
  access.publish = parse_action(app, "publish");
  access.play = parse_action(app, "play");
  access.publish.callback = parse_url(app, "on-publish");
  access.play.callback = parse_url(app, "on-play");
  access.on_publish_done = parse_url(app, "on-publish-done");
  access.callback_timeout = app.duration("callback-timeout", access.callback_timeout,
                                         std::chrono::milliseconds{100}, std::chrono::seconds{60});
  check_play_secrets_differ(app, access);
  return access;
}

}  // namespace streamgate::access
