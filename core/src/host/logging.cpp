#include "host/logging.hpp"

#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace streamgate {

Logging::Logging(const config::LogConfig& config)
    : level_(spdlog::level::from_str(config.level)) {
  if (config.console) sinks_.push_back(std::make_shared<spdlog::sinks::stdout_color_sink_mt>());
  if (!config.file.empty()) {
    try {
      sinks_.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
          config.file.string(), static_cast<std::size_t>(config.max_size_bytes), config.max_files));
    } catch (const spdlog::spdlog_ex& e) {
      throw std::runtime_error("log: file " + config.file.string() + " cannot be opened: " +
                               e.what());
    }
  }
  for (auto& sink : sinks_) sink->set_pattern(kPattern);
}

Logging::Logging(std::vector<spdlog::sink_ptr> sinks, spdlog::level::level_enum level)
    : sinks_(std::move(sinks)), level_(level) {
  for (auto& sink : sinks_) sink->set_pattern(kPattern);
}

Logging::~Logging() { flush(); }

std::shared_ptr<spdlog::logger> Logging::make_logger(const std::string& name) const {
  auto logger = std::make_shared<spdlog::logger>(name, sinks_.begin(), sinks_.end());
  logger->set_level(level_);
  // Lines at info and above reach the file at once (the console sink flushes
  // every line itself); chatty debug lines are flushed with the next one.
  logger->flush_on(spdlog::level::info);
  return logger;
}

void Logging::flush() const {
  for (const auto& sink : sinks_) sink->flush();
}

}  // namespace streamgate
