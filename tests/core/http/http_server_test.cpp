// The HTTP server on loopback: routing, status codes, keep-alive, HEAD,
// deferred answers and failing handlers, seen by a Beast client and by curl.
#include <gtest/gtest.h>

#include <boost/beast/http/verb.hpp>
#include <future>
#include <mutex>
#include <thread>

#include "test_client.hpp"
#include "test_server.hpp"

namespace streamgate::test {
namespace {

using namespace std::chrono_literals;
using boost::beast::http::field;
using boost::beast::http::verb;

// Echoes what the server made of the request.
HttpHandler echo() {
  return [](const HttpRequest& request, std::shared_ptr<HttpResponder> responder) {
    std::string body = request.method + " " + request.path + " ?" + request.query;
    for (const auto& [name, value] : request.params) body += " " + name + "=" + value;
    body += " peer=" + request.peer;
    HttpResponse response;
    response.content_type = "application/x-echo";
    response.headers = {{"X-Extra", "yes"}};
    response.body = SharedBytes::copy(body);
    responder->respond(std::move(response));
  };
}

TEST(HttpServer, RoutesWithParametersToTheHandler) {
  TestServer server;
  auto route = server.router().add("/{app}/{stream}.m3u8", echo());
  TestClient client(server.port());
  auto response = client.get("/live/cam%201.m3u8?token=a%20b");
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "GET /live/cam 1.m3u8 ?token=a%20b app=live stream=cam 1 peer=127.0.0.1:" +
                                 std::to_string(client.local_port()));
  EXPECT_EQ(response[field::content_type], "application/x-echo");
  EXPECT_EQ(response["X-Extra"], "yes");
  EXPECT_EQ(response[field::content_length], std::to_string(response.body().size()));
  EXPECT_EQ(response[field::date].size(), 29u);  // IMF-fixdate
  EXPECT_TRUE(response.keep_alive());
}

TEST(HttpServer, CurlGetsTheRoutedResponse) {
  TestServer server;
  auto route = server.router().add("/{app}/{stream}.m3u8", echo());
  auto result = curl({"-i", server.url("/live/cam.m3u8?x=1")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(result.out.starts_with("HTTP/1.1 200 OK\r\n")) << result.out;
  EXPECT_NE(result.out.find("\r\n\r\nGET /live/cam.m3u8 ?x=1 app=live stream=cam peer=127.0.0.1:"),
            std::string::npos)
      << result.out;
}

TEST(HttpServer, UnknownPathIs404AndTheConnectionStaysUsable) {
  TestServer server;
  auto route = server.router().add("/ok", reply("fine"));
  TestClient client(server.port());
  auto missing = client.get("/nothing/here.m3u8");
  EXPECT_EQ(missing.result_int(), 404);
  EXPECT_EQ(missing["Access-Control-Allow-Origin"], "*");
  EXPECT_TRUE(missing.keep_alive());
  EXPECT_EQ(client.get("/ok").body(), "fine");

  auto result = curl({"-o", "/dev/null", "-w", "%{http_code}", server.url("/nothing")});
  EXPECT_EQ(result.out, "404");
}

TEST(HttpServer, OtherMethodsAre405WithAllow) {
  TestServer server;
  auto route = server.router().add("/ok", reply("fine"));
  TestClient client(server.port());
  for (auto method : {verb::post, verb::put, verb::delete_, verb::options}) {
    auto response = client.get("/ok", method);
    EXPECT_EQ(response.result_int(), 405) << method;
    EXPECT_EQ(response[field::allow], "GET, HEAD");
  }
  auto result = curl({"-X", "DELETE", "-o", "/dev/null", "-w", "%{http_code}", server.url("/ok")});
  EXPECT_EQ(result.out, "405");
}

TEST(HttpServer, KeepAliveServesTwoRequestsOnOneConnection) {
  TestServer server;
  std::mutex mutex;
  std::vector<std::string> peers;
  auto route = server.router().add("/n/{i}", [&](const HttpRequest& request, std::shared_ptr<HttpResponder> responder) {
    {
      std::lock_guard lock(mutex);
      peers.push_back(request.peer);
    }
    HttpResponse response;
    response.body = SharedBytes::copy("n" + request.params.at("i"));
    responder->respond(std::move(response));
  });
  TestClient client(server.port());
  EXPECT_EQ(client.get("/n/1").body(), "n1");
  EXPECT_EQ(client.get("/n/2").body(), "n2");
  {
    std::lock_guard lock(mutex);
    ASSERT_EQ(peers.size(), 2u);
    EXPECT_EQ(peers[0], peers[1]);  // the same client port: one connection
  }

  auto result = curl({"-v", server.url("/n/3"), server.url("/n/4")});
  EXPECT_EQ(result.out, "n3n4");
  EXPECT_NE(result.err.find("Re-using existing connection"), std::string::npos) << result.err;
}

TEST(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
  TestServer server;
  auto a = server.router().add("/a", reply("first"));
  auto b = server.router().add("/b", reply("second"));
  TestClient client(server.port());
  client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(client.read_response().body(), "first");
  EXPECT_EQ(client.read_response().body(), "second");
}

TEST(HttpServer, HeadSendsHeadersOnly) {
  TestServer server;
  auto route = server.router().add("/file", reply("0123456789"));
  TestClient client(server.port());
  auto head = client.get("/file", verb::head);
  EXPECT_EQ(head.result_int(), 200);
  EXPECT_EQ(head[field::content_length], "10");  // what GET would send (RFC 9110 §9.3.2)
  EXPECT_TRUE(head.body().empty());
  // Had the body been sent, it would now be read as the next status line.
  auto get = client.get("/file");
  EXPECT_EQ(get.result_int(), 200);
  EXPECT_EQ(get.body(), "0123456789");

  auto result = curl({"-I", server.url("/file")});
  EXPECT_TRUE(result.out.starts_with("HTTP/1.1 200 OK")) << result.out;
  EXPECT_NE(result.out.find("Content-Length: 10"), std::string::npos) << result.out;
}

TEST(HttpServer, DeferredAnswerFromAnotherThread) {
  TestServer server;
  std::vector<std::thread> answerers;
  std::mutex mutex;
  auto route = server.router().add("/later/{ms}", [&](const HttpRequest& request, std::shared_ptr<HttpResponder> responder) {
    auto delay = std::chrono::milliseconds(std::stoi(request.params.at("ms")));
    std::lock_guard lock(mutex);
    answerers.emplace_back([responder, delay] {
      std::this_thread::sleep_for(delay);
      HttpResponse response;
      response.body = SharedBytes::copy("answered later");
      responder->respond(std::move(response));
    });
  });
  TestClient client(server.port());
  auto started = std::chrono::steady_clock::now();
  auto response = client.get("/later/100");
  EXPECT_GE(std::chrono::steady_clock::now() - started, 100ms);
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "answered later");
  EXPECT_EQ(client.get("/later/0").body(), "answered later");  // same connection, next request
  for (auto& thread : answerers) thread.join();
}

TEST(HttpServer, ThrowingHandlerGives500AndConnectionSurvives) {
  TestServer server;
  auto boom = server.router().add("/boom", [](const HttpRequest&, std::shared_ptr<HttpResponder>) {
    throw std::runtime_error("kaboom");
  });
  auto ok = server.router().add("/ok", reply("fine"));
  TestClient client(server.port());
  auto response = client.get("/boom");
  EXPECT_EQ(response.result_int(), 500);
  EXPECT_EQ(response.body().find("kaboom"), std::string::npos) << "internal detail leaked to the client";
  EXPECT_EQ(client.get("/ok").body(), "fine");
  auto peer = "127.0.0.1:" + std::to_string(client.local_port());
  EXPECT_TRUE(server.wait_for_log({"error", "/boom", peer, "kaboom"}));
}

TEST(HttpServer, HandlerDroppingItsResponderGives500) {
  TestServer server;
  auto route = server.router().add("/silent", [](const HttpRequest&, std::shared_ptr<HttpResponder>) {});
  TestClient client(server.port());
  EXPECT_EQ(client.get("/silent").result_int(), 500);
}

TEST(HttpServer, SecondAnswerIsIgnored) {
  TestServer server;
  auto route = server.router().add("/twice", [](const HttpRequest&, std::shared_ptr<HttpResponder> responder) {
    HttpResponse first;
    first.body = SharedBytes::copy("first");
    responder->respond(std::move(first));
    responder->respond(http_error(500, "second"));
  });
  TestClient client(server.port());
  auto response = client.get("/twice");
  EXPECT_EQ(response.body(), "first");
  EXPECT_EQ(client.get("/twice").body(), "first");  // nothing stray on the connection
  EXPECT_TRUE(server.wait_for_log({"answered twice"}));
}

TEST(HttpServer, ForgedHeadersFromAHandlerAreDropped) {
  TestServer server;
  auto route = server.router().add("/forge", [](const HttpRequest&, std::shared_ptr<HttpResponder> responder) {
    HttpResponse response;
    response.headers = {{"X-Ok", "1"},
                        {"X-Bad", "a\r\nSet-Cookie: evil=1"},
                        {"Bad Name", "x"},
                        {"Content-Length", "999"}};
    response.body = SharedBytes::copy("body");
    responder->respond(std::move(response));
  });
  TestClient client(server.port());
  auto response = client.get("/forge");
  EXPECT_EQ(response["X-Ok"], "1");
  EXPECT_EQ(response.find(field::set_cookie), response.end());
  EXPECT_EQ(response.find("X-Bad"), response.end());
  EXPECT_EQ(response[field::content_length], "4");
  EXPECT_EQ(response.body(), "body");
}

TEST(HttpServer, MalformedRequestsAre400AndClosed) {
  TestServer server;
  auto route = server.router().add("/{a}/{b}", reply("reached"));
  for (std::string raw : {"GARBAGE\r\n\r\n", "GET /a/b HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
                          "GET /a/%2e%2e HTTP/1.1\r\nHost: x\r\n\r\n", "GET /a/..%2fb HTTP/1.1\r\nHost: x\r\n\r\n",
                          "GET /a/b%00 HTTP/1.1\r\nHost: x\r\n\r\n", "GET /a/b%5c HTTP/1.1\r\nHost: x\r\n\r\n",
                          "GET /a/%zz HTTP/1.1\r\nHost: x\r\n\r\n", "GET a/b HTTP/1.1\r\nHost: x\r\n\r\n",
                          "GET /a/b HTTP/1.1\r\n\r\n" /* no Host */,
                          "GET /a/b HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n"}) {
    TestClient client(server.port());
    client.send(raw);
    auto response = client.read_response();
    EXPECT_EQ(response.result_int(), 400) << raw;
    EXPECT_NE(response.body(), "reached");
    EXPECT_TRUE(client.wait_closed()) << raw;
  }
  EXPECT_TRUE(server.wait_for_log({"info", "refused with 400", "127.0.0.1:"}));
}

TEST(HttpServer, OtherHttpMajorVersionsAre505) {
  TestServer server;
  auto route = server.router().add("/a", reply("reached"));
  TestClient client(server.port());
  client.send("GET /a HTTP/2.0\r\nHost: x\r\n\r\n");
  EXPECT_EQ(client.read_response().result_int(), 505);
  EXPECT_TRUE(client.wait_closed());
}

TEST(HttpServer, PathWithEncodedSlashNeverMatchesAsOneSegment) {
  TestServer server;
  auto route = server.router().add("/{app}/{stream}.ts", reply("reached"));
  TestClient client(server.port());
  EXPECT_EQ(client.get("/live/a%2Fb.ts").result_int(), 404);
  EXPECT_EQ(client.get("/live/...ts").result_int(), 404);
  EXPECT_EQ(client.get("/live/ok.ts").body(), "reached");
}

TEST(HttpServer, AccessLogAtDebugNamesPeerRequestAndStatus) {
  TestServer server;
  auto route = server.router().add("/ok", reply("fine"));
  TestClient client(server.port());
  client.get("/ok?q=1");
  auto peer = "127.0.0.1:" + std::to_string(client.local_port());
  EXPECT_TRUE(server.wait_for_log({"debug", peer, "\"GET /ok?q=1\"", " 200 ", "4 bytes"}));
}

}  // namespace
}  // namespace streamgate::test
