// The host's logging: every logger it makes writes through the host's sinks
// at the configured level, in the documented line layout.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <spdlog/logger.h>

#include "host/log_capture.hpp"
#include "host/logging.hpp"

namespace streamgate {
namespace {

TEST(Logging, LoggersShareTheHostsSinksAndLevel) {
  auto capture = std::make_shared<test::LogCapture>();
  Logging logging({capture}, spdlog::level::info);
  auto core = logging.make_logger("core");
  auto rtmp = logging.make_logger("rtmp");
  EXPECT_EQ(core->name(), "core");
  EXPECT_EQ(rtmp->name(), "rtmp");
  core->info("core: plugin {} {} started", "rtmp", "1.0.0");
  rtmp->debug("rtmp: chatty");  // below the level: dropped
  rtmp->warn("rtmp: session 10.0.0.1:5000 closed: timeout");
  const auto lines = capture->lines();
  ASSERT_EQ(lines.size(), 2u);
  // "2024-05-01 12:00:00.123 info     core: plugin rtmp 1.0.0 started"
  const std::regex layout(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} (\w+) +(.*)\n?)");
  std::smatch match;
  ASSERT_TRUE(std::regex_match(lines[0], match, layout)) << lines[0];
  EXPECT_EQ(match[1], "info");
  EXPECT_EQ(match[2], "core: plugin rtmp 1.0.0 started");
  ASSERT_TRUE(std::regex_match(lines[1], match, layout)) << lines[1];
  EXPECT_EQ(match[1], "warning");
  EXPECT_EQ(match[2], "rtmp: session 10.0.0.1:5000 closed: timeout");
}

TEST(Logging, WritesTheConfiguredFile) {
  const auto folder = std::filesystem::temp_directory_path() /
                      ("streamgate-logging-" + std::to_string(::getpid()));
  config::LogConfig config;
  config.console = false;
  config.level = "debug";
  config.file = folder / "sub" / "streamgate.log";
  {
    Logging logging(config);
    logging.make_logger("core")->debug("core: written at debug");
  }  // flushed on destruction
  std::ifstream in(config.file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove_all(folder);
  EXPECT_NE(text.find("core: written at debug"), std::string::npos) << text;
}

TEST(Logging, UnwritableFileIsAnError) {
  config::LogConfig config;
  config.file = "/proc/streamgate-cannot-write-here/x.log";
  try {
    Logging logging(config);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("log: file /proc/streamgate-cannot-write-here/x.log cannot "
                                         "be opened"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace streamgate
