// The hls service behind the core's real HTTP server on loopback: a segment
// is a whole response with Content-Length (RFC 9110 §8.6), so a player
// fetches one after another on one kept-alive connection, and curl and a
// Beast client read exactly the units the bus carried.
#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>

#include "http/http_server.hpp"
#include "service_fixture.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace streamgate::hls {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using test::HlsServiceTest;

// The core's HttpServer on 127.0.0.1, port 0, with one worker thread.
class LoopbackHttp {
 public:
  LoopbackHttp() {
    HttpServerSettings settings;
    settings.listen = {ListenAddress{"127.0.0.1", 0}};
    server_ = std::make_unique<HttpServer>(
        std::vector<asio::io_context*>{&io_}, settings,
        std::make_shared<spdlog::logger>("http", std::make_shared<spdlog::sinks::null_sink_mt>()));
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~LoopbackHttp() {
    server_->stop();
    server_.reset();
    guard_.reset();
    io_.stop();
    thread_.join();
  }

  HttpRouter& router() { return server_->router(); }
  std::uint16_t port() const { return server_->bound_ports().at(0); }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port()) + path;
  }

 private:
  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> guard_ = asio::make_work_guard(io_);
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
};

std::string concat(const std::vector<SharedBytes>& units, std::size_t from, std::size_t count) {
  std::string out;
  for (std::size_t i = from; i < from + count; ++i)
    out.append(reinterpret_cast<const char*>(units[i].data()), units[i].size());
  return out;
}

TEST_F(HlsServiceTest, SegmentsOverTheRealServerComeWithContentLengthOnOneKeptAliveConnection) {
  LoopbackHttp http;
  host_.use_router(http.router());
  start();
  auto publisher = publish("cam");
  const auto sent = video(*publisher, 0, 5);  // cut at 2 s and 4 s: units 0..49 and 50..99
  const std::vector<std::string> expected{concat(sent, 0, 50), concat(sent, 50, 50)};

  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(10));
  stream.connect({asio::ip::make_address("127.0.0.1"), http.port()});
  beast::flat_buffer buffer;
  auto get = [&](const std::string& target, bhttp::verb method) {
    bhttp::request<bhttp::empty_body> request{method, target, 11};
    request.set(bhttp::field::host, "127.0.0.1");
    bhttp::write(stream, request);  // fails if the server closed after the last answer
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(16u << 20);
    parser.skip(method == bhttp::verb::head);
    bhttp::read(stream, buffer, parser);
    return parser.release();
  };
  bhttp::response<bhttp::string_body> playlist_reply = get("/live/cam.m3u8", bhttp::verb::get);
  ASSERT_EQ(playlist_reply.result_int(), 200);
  const auto playlist = test::parse(playlist_reply.body());
  ASSERT_EQ(playlist.uris.size(), 2u) << playlist_reply.body();
  const std::vector<std::string> targets{"/live/" + playlist.uris[0], "/live/" + playlist.uris[1]};

  for (std::size_t i = 0; i < 2; ++i) {
    auto head = get(targets[i], bhttp::verb::head);
    EXPECT_EQ(head[bhttp::field::content_length], std::to_string(expected[i].size()))
        << "HEAD " << targets[i];
    auto reply = get(targets[i], bhttp::verb::get);
    EXPECT_EQ(reply.result_int(), 200);
    EXPECT_EQ(reply[bhttp::field::content_type], "video/mp2t");
    EXPECT_EQ(reply[bhttp::field::cache_control], "public, max-age=86400, immutable");
    EXPECT_EQ(reply[bhttp::field::access_control_allow_origin], "*");
    EXPECT_EQ(reply[bhttp::field::content_length], std::to_string(expected[i].size()));
    EXPECT_FALSE(reply.chunked());
    EXPECT_TRUE(reply.keep_alive());
    EXPECT_TRUE(reply.body() == expected[i]) << targets[i] << " is not the units the bus carried";
  }

  streamgate::test::TempDir dir("streamgate-hls-http");
  const auto first = (dir.path() / "1.ts").string();
  const auto second = (dir.path() / "2.ts").string();
  const auto result = streamgate::test::run("curl",
                                            {"-sS", "--http1.1", "-o", first, "-o", second, "-w",
                                             "%{http_code} %{num_connects} %{size_download}\\n",
                                             http.url(targets[0]), http.url(targets[1])},
                                            std::chrono::seconds(20));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  // num_connects 0 on the second transfer: curl reused the connection.
  EXPECT_EQ(result.out, "200 1 " + std::to_string(expected[0].size()) + "\n200 0 " +
                            std::to_string(expected[1].size()) + "\n");
  EXPECT_TRUE(streamgate::test::read_text(first) == expected[0]);
  EXPECT_TRUE(streamgate::test::read_text(second) == expected[1]);
  service_->stop();
}

}  // namespace
}  // namespace streamgate::hls
