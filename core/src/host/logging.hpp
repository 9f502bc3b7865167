#pragma once
// The host owns every log sink (console and/or a rotating file) and creates
// each named logger: one per plugin plus "core", "core.bus" and "core.http".
// Nothing goes through spdlog's global registry, which would be a separate
// static in each shared library.

#include <memory>
#include <string>
#include <vector>

#include <spdlog/common.h>

#include "config/gateway_config.hpp"

namespace spdlog {
class logger;
}

namespace streamgate {

class Logging {
 public:
  /// Opens the sinks `config` asks for. Throws std::runtime_error when the log
  /// file cannot be opened.
  explicit Logging(const config::LogConfig& config);
  /// Sinks given by the caller (tests capture output this way).
  Logging(std::vector<spdlog::sink_ptr> sinks, spdlog::level::level_enum level);
  ~Logging();

  /// A new logger named `name` writing to every sink at the configured level.
  std::shared_ptr<spdlog::logger> make_logger(const std::string& name) const;
  void flush() const;

  /// The line layout: "2024-05-01 12:00:00.123 info     core: plugin hls 1.0.0 started".
  /// Messages name their component themselves ("component: object verb reason").
  static constexpr const char* kPattern = "%Y-%m-%d %H:%M:%S.%e %^%-8l%$ %v";

 private:
  std::vector<spdlog::sink_ptr> sinks_;
  spdlog::level::level_enum level_;
};

}  // namespace streamgate
