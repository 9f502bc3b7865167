// GET /api/streams against a real LocalBus, read with curl and Boost.JSON.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "bus/local_bus.hpp"
#include "test_client.hpp"
#include "test_server.hpp"

namespace streamgate::test {
namespace {

PacketPtr video_frame(std::size_t size, bool keyframe, MediaTime dts) {
  auto packet = std::make_shared<MediaPacket>();
  packet->kind = TrackKind::Video;
  packet->codec = Codec::H264;
  packet->keyframe = keyframe;
  packet->dts = packet->pts = dts;
  packet->payload = SharedBytes::copy(std::string(size, 'v'));
  return packet;
}

const boost::json::object* find_stream(const boost::json::array& streams, std::string_view key) {
  for (const auto& stream : streams) {
    if (stream.as_object().at("key").as_string() == key) return &stream.as_object();
  }
  return nullptr;
}

std::uint64_t number(const boost::json::object& object, std::string_view name) {
  return boost::json::value_to<std::uint64_t>(object.at(name));
}

class HttpStatusApi : public ::testing::Test {
 protected:
  boost::json::array get_streams() {
    auto result = curl({"-i", server.url("/api/streams")});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_TRUE(result.out.starts_with("HTTP/1.1 200 OK\r\n")) << result.out;
    EXPECT_NE(result.out.find("Content-Type: application/json\r\n"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("Access-Control-Allow-Origin: *\r\n"), std::string::npos) << result.out;
    auto body = result.out.substr(result.out.find("\r\n\r\n") + 4);
    EXPECT_EQ(body.find("secret"), std::string::npos) << "the publish query leaked: " << body;
    return boost::json::parse(body).as_array();
  }

  LocalBus bus{std::make_shared<spdlog::logger>("core.bus")};
  TestServer server;
};

TEST_F(HttpStatusApi, EmptyBusListsNothing) {
  server.server().register_status_routes(bus);
  EXPECT_TRUE(get_streams().empty());
}

TEST_F(HttpStatusApi, ListsPublishedAndAwaitedStreams) {
  server.server().register_status_routes(bus);
  const StreamKey cam{"live", "cam", ""};
  auto publisher = bus.publish(cam, PublishInfo{PublishMode::Live, "rtmp", "10.1.2.3:50000", "key=secret"});
  ASSERT_TRUE(publisher);
  publisher->push(video_frame(100, true, MediaTime{0}));
  publisher->push(video_frame(40, false, MediaTime{33'000}));
  publisher->push(video_frame(40, false, MediaTime{66'000}));
  auto viewer = bus.subscribe(cam, {}, [] {});
  auto early = bus.subscribe({"live", "later", ""}, {}, [] {});

  auto streams = get_streams();
  auto snapshot = bus.stream(cam);
  ASSERT_TRUE(snapshot);
  const auto* live = find_stream(streams, "live/cam");
  ASSERT_TRUE(live) << boost::json::serialize(streams);
  EXPECT_EQ(live->at("app").as_string(), "live");
  EXPECT_EQ(live->at("name").as_string(), "cam");
  EXPECT_EQ(live->at("variant").as_string(), "");
  EXPECT_TRUE(live->at("live").as_bool());
  EXPECT_EQ(number(*live, "subscribers"), 1u);
  EXPECT_EQ(number(*live, "generation"), 1u);
  EXPECT_EQ(number(*live, "packets_in"), 3u);
  EXPECT_EQ(number(*live, "bytes_in"), snapshot->bytes_in);
  EXPECT_GE(number(*live, "bytes_in"), 180u);  // at least the payloads pushed
  const auto& publisher_json = live->at("publisher").as_object();
  EXPECT_EQ(publisher_json.at("protocol").as_string(), "rtmp");
  EXPECT_EQ(publisher_json.at("peer").as_string(), "10.1.2.3:50000");
  EXPECT_EQ(publisher_json.at("mode").as_string(), "live");

  const auto* waiting = find_stream(streams, "live/later");
  ASSERT_TRUE(waiting) << boost::json::serialize(streams);
  EXPECT_FALSE(waiting->at("live").as_bool());
  EXPECT_EQ(number(*waiting, "subscribers"), 1u);
  EXPECT_TRUE(waiting->at("publisher").is_null());

  // Unpublished (the viewer keeps the entry): no longer live, no publisher;
  // the next publish counts up.
  publisher.reset();
  auto after = get_streams();
  const auto* ended = find_stream(after, "live/cam");
  ASSERT_TRUE(ended) << boost::json::serialize(after);
  EXPECT_FALSE(ended->at("live").as_bool());
  publisher = bus.publish(cam, PublishInfo{PublishMode::Live, "rtmp", "10.1.2.3:50001", ""});
  auto republished = get_streams();
  const auto* again = find_stream(republished, "live/cam");
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->at("live").as_bool());
  EXPECT_EQ(number(*again, "generation"), bus.stream(cam)->generation);
  EXPECT_EQ(again->at("publisher").as_object().at("peer").as_string(), "10.1.2.3:50001");
}

TEST_F(HttpStatusApi, HeadAndOtherMethods) {
  server.server().register_status_routes(bus);
  TestClient client(server.port());
  auto get = client.get("/api/streams");
  auto head = client.get("/api/streams", boost::beast::http::verb::head);
  EXPECT_EQ(head.result_int(), 200);
  EXPECT_EQ(head[boost::beast::http::field::content_length], std::to_string(get.body().size()));
  EXPECT_EQ(client.get("/api/streams", boost::beast::http::verb::post).result_int(), 405);
}

}  // namespace
}  // namespace streamgate::test
