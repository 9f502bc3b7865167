// The SDK as a plugin author gets it: install the build into a fresh prefix,
// build examples/plugin-hello against that install with find_package, and run
// the installed gateway with it (-t, then a real start, GET /hello, SIGTERM).
#include <gtest/gtest.h>

#include "support/net.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace streamgate::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

void run_ok(const std::vector<std::string>& args, std::chrono::milliseconds timeout = 600s) {
  const auto result = run("cmake", args, timeout);
  std::string command = "cmake";
  for (const auto& arg : args) command += " " + arg;
  ASSERT_EQ(result.exit_code, 0) << command << "\n" << result.out << result.err;
}

TEST(SdkInstall, ExamplePluginBuildsAgainstTheInstalledSdkAndRuns) {
  TempDir dir("streamgate-sdk");
  const fs::path prefix = dir / "prefix";
  const fs::path example_build = dir / "hello-build";

  ASSERT_NO_FATAL_FAILURE(run_ok({"--install", STREAMGATE_TEST_BUILD_DIR, "--prefix", prefix.string()}));
  ASSERT_TRUE(fs::exists(prefix / "include/streamgate/sdk.hpp"));
  ASSERT_TRUE(fs::exists(prefix / "bin/streamgate"));

  std::vector<std::string> configure = {
      "-S", std::string(STREAMGATE_TEST_SOURCE_DIR) + "/examples/plugin-hello",
      "-B", example_build.string(),
      "-DCMAKE_PREFIX_PATH=" + prefix.string(),
      "-DCMAKE_BUILD_TYPE=RelWithDebInfo"};
  if (!find_program("ninja").empty()) configure.insert(configure.end(), {"-G", "Ninja"});
  if (!find_program("ccache").empty()) configure.push_back("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache");
  ASSERT_NO_FATAL_FAILURE(run_ok(configure));
  ASSERT_NO_FATAL_FAILURE(run_ok({"--build", example_build.string()}));
  ASSERT_NO_FATAL_FAILURE(run_ok({"--install", example_build.string()}));
  // Installed where the installed gateway looks by default.
  ASSERT_TRUE(fs::exists(prefix / "lib/streamgate/plugins/libstreamgate-hello.so"));

  const auto port = free_tcp_port();
  const fs::path config = dir / "hello.xml";
  write_text(config, "<streamgate>\n"
                     "  <workers threads=\"2\"/>\n"
                     "  <http listen=\"127.0.0.1:" + std::to_string(port) + "\"/>\n"
                     "  <app name=\"live\"/>\n"
                     "  <plugin name=\"hello\" greeting=\"Hi there\"/>\n"
                     "</streamgate>\n");
  const std::string gateway = (prefix / "bin/streamgate").string();

  const auto check = run(gateway, {"-t", "-c", config.string()});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(check.err.find("test is successful"), std::string::npos) << check.err;

  ChildProcess process(gateway, {"-c", config.string()}, dir / "gateway.log");
  ASSERT_TRUE(wait_for_port("127.0.0.1", port, 15s)) << process.output();
  const auto first = http_get("127.0.0.1", port, "/hello");
  EXPECT_EQ(first.status, 200) << process.output();
  EXPECT_EQ(first.body.rfind("Hi there, 127.0.0.1:", 0), 0u) << first.body;
  EXPECT_NE(first.body.find("(request 1)"), std::string::npos) << first.body;
  EXPECT_NE(http_get("127.0.0.1", port, "/hello").body.find("(request 2)"), std::string::npos);
  process.terminate();
  EXPECT_EQ(process.wait_for(15s), 0) << process.output();
  const auto log = process.output();
  EXPECT_NE(log.find("core: plugin hello 1.0.0 started"), std::string::npos) << log;
  EXPECT_NE(log.find("hello: Hi there from a worker thread"), std::string::npos) << log;
  EXPECT_NE(log.find("hello: answered 2 requests"), std::string::npos) << log;
  EXPECT_NE(log.find("core: plugin hello stopped"), std::string::npos) << log;
}

}  // namespace
}  // namespace streamgate::test
