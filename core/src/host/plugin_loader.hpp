#pragma once
// Loads and configures the enabled plugins of a config, in config order.
// Runs on the main thread before any worker starts (Boost.DLL's advice).

#include <filesystem>
#include <memory>
#include <vector>

#include "config/gateway_config.hpp"
#include "host/logging.hpp"
#include "host/plugin_host.hpp"
#include "host/plugin_library.hpp"

namespace streamgate {

struct LoadedPlugin {
  std::string name;
  PluginLibrary library;
  std::shared_ptr<Plugin> plugin;  // its deleter keeps `library` loaded
  std::shared_ptr<spdlog::logger> logger;
  std::unique_ptr<PluginHost> host;  // set when started
  bool started = false;
};

/// `<exe dir>/../lib/streamgate/plugins` (the build tree mirrors the install
/// tree; an install with another libdir uses its own).
std::filesystem::path default_plugin_folder();

/// The library file for `plugin`: its explicit path, else the decorated name
/// in the configured (or default) plugin folder.
std::filesystem::path plugin_file(const config::GatewayConfig& config,
                                  const config::PluginConfig& plugin);

/// Opens, creates and configures every enabled plugin; a disabled one is not
/// even opened. Each plugin's element is checked for unread settings after its
/// configure(). Throws PluginLoadError or ConfigError (file:line).
std::vector<LoadedPlugin> load_plugins(const config::GatewayConfig& config, const Logging& logging,
                                       spdlog::logger& core_logger);

}  // namespace streamgate
