#pragma once
// The Host one plugin sees: the shared services plus its own name and logger.

#include <memory>
#include <string>
#include <vector>

#include "host/worker_pool.hpp"
#include "streamgate/host.hpp"

namespace streamgate {

/// What every plugin's Host shares; owned by the Gateway.
struct HostServices {
  Bus* bus = nullptr;
  HttpRouter* http = nullptr;
  AccessControl* access = nullptr;
  WorkerPool* workers = nullptr;
  std::vector<std::string> apps;
};

class PluginHost final : public Host {
 public:
  PluginHost(std::string name, std::shared_ptr<spdlog::logger> logger, const HostServices& services);

  std::string_view plugin_name() const override { return name_; }
  const std::shared_ptr<spdlog::logger>& logger() const override { return logger_; }
  Bus& bus() override { return *services_.bus; }
  HttpRouter& http() override { return *services_.http; }
  AccessControl& access() override { return *services_.access; }
  std::size_t worker_count() const override { return services_.workers->size(); }
  Executor& worker(std::size_t index) override { return services_.workers->worker(index); }
  Executor& next_worker() override { return services_.workers->next_worker(); }
  bool app_declared(std::string_view app) const override;
  std::vector<std::string> apps() const override { return services_.apps; }

 private:
  std::string name_;
  std::shared_ptr<spdlog::logger> logger_;
  const HostServices& services_;
};

}  // namespace streamgate
