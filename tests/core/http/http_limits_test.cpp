// Bounds the server enforces: request size (431 header, 413 body), the
// connection limits in all and per client address (503) and the request and
// keep-alive timeouts.
#include <gtest/gtest.h>

#include <chrono>

#include "test_client.hpp"
#include "test_server.hpp"

namespace streamgate::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

HttpServerSettings with(auto change) {
  auto settings = TestServer::loopback_settings();
  change(settings);
  return settings;
}

// A closed connection leaves the server's count a little later: whether a
// new one is served within 5 s.
bool served_again(TestServer& server) {
  for (auto deadline = Clock::now() + 5s; Clock::now() < deadline;) {
    TestClient client(server.port());
    if (client.get("/a").result_int() == 200) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

TEST(HttpLimits, OversizedHeaderIs431) {
  TestServer server(with([](HttpServerSettings& s) { s.max_request_bytes = 4096; }));
  auto route = server.router().add("/a", reply("reached"));
  TestClient client(server.port());
  client.send("GET /a HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(5000, 'b') + "\r\n\r\n");
  auto response = client.read_response();
  EXPECT_EQ(response.result_int(), 431);
  EXPECT_TRUE(client.wait_closed());

  auto result = curl({"-o", "/dev/null", "-w", "%{http_code}", "-H", "X-Big: " + std::string(5000, 'c'),
                      server.url("/a")});
  EXPECT_EQ(result.out, "431") << result.err;
  EXPECT_TRUE(server.wait_for_log({"refused with 431", "127.0.0.1:"}));
}

TEST(HttpLimits, HeaderJustUnderTheLimitIsServed) {
  TestServer server(with([](HttpServerSettings& s) { s.max_request_bytes = 4096; }));
  auto route = server.router().add("/a", reply("reached"));
  std::string head = "GET /a HTTP/1.1\r\nHost: x\r\nX-Pad: ";
  std::string request = head + std::string(4096 - head.size() - 4, 'p') + "\r\n\r\n";
  ASSERT_EQ(request.size(), 4096u);
  TestClient client(server.port());
  client.send(request);
  EXPECT_EQ(client.read_response().body(), "reached");
}

TEST(HttpLimits, AnnouncedOversizedBodyIs413BeforeItIsSent) {
  TestServer server(with([](HttpServerSettings& s) { s.max_request_bytes = 4096; }));
  auto route = server.router().add("/a", reply("reached"));
  TestClient client(server.port());
  // Only the header goes out: the answer must not wait for the body.
  client.send("GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
  auto response = client.read_response();
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_TRUE(client.wait_closed());
}

TEST(HttpLimits, ChunkedBodyPastTheLimitIs413) {
  TestServer server(with([](HttpServerSettings& s) { s.max_request_bytes = 4096; }));
  auto route = server.router().add("/a", reply("reached"));
  TestClient client(server.port());
  client.send("GET /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  std::string chunk = "400\r\n" + std::string(0x400, 'z') + "\r\n";
  for (int i = 0; i < 5; ++i) client.send(chunk);  // 5 KiB of body
  EXPECT_EQ(client.read_response().result_int(), 413);
}

TEST(HttpLimits, CurlPostPastTheLimitGets413) {
  TestServer server(with([](HttpServerSettings& s) { s.max_request_bytes = 4096; }));
  auto route = server.router().add("/a", reply("reached"));
  auto result = curl({"-o", "/dev/null", "-w", "%{http_code}", "--data-binary", std::string(20000, 'd'),
                      server.url("/a")});
  EXPECT_EQ(result.out, "413") << result.err;
}

TEST(HttpLimits, SmallBodyIsReadAndTheConnectionKeptAlive) {
  TestServer server;
  auto route = server.router().add("/a", reply("reached"));
  TestClient client(server.port());
  client.send("GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_EQ(client.read_response().body(), "reached");
  EXPECT_EQ(client.get("/a").body(), "reached");
}

TEST(HttpLimits, ConnectionsPastTheLimitGet503) {
  TestServer server(with([](HttpServerSettings& s) { s.max_connections = 1; }));
  auto route = server.router().add("/a", reply("reached"));
  TestClient first(server.port());
  EXPECT_EQ(first.get("/a").body(), "reached");  // and it stays open (keep-alive)
  TestClient second(server.port());
  auto refused = second.get("/a");
  EXPECT_EQ(refused.result_int(), 503);
  EXPECT_TRUE(second.wait_closed());
  EXPECT_EQ(first.get("/a").body(), "reached");
  // Once the first leaves, there is room again.
  first.close();
  EXPECT_TRUE(served_again(server));
}

TEST(HttpLimits, ConnectionsPastThePerAddressLimitGet503WhileOtherAddressesAreServed) {
  TestServer server(with([](HttpServerSettings& s) { s.max_connections_per_ip = 2; }));
  auto route = server.router().add("/a", reply("reached"));
  TestClient first(server.port());  // from 127.0.0.1
  TestClient second(server.port());
  EXPECT_EQ(first.get("/a").body(), "reached");
  EXPECT_EQ(second.get("/a").body(), "reached");
  TestClient third(server.port());
  EXPECT_EQ(third.get("/a").result_int(), 503);
  EXPECT_TRUE(third.wait_closed());
  // curl from another loopback address is another client.
  auto other = curl({"-o", "/dev/null", "-w", "%{http_code}", "--interface", "127.0.0.2",
                     server.url("/a")});
  EXPECT_EQ(other.out, "200") << other.err;
  auto same = curl({"-o", "/dev/null", "-w", "%{http_code}", "--interface", "127.0.0.1",
                    server.url("/a")});
  EXPECT_EQ(same.out, "503") << same.err;
  // Once one of the two leaves, its address has room again.
  first.close();
  EXPECT_TRUE(served_again(server));
  EXPECT_EQ(second.get("/a").body(), "reached");
}

TEST(HttpLimits, IncompleteRequestIsClosedAtTheRequestTimeout) {
  TestServer server(with([](HttpServerSettings& s) { s.request_timeout = 300ms; }));
  auto route = server.router().add("/a", reply("reached"));
  TestClient client(server.port());
  auto started = Clock::now();
  client.send("GET /a HTTP/1.1\r\nHost: x\r\n");  // never finished
  EXPECT_TRUE(client.wait_closed(5s));
  auto elapsed = Clock::now() - started;
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 3s);
}

TEST(HttpLimits, IdleKeepAliveIsClosedAtTheKeepAliveTimeout) {
  TestServer server(with([](HttpServerSettings& s) {
    s.keepalive_timeout = 600ms;
    s.request_timeout = 5s;
  }));
  auto route = server.router().add("/a", reply("reached"));
  TestClient client(server.port());
  EXPECT_EQ(client.get("/a").body(), "reached");
  std::this_thread::sleep_for(150ms);  // well inside the idle time
  EXPECT_EQ(client.get("/a").body(), "reached");
  auto idle_since = Clock::now();
  EXPECT_TRUE(client.wait_closed(5s));
  auto idle = Clock::now() - idle_since;
  EXPECT_GE(idle, 500ms);
  EXPECT_LT(idle, 3s);
}

}  // namespace
}  // namespace streamgate::test
