#pragma once
// A Host for driving the recorder in tests: the core's real LocalBus, a
// logger whose lines the test can read, and no network workers, HTTP or
// access control at all: the recorder must not need them (its disk work runs
// on its own threads), and any call to them fails the test.

#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/ringbuffer_sink.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bus/local_bus.hpp"
#include "streamgate/host.hpp"

namespace streamgate::flvrecord::test {

class RecorderHost final : public Host {
 public:
  RecorderHost()
      : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(20000)),
        logger_(std::make_shared<spdlog::logger>("flvrecord", sink_)),
        bus_(std::make_shared<spdlog::logger>("core.bus",
                                              std::make_shared<spdlog::sinks::null_sink_mt>())) {
    logger_->set_level(spdlog::level::debug);
    logger_->set_pattern("[%l] %v");
  }

  std::string_view plugin_name() const override { return "flvrecord"; }
  const std::shared_ptr<spdlog::logger>& logger() const override { return logger_; }
  Bus& bus() override { return bus_; }
  HttpRouter& http() override { throw std::logic_error("the recorder has no HTTP routes"); }
  AccessControl& access() override { throw std::logic_error("the recorder checks no access"); }
  std::size_t worker_count() const override { return 0; }
  Executor& worker(std::size_t) override {
    throw std::logic_error("no network worker for the recorder");
  }
  Executor& next_worker() override { throw std::logic_error("no network worker for the recorder"); }
  bool app_declared(std::string_view app) const override { return app == "live" || app == "other"; }
  std::vector<std::string> apps() const override { return {"live", "other"}; }

  /// Every line logged so far, one per line.
  std::string log() const {
    std::string out;
    for (const auto& line : sink_->last_formatted()) out += line;
    return out;
  }
  bool log_has(const std::string& text) const { return log().find(text) != std::string::npos; }
  bool wait_for_log(const std::string& text, std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!log_has(text)) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> logger_;
  LocalBus bus_;
};

}  // namespace streamgate::flvrecord::test
