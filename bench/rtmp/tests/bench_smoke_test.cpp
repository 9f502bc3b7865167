// streamgate-bench against real servers, briefly: 1 publisher, 5 players,
// 5 s. It must see media flow through streamgate (and nginx-rtmp, the
// reference peer), and must report failure when players get no media.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "support/gateway.hpp"
#include "support/media_tools.hpp"
#include "support/net.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace streamgate::test {
namespace {

constexpr int kPlayers = 5;
constexpr double kWindowS = 5;
constexpr int kFps = 30;

struct ToolRun {
  int exit_code = -1;
  boost::json::object report;
  std::string log;
};

ToolRun run_tool(const TempDir& dir, std::vector<std::string> args) {
  const auto json_path = (dir.path() / "bench.json").string();
  args.insert(args.end(), {"--json", json_path, "--warmup-s", "1", "--ramp-s", "0.5", "--settle-s",
                           "1", "--duration-s", std::to_string(kWindowS)});
  auto result = run(STREAMGATE_BENCH_TOOL, args, std::chrono::seconds(60));
  ToolRun out{result.exit_code, {}, result.out + result.err};
  std::ifstream in(json_path);
  std::stringstream text;
  text << in.rdbuf();
  if (!text.str().empty()) out.report = boost::json::parse(text.str()).as_object();
  return out;
}

std::int64_t number(const boost::json::object& o, std::initializer_list<const char*> path) {
  const boost::json::value* at = nullptr;
  const boost::json::object* object = &o;
  for (const char* key : path) {
    at = &object->at(key);
    if (at->is_object()) object = &at->as_object();
  }
  return at->is_double() ? std::int64_t(at->as_double()) : at->to_number<std::int64_t>();
}

std::filesystem::path media() {
  MediaSpec spec;
  spec.seconds = 10;
  spec.fps = kFps;
  return test_media(spec);
}

// What every healthy run shows: all players play media to the end of the
// window at the source's frame rate, live frames are matched to the
// publisher's sends, and the watched server's CPU and memory were read.
void expect_players_fed(const ToolRun& run) {
  ASSERT_FALSE(run.report.empty()) << run.log;
  EXPECT_EQ(run.exit_code, 0) << run.log;
  const auto& r = run.report;
  EXPECT_EQ(number(r, {"players", "connected"}), kPlayers) << run.log;
  EXPECT_EQ(number(r, {"players", "with_media"}), kPlayers) << run.log;
  EXPECT_EQ(number(r, {"players", "keeping_up"}), kPlayers) << run.log;
  EXPECT_EQ(number(r, {"startup_ms", "count"}), kPlayers);
  // 30 fps for 5 s each, less a little for the window's edges.
  EXPECT_GE(number(r, {"window_video_frames"}), std::int64_t(kPlayers * kFps * kWindowS * 0.9));
  EXPECT_GT(number(r, {"latency_ms", "count"}), kPlayers * kFps * kWindowS / 2);
  EXPECT_LT(number(r, {"latency_ms", "p50_ms"}), 1000);
  EXPECT_EQ(number(r, {"missed_frames"}), 0);
  EXPECT_GT(number(r, {"bytes_received"}), 0);
  EXPECT_GT(r.at("server").at("peak_rss_kib").to_number<double>(), 0);
}

#if STREAMGATE_BENCH_WITH_GATEWAY
TEST(BenchSmoke, FivePlayersGetMediaThroughStreamgate) {
  GatewayOptions options;
  options.plugins = rtmp_plugin();
  options.log_level = "info";
  Gateway gateway(options);
  gateway.start();
  TempDir dir("bench-smoke");
  auto run =
      run_tool(dir, {"--url", gateway.rtmp_url("bench"), "--flv", media().string(), "--players",
                     std::to_string(kPlayers), "--watch-pid", std::to_string(gateway.pid())});
  expect_players_fed(run);
}

TEST(BenchSmoke, FailsWhenPlayersGetNoMedia) {
  // Nobody publishes "nobody": streamgate lets the players wait, so they
  // connect but receive no media, and the tool must say so.
  GatewayOptions options;
  options.plugins = rtmp_plugin();
  Gateway gateway(options);
  gateway.start();
  TempDir dir("bench-smoke");
  auto run =
      run_tool(dir, {"--url", gateway.rtmp_url("nobody"), "--publishers", "0", "--players", "2"});
  ASSERT_FALSE(run.report.empty()) << run.log;
  EXPECT_EQ(run.exit_code, 1) << run.log;
  EXPECT_EQ(number(run.report, {"players", "with_media"}), 0);
  EXPECT_EQ(number(run.report, {"players", "keeping_up"}), 0);
  EXPECT_LT(number(run.report, {"bytes_received"}), 10000);
}
#endif  // STREAMGATE_BENCH_WITH_GATEWAY

TEST(BenchSmoke, FivePlayersGetMediaThroughNginxRtmp) {
  const std::filesystem::path module = "/usr/share/nginx/modules/ngx_rtmp_module.so";
  if (find_program("nginx").empty() && !std::filesystem::exists("/usr/sbin/nginx"))
    GTEST_SKIP() << "nginx is not installed (tools/setup.sh installs nginx-light)";
  if (!std::filesystem::exists(module)) GTEST_SKIP() << "libnginx-mod-rtmp is not installed";
  TempDir dir("bench-nginx");
  const auto port = free_tcp_port();
  const auto conf = dir.path() / "nginx.conf";
  std::ofstream(conf) << "load_module " << module.string() << ";\n"
                      << "daemon off;\nworker_processes 1;\n"
                      << "pid " << (dir.path() / "nginx.pid").string() << ";\n"
                      << "error_log " << (dir.path() / "error.log").string() << " warn;\n"
                      << "events { worker_connections 256; }\n"
                      << "rtmp { server { listen 127.0.0.1:" << port
                      << "; chunk_size 4096; application live { live on; } } }\n";
  const std::string nginx =
      std::filesystem::exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";
  ChildProcess server(
      nginx,
      {"-p", dir.path().string(), "-c", conf.string(), "-e", (dir.path() / "error.log").string()},
      dir.path() / "nginx.log");
  ASSERT_TRUE(wait_for_port("127.0.0.1", port, std::chrono::seconds(10))) << server.output();
  auto run = run_tool(dir, {"--url", "rtmp://127.0.0.1:" + std::to_string(port) + "/live/bench",
                            "--flv", media().string(), "--players", std::to_string(kPlayers),
                            "--watch-pid", std::to_string(server.pid())});
  expect_players_fed(run);
  server.terminate();
  server.wait_for(std::chrono::seconds(10));
}

}  // namespace
}  // namespace streamgate::test
