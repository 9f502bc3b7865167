// Server start and stop, route removal while serving, address families,
// and GET /api/streams.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <future>
#include <thread>

#include "test_client.hpp"
#include "test_server.hpp"

namespace streamgate::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

bool can_bind_ipv6_loopback() {
  boost::asio::io_context io;
  boost::system::error_code ec;
  boost::asio::ip::tcp::acceptor acceptor(io);
  acceptor.open(boost::asio::ip::tcp::v6(), ec);
  if (!ec) acceptor.bind({boost::asio::ip::make_address("::1"), 0}, ec);
  return !ec;
}

// Answers with the peer address the server saw.
HttpHandler peer_echo() {
  return [](const HttpRequest& request, std::shared_ptr<HttpResponder> responder) {
    responder->respond(http_error(200, request.peer));
  };
}

TEST(HttpLifecycle, StopClosesStreamsAndIdleConnectionsPromptly) {
  TestServer server;
  std::promise<std::shared_ptr<HttpStream>> started;
  std::promise<void> closed;
  auto stream_route = server.router().add("/s", [&](const HttpRequest&, std::shared_ptr<HttpResponder> responder) {
    auto stream = responder->start_stream(200, "video/mp2t", {});
    stream->on_closed([&] { closed.set_value(); });
    started.set_value(stream);
  });
  auto ok_route = server.router().add("/ok", reply("fine"));

  TestClient idle(server.port());
  EXPECT_EQ(idle.get("/ok").body(), "fine");  // now idle in keep-alive
  TestClient viewer(server.port());
  viewer.send("GET /s HTTP/1.1\r\nHost: x\r\n\r\n");
  auto stream = started.get_future().get();
  std::promise<bool> written;
  stream->write({SharedBytes::copy("data")}, [&](bool ok) { written.set_value(ok); });
  EXPECT_TRUE(written.get_future().get());

  auto stop_started = Clock::now();
  server.server().stop();
  EXPECT_LT(Clock::now() - stop_started, 1s);
  // stop() returned: on_closed has run already.
  EXPECT_EQ(closed.get_future().wait_for(0s), std::future_status::ready);
  EXPECT_TRUE(idle.wait_closed(2s));
  EXPECT_TRUE(viewer.wait_closed(2s));
  // The listener is closed too.
  boost::system::error_code ec;
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket probe(io);
  probe.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()}, ec);
  EXPECT_TRUE(ec) << "still accepting after stop()";
}

TEST(HttpLifecycle, StopWithADeferredAnswerPendingReturnsAndTheLateAnswerIsHarmless) {
  TestServer server;
  std::promise<std::shared_ptr<HttpResponder>> held;
  auto route = server.router().add("/later", [&](const HttpRequest&, std::shared_ptr<HttpResponder> responder) {
    held.set_value(responder);
  });
  TestClient client(server.port());
  client.send("GET /later HTTP/1.1\r\nHost: x\r\n\r\n");
  auto responder = held.get_future().get();
  auto stop_started = Clock::now();
  server.server().stop();
  EXPECT_LT(Clock::now() - stop_started, 1s);
  EXPECT_TRUE(client.wait_closed(2s));
  responder->respond(http_error(200, "too late"));
  responder.reset();
}

TEST(HttpLifecycle, RemovedRouteAnswers404) {
  TestServer server;
  auto route = server.router().add("/{app}/{stream}.m3u8", reply("playlist"));
  TestClient client(server.port());
  EXPECT_EQ(client.get("/live/a.m3u8").body(), "playlist");
  route.reset();
  EXPECT_EQ(client.get("/live/a.m3u8").result_int(), 404);
  route = server.router().add("/{app}/{stream}.m3u8", reply("again"));
  EXPECT_EQ(client.get("/live/a.m3u8").body(), "again");
}

TEST(HttpLifecycle, RouteRemovedWhileRequestsRunNeverRunsAfterwards) {
  TestServer server;
  std::atomic<bool> removed{false};
  std::atomic<int> after_removal{0};
  auto route = server.router().add("/r", [&](const HttpRequest&, std::shared_ptr<HttpResponder> responder) {
    std::this_thread::sleep_for(1ms);
    if (removed.load()) ++after_removal;
    responder->respond(http_error(200, "ok"));
  });
  std::atomic<bool> stop_clients{false};
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&] {
      TestClient client(server.port());
      while (!stop_clients.load()) {
        if (client.get("/r").result_int() == 404) break;
      }
    });
  }
  std::this_thread::sleep_for(100ms);
  route.reset();
  removed = true;
  std::this_thread::sleep_for(100ms);
  stop_clients = true;
  for (auto& thread : clients) thread.join();
  EXPECT_EQ(after_removal.load(), 0);
}

TEST(HttpLifecycle, StartFailsOnABusyPortNamingTheAddress) {
  TestServer first;
  auto settings = TestServer::loopback_settings();
  settings.listen = {ListenAddress{"127.0.0.1", 0}, ListenAddress{"127.0.0.1", first.port()}};
  boost::asio::io_context io;
  auto logger = std::make_shared<spdlog::logger>("core.http");
  HttpServer second({&io}, settings, logger);
  try {
    second.start();
    FAIL() << "start() succeeded on a busy port";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(first.port())), std::string::npos)
        << e.what();
  }
}

TEST(HttpLifecycle, ListensOnEveryAddressAndReportsThePorts) {
  auto settings = TestServer::loopback_settings();
  settings.listen.push_back(ListenAddress{"127.0.0.1", 0});
  TestServer server(settings);
  auto route = server.router().add("/a", reply("reached"));
  auto ports = server.server().bound_ports();
  ASSERT_EQ(ports.size(), 2u);
  EXPECT_NE(ports[0], ports[1]);
  for (auto port : ports) EXPECT_EQ(TestClient(port).get("/a").body(), "reached");
}

TEST(HttpLifecycle, ServesIpv6Loopback) {
  if (!can_bind_ipv6_loopback()) GTEST_SKIP() << "no IPv6 loopback on this machine";
  auto settings = TestServer::loopback_settings();
  settings.listen = {ListenAddress{"::1", 0}};
  TestServer server(settings);
  auto route = server.router().add("/peer", peer_echo());
  TestClient client(server.port(), "::1");
  EXPECT_EQ(client.get("/peer").body(), "[::1]:" + std::to_string(client.local_port()) + "\n");
  auto result = curl({"http://[::1]:" + std::to_string(server.port()) + "/peer"});
  EXPECT_TRUE(result.out.starts_with("[::1]:")) << result.out << result.err;
}

TEST(HttpLifecycle, EmptyHostListensOnIpv4AndIpv6) {
  auto settings = TestServer::loopback_settings();
  settings.listen = {ListenAddress{"", 0}};
  TestServer server(settings);
  auto route = server.router().add("/peer", peer_echo());
  TestClient v4(server.port(), "127.0.0.1");
  // IPv4 clients of the dual-stack socket show as plain IPv4.
  EXPECT_EQ(v4.get("/peer").body(), "127.0.0.1:" + std::to_string(v4.local_port()) + "\n");
  if (!can_bind_ipv6_loopback()) GTEST_SKIP() << "no IPv6 loopback on this machine";
  TestClient v6(server.port(), "::1");
  EXPECT_EQ(v6.get("/peer").body(), "[::1]:" + std::to_string(v6.local_port()) + "\n");
}

}  // namespace
}  // namespace streamgate::test
