#include "host/plugin_loader.hpp"

#include <boost/dll/runtime_symbol_info.hpp>
#include <spdlog/logger.h>

namespace streamgate {

std::filesystem::path default_plugin_folder() {
  std::error_code ec;
  const std::filesystem::path exe = boost::dll::program_location(ec);
  const auto prefix = (ec ? std::filesystem::current_path() : exe.parent_path()) / "..";
  // Installed: the prefix's plugin folder (lib/… or lib/<multiarch>/…). The
  // build tree always uses lib/streamgate/plugins.
  const auto installed = (prefix / STREAMGATE_PLUGIN_INSTALL_DIR).lexically_normal();
  const auto build_tree = (prefix / "lib" / "streamgate" / "plugins").lexically_normal();
  return std::filesystem::is_directory(installed, ec) ? installed : build_tree;
}

std::filesystem::path plugin_file(const config::GatewayConfig& config,
                                  const config::PluginConfig& plugin) {
  if (!plugin.path.empty()) return plugin.path;
  const auto folder = config.plugin_folder.empty() ? default_plugin_folder() : config.plugin_folder;
  return PluginLibrary::path_in(folder, plugin.name);
}

std::vector<LoadedPlugin> load_plugins(const config::GatewayConfig& config, const Logging& logging,
                                       spdlog::logger& core_logger) {
  std::vector<LoadedPlugin> loaded;
  for (const auto& entry : config.plugins) {
    if (!entry.enabled) {
      core_logger.debug("core: plugin {} is disabled; not loaded", entry.name);
      continue;
    }
    const auto file = plugin_file(config, entry);
    auto library = PluginLibrary::open(file, entry.name);
    auto plugin = library.create();
    try {
      plugin->configure(*entry.node);
    } catch (const ConfigError&) {
      throw;
    } catch (const std::exception& e) {
      entry.node->fail(std::string("configure failed: ") + e.what());
    }
    entry.node->check_all_read();
    core_logger.debug("core: plugin {} {} loaded from {}", entry.name, library.version(), file.string());
    loaded.push_back(LoadedPlugin{entry.name, std::move(library), std::move(plugin),
                                  logging.make_logger(entry.name), nullptr, false});
  }
  return loaded;
}

}  // namespace streamgate
