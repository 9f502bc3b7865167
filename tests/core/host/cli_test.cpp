// The real streamgate binary, run as an operator would: -t on broken and good
// configs, a start with a fixture plugin stopped by a signal, a start that
// fails, and the informational options.
#include <gtest/gtest.h>

#include "support/gateway.hpp"
#include "support/net.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "streamgate/version.hpp"

namespace streamgate::test {
namespace {

using namespace std::chrono_literals;

std::string binary() { return streamgate_binary().string(); }

// Commands that exit at once. Boost.Process v1's wait_for may sleep out its
// whole timeout even after the child has exited (boostorg/process#69), so
// keep the bound short.
RunResult run_quick(const std::vector<std::string>& args) { return run(binary(), args, 10s); }

// A config around `body` with HTTP on `http_port` of loopback.
std::string config_with(const std::string& body, std::uint16_t http_port) {
  return "<?xml version=\"1.0\"?>\n"
         "<streamgate>\n"
         "  <log level=\"debug\"/>\n"
         "  <workers threads=\"2\"/>\n"
         "  <http listen=\"127.0.0.1:" + std::to_string(http_port) + "\"/>\n"
         "  <app name=\"live\"/>\n" +
         body + "</streamgate>\n";
}

const std::string kGoodPlugin =
    "  <plugin name=\"fixture_good\" path=\"" FIXTURE_GOOD "\" greeting=\"bonjour\"/>\n";

TEST(Cli, TestOfABrokenConfigExitsOneNamingTheLine) {
  TempDir dir;
  const auto file = dir / "broken.xml";
  write_text(file, config_with("  <wokers threads=\"2\"/>\n", 8080));  // line 7
  const auto result = run_quick({"-t", "-c", file.string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find(file.string() + ":7: <wokers> in <streamgate>: unknown element"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("configuration file " + file.string() + " test failed"),
            std::string::npos)
      << result.err;
}

TEST(Cli, TestOfMalformedXmlNamesLineAndColumn) {
  TempDir dir;
  const auto file = dir / "broken.xml";
  write_text(file, "<streamgate>\n  <log level=\"info\">\n</streamgate>\n");
  const auto result = run_quick({"-t", "-c", file.string()});
  EXPECT_EQ(result.exit_code, 1);
  // <log> is never closed: pugixml stops at the end tag of <streamgate>, line 3 column 3.
  EXPECT_NE(result.err.find(file.string() + ":3:3: malformed XML: Start-end tags mismatch"),
            std::string::npos)
      << result.err;
}

TEST(Cli, TestOfAGoodConfigWithAFixturePluginExitsZero) {
  TempDir dir;
  const auto file = dir / "good.xml";
  write_text(file, config_with(kGoodPlugin, free_tcp_port()));
  const auto result = run_quick({"-t", "-c", file.string()});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.err.find("configuration file " + file.string() + " test is successful"),
            std::string::npos)
      << result.err;
  // -t loads and configures, but never starts.
  EXPECT_EQ(result.out.find("started"), std::string::npos) << result.out;
}

TEST(Cli, TestRefusesAnIncompatiblePlugin) {
  TempDir dir;
  const auto file = dir / "abi.xml";
  write_text(file, config_with("  <plugin name=\"fixture_wrong_major\" path=\"" FIXTURE_WRONG_MAJOR
                               "\"/>\n",
                               free_tcp_port()));
  const auto result = run_quick({"-t", "-c", file.string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.out.find("library " FIXTURE_WRONG_MAJOR " was built for SDK major version"),
            std::string::npos)
      << result.out << result.err;
}

TEST(Cli, MissingConfigFileExitsOne) {
  const auto result = run_quick({"-t", "-c", "/nonexistent-streamgate/streamgate.xml"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("/nonexistent-streamgate/streamgate.xml: cannot open the config file"),
            std::string::npos)
      << result.err;
}

TEST(Cli, StartsAFixturePluginAndStopsOnSigterm) {
  GatewayOptions options;
  options.plugins = kGoodPlugin;
  options.wait_for_rtmp = false;
  Gateway gateway(options);
  gateway.start();
  ASSERT_TRUE(gateway.wait_for_log("core: plugin fixture_good 1.2.3 started", 10s)) << gateway.log();
  // The plugin ran on a worker and its timer fired there.
  ASSERT_TRUE(gateway.wait_for_log("fixture_good: sdk timer fired on worker", 10s)) << gateway.log();
  // The HTTP server and the bus are wired: the status route answers.
  const auto streams = http_get("127.0.0.1", gateway.http_port(), "/api/streams");
  EXPECT_EQ(streams.status, 200);
  EXPECT_EQ(streams.body, "[]");
  EXPECT_EQ(gateway.stop(), 0) << gateway.log();
  const auto log = gateway.log();
  const auto goodbye = log.find("fixture_good: bonjour says goodbye");
  const auto stopped = log.find("core: plugin fixture_good stopped");
  EXPECT_NE(goodbye, std::string::npos) << log;
  EXPECT_NE(stopped, std::string::npos) << log;
  EXPECT_LT(goodbye, stopped);
}

TEST(Cli, SigintStopsToo) {
  TempDir dir;
  const auto port = free_tcp_port();
  write_text(dir / "sg.xml", config_with(kGoodPlugin, port));
  ChildProcess child(binary(), {"-c", (dir / "sg.xml").string()}, dir / "sg.log");
  ASSERT_TRUE(wait_for_port("127.0.0.1", port, 10s)) << child.output();
  child.interrupt();
  EXPECT_EQ(child.wait_for(10s), 0) << child.output();
  EXPECT_NE(child.output().find("core: plugin fixture_good stopped"), std::string::npos);
}

TEST(Cli, AFailedStartStopsTheStartedPluginsAndExitsOne) {
  TempDir dir;
  write_text(dir / "sg.xml",
             config_with(kGoodPlugin + "  <plugin name=\"fixture_failing\" path=\"" FIXTURE_FAILING
                                       "\"/>\n",
                         free_tcp_port()));
  const auto result = run(binary(), {"-c", (dir / "sg.xml").string()}, 15s);
  EXPECT_EQ(result.exit_code, 1) << result.out;
  const auto& log = result.out;
  const auto started = log.find("core: plugin fixture_good 1.2.3 started");
  const auto failed =
      log.find("core: plugin fixture_failing failed to start: port 1 is not ours to take");
  const auto stopped = log.find("core: plugin fixture_good stopped");
  ASSERT_NE(started, std::string::npos) << log;
  ASSERT_NE(failed, std::string::npos) << log;
  ASSERT_NE(stopped, std::string::npos) << log;
  EXPECT_LT(started, failed);
  EXPECT_LT(failed, stopped);
  EXPECT_EQ(log.find("plugin fixture_failing stopped"), std::string::npos) << log;
}

TEST(Cli, AnHttpPortInUseFailsTheStartNamingTheAddress) {
  TempDir dir;
  const auto port = free_tcp_port();
  write_text(dir / "first.xml", config_with("", port));
  ChildProcess first(binary(), {"-c", (dir / "first.xml").string()}, dir / "first.log");
  ASSERT_TRUE(wait_for_port("127.0.0.1", port, 10s)) << first.output();
  const auto second = run(binary(), {"-c", (dir / "first.xml").string()}, 15s);
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.out.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << second.out;
  first.terminate();
  EXPECT_EQ(first.wait_for(10s), 0);
}

TEST(Cli, VersionAndHelp) {
  const auto version = run_quick({"-v"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("streamgate ", 0), 0u) << version.out;
  EXPECT_NE(version.out.find("plugin SDK " + std::to_string(STREAMGATE_SDK_MAJOR) + "." +
                             std::to_string(STREAMGATE_SDK_MINOR)),
            std::string::npos)
      << version.out;
  const auto help = run_quick({"-h"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* option : {"-c [ --config ] FILE", "-t [ --test ]", "-v [ --version ]", "-h [ --help ]"})
    EXPECT_NE(help.out.find(option), std::string::npos) << option << "\n" << help.out;
  const auto bad = run_quick({"--bogus"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("unrecognised option '--bogus'"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace streamgate::test
