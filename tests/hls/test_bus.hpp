#pragma once
// The core's real in-process bus, for driving the hls service in tests.
#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>

#include <memory>

#include "bus/local_bus.hpp"

namespace streamgate::hls::test {

inline std::unique_ptr<Bus> make_test_bus() {
  return std::make_unique<LocalBus>(
      std::make_shared<spdlog::logger>("core.bus", std::make_shared<spdlog::sinks::null_sink_mt>()));
}

}  // namespace streamgate::hls::test
