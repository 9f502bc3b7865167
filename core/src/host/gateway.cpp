#include "host/gateway.hpp"

#include <spdlog/logger.h>

#include "bus/local_bus.hpp"
#include "http/http_server.hpp"

namespace streamgate {
namespace {

HttpServerSettings http_settings(const config::HttpConfig& http) {
  HttpServerSettings settings;
  if (http.enabled) settings.listen = http.listen;
  settings.max_request_bytes = http.max_request_bytes;
  settings.keepalive_timeout = http.keepalive_timeout;
  settings.request_timeout = http.request_timeout;
  settings.max_connections = http.max_connections;
  settings.max_connections_per_ip = http.max_connections_per_ip;
  return settings;
}

}  // namespace

Gateway::Gateway(std::filesystem::path config_file) : config_file_(std::move(config_file)) {}

Gateway::~Gateway() { stop(); }

void Gateway::load() {
  document_.emplace(config::ConfigDocument::load_file(config_file_));
  config_.emplace(config::parse_gateway_config(document_->root()));
  logging_ = std::make_unique<Logging>(config_->log);
  core_logger_ = logging_->make_logger("core");
  if (config_->apps.empty())
    core_logger_->warn("core: config {} declares no <app>: no stream will be served", config_file_.string());
  plugins_ = load_plugins(*config_, *logging_, *core_logger_);
  for (const auto& plugin : plugins_) libraries_.push_back(plugin.library.keep_loaded());
}

void Gateway::start() {
  running_ = true;
  // Signals first, so a SIGTERM that arrives while plugins start is not lost.
  signal_io_ = std::make_unique<boost::asio::io_context>(1);
  signals_ = std::make_unique<boost::asio::signal_set>(*signal_io_, SIGINT, SIGTERM);

  workers_ = std::make_unique<WorkerPool>(config_->worker_threads, core_logger_);
  workers_->start();
  bus_ = std::make_unique<LocalBus>(logging_->make_logger("core.bus"));
  http_ = std::make_unique<HttpServer>(workers_->io_contexts(), http_settings(config_->http),
                                       logging_->make_logger("core.http"));
  http_->register_status_routes(*bus_);
  access_ = std::make_unique<AccessPolicy>(config_->apps, logging_->make_logger("core.access"),
                                           workers_->io_contexts());
  services_ = std::make_unique<HostServices>();
  *services_ = {bus_.get(), &http_->router(), access_.get(), workers_.get(), {}};
  for (const auto& app : config_->apps) services_->apps.push_back(app.name);

  if (config_->http.enabled) http_->start();  // logs each address it listens on
  core_logger_->info("core: {} workers running", workers_->size());

  for (auto& loaded : plugins_) {
    loaded.host = std::make_unique<PluginHost>(loaded.name, loaded.logger, *services_);
    try {
      loaded.plugin->start(*loaded.host);
    } catch (const std::exception& e) {
      throw std::runtime_error("plugin " + loaded.name + " failed to start: " + e.what());
    }
    loaded.started = true;
    core_logger_->info("core: plugin {} {} started", loaded.name, loaded.library.version());
  }
}

void Gateway::wait_for_signal() {
  if (!signals_) return;
  signals_->async_wait([this](const boost::system::error_code& ec, int signal_number) {
    if (ec) return;
    core_logger_->info("core: signal {} received; stopping", signal_number);
    // A second signal now takes the default action, so a hung stop can be killed.
    boost::system::error_code ignored;
    signals_->clear(ignored);
  });
  signal_io_->run();
}

void Gateway::stop_plugins() noexcept {
  for (auto it = plugins_.rbegin(); it != plugins_.rend(); ++it) {
    if (!it->started) continue;
    it->plugin->stop();
    it->started = false;
    core_logger_->info("core: plugin {} stopped", it->name);
  }
}

void Gateway::stop() noexcept {
  if (running_) {
    running_ = false;
    stop_plugins();
    if (http_) http_->stop();
    if (workers_) workers_->stop();
    // Sockets of the HTTP server belong to the io_contexts: destroy it first.
    http_.reset();
    // Every handler still queued (plugin code among them) is destroyed here,
    // while the plugin libraries are loaded.
    if (workers_) workers_->reset();
    if (bus_) bus_->clear();
    signals_.reset();
    signal_io_.reset();
    if (core_logger_) core_logger_->info("core: stopped");
  }
  // Plugin objects, then what they may still point into, then their code.
  for (auto& loaded : plugins_) loaded.plugin.reset();
  plugins_.clear();
  services_.reset();
  access_.reset();
  bus_.reset();
  workers_.reset();
  libraries_.clear();
  if (logging_) logging_->flush();
}

}  // namespace streamgate
