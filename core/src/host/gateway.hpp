#pragma once
// The running gateway: config, logging, plugins, workers, bus, HTTP and
// access control, brought up and torn down in one fixed order.
//
// load():  config → logging → open + configure plugins   (`streamgate -t` stops here)
// start(): workers → bus → HTTP → plugins start in config order
// stop():  plugins stop in reverse → HTTP stop → workers stop and join →
//          io_contexts destroyed (with every pending handler, while the
//          plugin libraries are still loaded) → bus cleared → plugin objects
//          destroyed → bus and HTTP destroyed → libraries unloaded.

#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "access/access_policy.hpp"
#include "config/config_document.hpp"
#include "config/gateway_config.hpp"
#include "host/logging.hpp"
#include "host/plugin_host.hpp"
#include "host/plugin_loader.hpp"
#include "host/worker_pool.hpp"

namespace streamgate {

class LocalBus;
class HttpServer;

class Gateway {
 public:
  explicit Gateway(std::filesystem::path config_file);
  ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  /// Throws ConfigError (file:line), PluginLoadError or std::runtime_error.
  void load();
  /// Throws std::runtime_error after stopping whatever had started.
  void start();
  /// Blocks until SIGINT or SIGTERM arrives. A second signal kills the process.
  void wait_for_signal();
  /// Idempotent; also run by the destructor.
  void stop() noexcept;

  const config::GatewayConfig& config() const { return *config_; }
  /// The "core" logger once load() has set up logging, else null.
  const std::shared_ptr<spdlog::logger>& logger() const { return core_logger_; }
  /// True when log lines reach the console (so errors need not be repeated on stderr).
  bool logs_to_console() const { return config_ && config_->log.console && core_logger_; }

 private:
  void stop_plugins() noexcept;

  std::filesystem::path config_file_;
  std::optional<config::ConfigDocument> document_;
  std::optional<config::GatewayConfig> config_;
  std::unique_ptr<Logging> logging_;
  std::shared_ptr<spdlog::logger> core_logger_;
  std::vector<LoadedPlugin> plugins_;
  // Keeps every plugin library loaded until the very end, after the bus and
  // the HTTP server (which hold callbacks from plugin code) are gone.
  std::vector<std::shared_ptr<const void>> libraries_;

  std::unique_ptr<boost::asio::io_context> signal_io_;
  std::unique_ptr<boost::asio::signal_set> signals_;
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<LocalBus> bus_;
  std::unique_ptr<HttpServer> http_;
  std::unique_ptr<AccessPolicy> access_;
  std::unique_ptr<HostServices> services_;
  bool running_ = false;
};

}  // namespace streamgate
