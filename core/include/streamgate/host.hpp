#pragma once
// What the host offers a plugin. One Host object per plugin: its logger is
// named after the plugin.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "streamgate/access.hpp"
#include "streamgate/bus.hpp"
#include "streamgate/executor.hpp"
#include "streamgate/http.hpp"

namespace spdlog {
class logger;
}

namespace streamgate {

class Host {
 public:
  virtual ~Host() = default;

  virtual std::string_view plugin_name() const = 0;
  /// This plugin's logger, named after it. Owned by the host (plugins never
  /// create or register spdlog loggers themselves: spdlog's registry is a
  /// static that would split across shared libraries).
  virtual const std::shared_ptr<spdlog::logger>& logger() const = 0;

  virtual Bus& bus() = 0;
  virtual HttpRouter& http() = 0;
  virtual AccessControl& access() = 0;

  virtual std::size_t worker_count() const = 0;
  virtual Executor& worker(std::size_t index) = 0;
  /// Workers in turn, to spread sessions over threads.
  virtual Executor& next_worker() = 0;

  /// Apps declared in the config (<app name="…"/>). Only these are served.
  virtual bool app_declared(std::string_view app) const = 0;
  virtual std::vector<std::string> apps() const = 0;
};

}  // namespace streamgate
