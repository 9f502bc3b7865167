#include "config/gateway_config.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "streamgate/names.hpp"

namespace streamgate::config {
namespace {

constexpr std::size_t kMaxPluginNameLength = 64;

// The single <name> element of the root, or null; a second one is an error.
const XmlConfigNode* at_most_one(const XmlConfigNode& root, std::string_view name) {
  const auto found = root.children(name);
  if (found.size() > 1) {
    found[1]->fail("given more than once; at most one <" + std::string(name) +
                   "> is allowed (the first is at line " + std::to_string(found[0]->line()) + ")");
  }
  return found.empty() ? nullptr : found.front();
}

// A plugin name becomes part of a file name: keep it to [a-z0-9_-].
std::optional<std::string> plugin_name_problem(std::string_view name) {
  const bool valid =
      !name.empty() && name.size() <= kMaxPluginNameLength &&
      std::isalnum(static_cast<unsigned char>(name.front())) &&
      std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      });
  if (valid) return std::nullopt;
  return "expected 1 to 64 of a-z, 0-9, '_', '-', starting with a letter or digit";
}

// The required, valid and unique name="…" of an <app> or <plugin>.
std::string unique_name(const XmlConfigNode& node, std::set<std::string, std::less<>>& seen,
                        std::optional<std::string> (*problem)(std::string_view)) {
  const std::string element(node.element());
  auto name = node.optional_string("name");
  if (!name) {
    node.fail("name", "missing; every <" + element + "> needs a name, e.g. <" + element +
                          " name=\"" + (element == "app" ? "live" : "rtmp") + "\">");
  }
  if (auto why = problem(*name))
    node.fail("name", "\"" + *name + "\" is not a valid " + element + " name: " + *why);
  if (!seen.insert(*name).second) node.fail("name", element + " \"" + *name + "\" given twice");
  return *name;
}

LogConfig parse_log(const XmlConfigNode* node) {
  LogConfig log;
  if (!node) return log;
  log.level = node->one_of("level", log.level,
                           {"trace", "debug", "info", "warn", "error", "critical", "off"});
  log.console = node->boolean("console", log.console);
  log.file = node->string("file", "");
  log.max_size_bytes = node->bytes("max-size", log.max_size_bytes, 4096);
  log.max_files = static_cast<std::size_t>(node->integer("max-files", 5, 1, 1000));
  return log;
}

HttpConfig parse_http(const XmlConfigNode* node) {
  HttpConfig http;
  if (!node) return http;
  http.enabled = node->boolean("enabled", http.enabled);
  if (auto listen = node->list("listen"); !listen.empty() || node->optional_string("listen")) {
    if (listen.empty()) node->fail("listen", "is empty; expected one or more host:port addresses");
    http.listen.clear();
    std::set<std::string> seen;
    for (const auto& text : listen) {
      auto address = parse_listen_address(text);
      if (!address) {
        node->fail("listen", "\"" + text +
                                 "\" is not a listen address; expected host:port with a port "
                                 "from 1 to 65535, e.g. \"0.0.0.0:8080\", \"[::]:8080\" or "
                                 "\"8080\"");
      }
      if (!seen.insert(address->str()).second)
        node->fail("listen", "\"" + text + "\" is listed twice");
      http.listen.push_back(*address);
    }
  }
  http.max_request_bytes =
      node->bytes("max-request-size", http.max_request_bytes, 1024, 64ull << 20);
  http.keepalive_timeout = node->duration("keepalive-timeout", http.keepalive_timeout,
                                          std::chrono::milliseconds{100}, std::chrono::hours{1});
  http.request_timeout = node->duration("request-timeout", http.request_timeout,
                                        std::chrono::milliseconds{100}, std::chrono::hours{1});
  http.max_connections = static_cast<std::size_t>(
      node->integer("max-connections", static_cast<std::int64_t>(http.max_connections), 1, 1'000'000));
  http.max_connections_per_ip = static_cast<std::size_t>(node->integer(
      "max-connections-per-ip", static_cast<std::int64_t>(http.max_connections_per_ip), 1, 1'000'000));
  return http;
}

}  // namespace

GatewayConfig parse_gateway_config(const XmlConfigNode& root) {
  GatewayConfig config;
  config.file = root.file();
  config.log = parse_log(at_most_one(root, "log"));
  if (const auto* workers = at_most_one(root, "workers"))
    config.worker_threads = static_cast<std::size_t>(workers->integer("threads", 0, 0, 1024));
  if (const auto* plugins = at_most_one(root, "plugins"))
    config.plugin_folder = plugins->string("folder", "");
  config.http = parse_http(at_most_one(root, "http"));

  std::set<std::string, std::less<>> app_names;
  for (const auto* node : root.children("app")) {
    // The rule names from the network must pass (names.hpp).
    const auto name = unique_name(*node, app_names, name_problem);
    config.apps.push_back({name, node, access::parse_app_access(*node)});
  }

  std::set<std::string, std::less<>> plugin_names;
  for (const auto* node : root.children("plugin")) {
    PluginConfig plugin;
    plugin.name = unique_name(*node, plugin_names, plugin_name_problem);
    plugin.enabled = node->boolean("enabled", true);
    plugin.path = node->string("path", "");
    plugin.node = node;
    if (!plugin.enabled) node->ignore_unread();
    config.plugins.push_back(std::move(plugin));
  }

  // Plugin elements are checked after each plugin's configure().
  root.check_all_read({"plugin"});
  return config;
}

}  // namespace streamgate::config
