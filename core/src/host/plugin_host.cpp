#include "host/plugin_host.hpp"

#include <algorithm>

namespace streamgate {

PluginHost::PluginHost(std::string name, std::shared_ptr<spdlog::logger> logger,
                       const HostServices& services)
    : name_(std::move(name)), logger_(std::move(logger)), services_(services) {}

bool PluginHost::app_declared(std::string_view app) const {
  return std::find(services_.apps.begin(), services_.apps.end(), app) != services_.apps.end();
}

}  // namespace streamgate
