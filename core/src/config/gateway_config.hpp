#pragma once
// The gateway-level settings of the config file, parsed into typed values.
// The <plugin> elements are only located here; each plugin parses its own
// element in configure().

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "access/access_rules.hpp"
#include "config/xml_config_node.hpp"

namespace streamgate::config {

struct LogConfig {
  std::string level = "info";       // trace, debug, info, warn, error, critical, off
  bool console = true;              // log to stdout
  std::filesystem::path file;       // also log to this file (rotating); empty: no file
  std::uint64_t max_size_bytes = 10ull << 20;  // rotate the file past this size
  std::size_t max_files = 5;        // rotated files kept
};

struct HttpConfig {
  bool enabled = true;  // false: no HTTP listener (routes are registered but never served)
  std::vector<ListenAddress> listen{ListenAddress{"0.0.0.0", 8080}};
  std::size_t max_request_bytes = 16u << 10;  // request line + headers + body
  std::chrono::milliseconds keepalive_timeout{30'000};  // idle time between requests
  std::chrono::milliseconds request_timeout{10'000};    // time to read one request
  std::size_t max_connections = 10'000;                 // past it: 503
  std::size_t max_connections_per_ip = 2'000;           // from one client address; past it: 503
};

struct AppConfig {
  std::string name;
  const XmlConfigNode* node = nullptr;
  access::AppAccess access{};  // who may publish and play (access/access_rules.hpp)
};

struct PluginConfig {
  std::string name;
  bool enabled = true;
  std::filesystem::path path;  // explicit library file; empty: <plugins folder>/<decorated name>
  const XmlConfigNode* node = nullptr;  // handed to the plugin's configure()
};

struct GatewayConfig {
  std::filesystem::path file;           // the config file itself
  LogConfig log;
  std::size_t worker_threads = 0;       // 0: one per hardware thread
  std::filesystem::path plugin_folder;  // empty: <exe dir>/../lib/streamgate/plugins
  HttpConfig http;
  std::vector<AppConfig> apps;
  std::vector<PluginConfig> plugins;    // in config order (the start order)
};

/// Reads every gateway-level setting of `root` (<streamgate>) and checks that
/// nothing outside the <plugin> elements was left unread. Throws ConfigError.
GatewayConfig parse_gateway_config(const XmlConfigNode& root);

}  // namespace streamgate::config
