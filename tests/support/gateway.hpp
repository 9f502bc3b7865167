#pragma once
// Starts the real streamgate binary on free loopback ports with a generated
// config, for integration tests.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace streamgate::test {

struct GatewayOptions {
  /// <plugin> elements. "{rtmp_port}", "{http_port}" and "{dir}" (the gateway's
  /// temp folder) are replaced. Empty = default_plugins().
  std::string plugins;
  /// More top-level XML (extra <app> elements, ...).
  std::string extra;
  std::string apps = "<app name=\"live\"/>";
  int threads = 2;
  std::string log_level = "debug";
  bool wait_for_rtmp = true;  ///< wait until the RTMP port accepts connections
};

/// The RTMP + mpegts + hls sections used by most tests.
std::string default_plugins();
/// One <plugin name="rtmp"> section listening on {rtmp_port}, with `settings` inside.
std::string rtmp_plugin(const std::string& settings = "");

class Gateway {
 public:
  explicit Gateway(GatewayOptions options = {});
  ~Gateway();

  /// Writes the config and starts the binary; fails the test (throws) when it
  /// does not come up within 15 s.
  void start();
  /// SIGTERM and wait; the exit code (or -1 when it had to be killed).
  int stop(std::chrono::milliseconds timeout = std::chrono::seconds(15));
  /// SIGKILL, as a crash.
  void kill();

  std::uint16_t rtmp_port() const { return rtmp_port_; }
  std::uint16_t http_port() const { return http_port_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::filesystem::path config_path() const { return dir_.path() / "streamgate.xml"; }
  std::string rtmp_url(const std::string& stream, const std::string& app = "live") const;
  std::string http_url(const std::string& path) const;
  int pid() const;
  std::string log() const;
  /// Waits until the log contains `text`.
  bool wait_for_log(const std::string& text, std::chrono::milliseconds timeout);
  /// The config text that was (or will be) written.
  std::string config_text() const;

 private:
  GatewayOptions options_;
  TempDir dir_;
  std::uint16_t rtmp_port_;
  std::uint16_t http_port_;
  std::unique_ptr<ChildProcess> process_;
  int runs_ = 0;
};

/// Path of the built streamgate binary.
std::filesystem::path streamgate_binary();
/// The build tree's plugin folder.
std::filesystem::path plugin_folder();
/// True when the streamgate binary and each of these plugin modules are built
/// (tests that need them skip otherwise).
bool gateway_built(std::initializer_list<std::string_view> plugins);

/// Replaces every "{key}" in `text`.
std::string substitute(std::string text, const std::string& key, const std::string& value);

}  // namespace streamgate::test
