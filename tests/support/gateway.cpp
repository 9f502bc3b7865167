#include "support/gateway.hpp"

#include <stdexcept>
#include <thread>

#include "support/net.hpp"

namespace streamgate::test {

std::filesystem::path streamgate_binary() {
  return std::filesystem::path(STREAMGATE_TEST_BUILD_DIR) / "bin" / "streamgate";
}

std::filesystem::path plugin_folder() {
  return std::filesystem::path(STREAMGATE_TEST_BUILD_DIR) / "lib" / "streamgate" / "plugins";
}

bool gateway_built(std::initializer_list<std::string_view> plugins) {
  if (!std::filesystem::exists(streamgate_binary())) return false;
  for (auto name : plugins)
    if (!std::filesystem::exists(plugin_folder() / ("libstreamgate-" + std::string(name) + ".so")))
      return false;
  return true;
}

std::string substitute(std::string text, const std::string& key, const std::string& value) {
  const std::string pattern = "{" + key + "}";
  for (auto at = text.find(pattern); at != std::string::npos; at = text.find(pattern, at + value.size()))
    text.replace(at, pattern.size(), value);
  return text;
}

std::string rtmp_plugin(const std::string& settings) {
  return "<plugin name=\"rtmp\" enabled=\"true\">\n"
         "  <listen>127.0.0.1:{rtmp_port}</listen>\n" +
         settings + "</plugin>\n";
}

std::string default_plugins() {
  return rtmp_plugin() +
         "<plugin name=\"mpegts\" enabled=\"true\"/>\n"
         "<plugin name=\"hls\" enabled=\"true\"/>\n";
}

Gateway::Gateway(GatewayOptions options)
    : options_(std::move(options)),
      dir_("streamgate-gw"),
      rtmp_port_(free_tcp_port()),
      http_port_(free_tcp_port()) {
  if (options_.plugins.empty()) options_.plugins = default_plugins();
}

Gateway::~Gateway() {
  if (process_ && process_->running()) process_->kill();
}

std::string Gateway::config_text() const {
  std::string text =
      "<?xml version=\"1.0\"?>\n<streamgate>\n"
      "  <log level=\"" + options_.log_level + "\" console=\"true\"/>\n"
      "  <workers threads=\"" + std::to_string(options_.threads) + "\"/>\n"
      "  <plugins folder=\"" + plugin_folder().string() + "\"/>\n"
      "  <http listen=\"127.0.0.1:{http_port}\"/>\n" +
      options_.apps + "\n" + options_.extra + "\n" + options_.plugins + "</streamgate>\n";
  text = substitute(text, "rtmp_port", std::to_string(rtmp_port_));
  text = substitute(text, "http_port", std::to_string(http_port_));
  return substitute(text, "dir", dir_.path().string());
}

void Gateway::start() {
  write_text(config_path(), config_text());
  auto log_file = dir_.path() / ("gateway-" + std::to_string(runs_++) + ".log");
  process_ = std::make_unique<ChildProcess>(streamgate_binary().string(),
                                            std::vector<std::string>{"-c", config_path().string()},
                                            log_file);
  // Poll briefly per port so a gateway that exits at start-up fails the test at once.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  auto port_up = [&](std::uint16_t port) {
    while (process_->running() && std::chrono::steady_clock::now() < deadline)
      if (wait_for_port("127.0.0.1", port, std::chrono::milliseconds(100))) return true;
    return false;
  };
  bool up = port_up(http_port_) && (!options_.wait_for_rtmp || port_up(rtmp_port_));
  if (!up || !process_->running())
    throw std::runtime_error("gateway did not start; its log:\n" + process_->output());
}

int Gateway::stop(std::chrono::milliseconds timeout) {
  if (!process_) return -1;
  process_->terminate();
  auto code = process_->wait_for(timeout);
  if (!code) {
    process_->kill();
    return -1;
  }
  return *code;
}

void Gateway::kill() {
  if (process_) process_->kill();
}

std::string Gateway::rtmp_url(const std::string& stream, const std::string& app) const {
  return "rtmp://127.0.0.1:" + std::to_string(rtmp_port_) + "/" + app + "/" + stream;
}

std::string Gateway::http_url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(http_port_) + path;
}

int Gateway::pid() const { return process_ ? process_->pid() : -1; }

std::string Gateway::log() const { return process_ ? process_->output() : std::string{}; }

bool Gateway::wait_for_log(const std::string& text, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (log().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace streamgate::test
