// HttpResponse::body_parts: a body made of many shared slices goes out with
// Content-Length (RFC 9110 §8.6: the decimal number of octets of the content)
// and keeps the connection open; HEAD gets the same length and no content
// (§9.3.2). A Beast client and curl must read the same bytes.
#include <gtest/gtest.h>

#include <mutex>

#include "support/temp_dir.hpp"
#include "test_client.hpp"
#include "test_server.hpp"

namespace streamgate::test {
namespace {

namespace bhttp = boost::beast::http;

// One buffer cut into slices of varied sizes (some empty), as the segmenter
// hands over the muxer's units: the parts share one allocation.
struct SlicedBody {
  SharedBytes whole;
  std::vector<SharedBytes> parts;
  std::string text() const { return to_string(whole); }
};

SlicedBody sliced_body(std::size_t slices) {
  std::string bytes;
  std::vector<std::size_t> sizes;
  for (std::size_t i = 0; i < slices; ++i) {
    sizes.push_back(i % 11 == 5 ? 0 : 1 + (i * 7919) % 4000);
    for (std::size_t j = 0; j < sizes.back(); ++j)
      bytes.push_back(static_cast<char>('a' + (i + j) % 26));
  }
  SlicedBody body{SharedBytes::copy(bytes), {}};
  std::size_t at = 0;
  for (auto size : sizes) {
    body.parts.push_back(body.whole.slice(at, size));
    at += size;
  }
  return body;
}

// Answers every request with `head` + `parts` and notes the peer of each.
class PartsRoute {
 public:
  PartsRoute(TestServer& server, std::string path, SharedBytes head, std::vector<SharedBytes> parts)
      : route_(server.router().add(
            std::move(path), [this, head, parts](const HttpRequest& request,
                                                 std::shared_ptr<HttpResponder> responder) {
              {
                std::lock_guard lock(mutex_);
                peers_.push_back(request.peer);
              }
              HttpResponse response;
              response.content_type = "video/mp2t";
              response.headers = {{"Cache-Control", "public, max-age=86400, immutable"}};
              response.body = head;
              response.body_parts = parts;
              responder->respond(std::move(response));
            })) {}

  std::vector<std::string> peers() const {
    std::lock_guard lock(mutex_);
    return peers_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> peers_;
  std::unique_ptr<HttpRoute> route_;
};

TEST(HttpBodyParts, WireCarriesContentLengthAndTheConcatenatedBytes) {
  TestServer server;
  PartsRoute route(
      server, "/seg", SharedBytes::copy("head:"),
      {SharedBytes::copy("a"), SharedBytes{}, SharedBytes::copy("bc"), SharedBytes::copy("def")});
  TestClient client(server.port());
  client.send("GET /seg HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  bool closed = false;
  auto wire = client.read_until_closed(closed);
  EXPECT_TRUE(closed);
  auto body_at = wire.find("\r\n\r\n");
  ASSERT_NE(body_at, std::string::npos) << wire;
  auto header = wire.substr(0, body_at + 2);
  EXPECT_TRUE(header.starts_with("HTTP/1.1 200 OK\r\n")) << header;
  // 5 + 1 + 0 + 2 + 3 octets.
  EXPECT_NE(header.find("Content-Length: 11\r\n"), std::string::npos) << header;
  EXPECT_EQ(header.find("Transfer-Encoding"), std::string::npos) << header;
  EXPECT_NE(header.find("Cache-Control: public, max-age=86400, immutable\r\n"), std::string::npos)
      << header;
  EXPECT_EQ(wire.substr(body_at + 4), "head:abcdef");
}

TEST(HttpBodyParts, TwoRequestsOnOneKeptAliveConnection) {
  TestServer server;
  auto body = sliced_body(1000);  // far more slices than one writev takes
  PartsRoute route(server, "/seg", {}, body.parts);
  TestClient client(server.port());
  for (int i = 0; i < 2; ++i) {
    auto response = client.get("/seg");
    EXPECT_EQ(response.result_int(), 200);
    EXPECT_EQ(response[bhttp::field::content_length], std::to_string(body.whole.size()));
    EXPECT_TRUE(response.keep_alive()) << "request " << i;
    EXPECT_EQ(response.body(), body.text()) << "request " << i;
  }
  auto peers = route.peers();
  ASSERT_EQ(peers.size(), 2u);
  EXPECT_EQ(peers[0], peers[1]) << "the second request came on another connection";
}

TEST(HttpBodyParts, HeadGetsTheLengthAndNoBody) {
  TestServer server;
  auto body = sliced_body(40);
  PartsRoute route(server, "/seg", SharedBytes::copy("x"), body.parts);
  TestClient client(server.port());
  auto head = client.get("/seg", bhttp::verb::head);
  EXPECT_EQ(head.result_int(), 200);
  EXPECT_EQ(head[bhttp::field::content_length], std::to_string(1 + body.whole.size()));
  // Had any content followed the HEAD answer, this GET would read it as its
  // status line and fail.
  auto get = client.get("/seg");
  EXPECT_EQ(get.result_int(), 200);
  EXPECT_EQ(get.body(), "x" + body.text());
}

TEST(HttpBodyParts, NoContentStatusSendsNoBody) {
  TestServer server;
  auto route = server.router().add(
      "/empty", [](const HttpRequest&, std::shared_ptr<HttpResponder> responder) {
        HttpResponse response;
        response.status = 204;
        response.body_parts = {SharedBytes::copy("never sent")};
        responder->respond(std::move(response));
      });
  TestClient client(server.port());
  auto first = client.get("/empty");
  EXPECT_EQ(first.result_int(), 204);
  EXPECT_EQ(first.count(bhttp::field::content_length), 0u);
  EXPECT_EQ(client.get("/empty").result_int(), 204);  // the connection is still in step
}

TEST(HttpBodyParts, CurlAndBeastReadIdenticalBytesAndCurlReusesTheConnection) {
  TestServer server;
  auto body = sliced_body(2000);  // about 4 MB: many partial writes
  PartsRoute route(server, "/seg", {}, body.parts);
  auto beast = TestClient(server.port()).get("/seg").body();
  EXPECT_EQ(beast, body.text());

  TempDir dir("streamgate-http-parts");
  auto first = (dir.path() / "1.ts").string();
  auto second = (dir.path() / "2.ts").string();
  auto result = curl({"--http1.1", "-o", first, "-o", second, "-w",
                      "%{http_code} %{num_connects} %{size_download}\\n", server.url("/seg"),
                      server.url("/seg")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto size = std::to_string(body.whole.size());
  // num_connects 0 on the second transfer: curl reused the first connection.
  EXPECT_EQ(result.out, "200 1 " + size + "\n200 0 " + size + "\n");
  for (const auto& file : {first, second}) {
    EXPECT_TRUE(read_text(file) == beast) << file << " differs from what the Beast client read";
  }
}

}  // namespace
}  // namespace streamgate::test
