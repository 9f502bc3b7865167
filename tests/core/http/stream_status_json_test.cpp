// The JSON of GET /api/streams, read back with Boost.JSON as a client would.
#include "http/stream_status_json.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace streamgate::http {
namespace {

TEST(StreamStatusJson, EmptyBusGivesEmptyArray) { EXPECT_EQ(streams_to_json({}), "[]"); }

TEST(StreamStatusJson, CarriesEveryField) {
  StreamStatus live;
  live.key = {"live", "cam \"1\"", "mpegts"};
  live.live = true;
  live.subscribers = 3;
  live.generation = 2;
  live.packets_in = 1234;
  live.bytes_in = 5'000'000'000ull;  // past 32 bits
  live.info = std::make_shared<PublishInfo>(PublishInfo{PublishMode::Live, "rtmp", "10.0.0.2:50000", "k=1"});
  StreamStatus waiting;
  waiting.key = {"live", "later", ""};
  waiting.subscribers = 1;

  auto parsed = boost::json::parse(streams_to_json({live, waiting}));
  const auto& streams = parsed.as_array();
  ASSERT_EQ(streams.size(), 2u);
  const auto& first = streams[0].as_object();
  EXPECT_EQ(first.at("key").as_string(), "live/cam \"1\"#mpegts");
  EXPECT_EQ(first.at("app").as_string(), "live");
  EXPECT_EQ(first.at("name").as_string(), "cam \"1\"");
  EXPECT_EQ(first.at("variant").as_string(), "mpegts");
  EXPECT_EQ(first.at("live").as_bool(), true);
  EXPECT_EQ(boost::json::value_to<std::uint64_t>(first.at("subscribers")), 3u);
  EXPECT_EQ(boost::json::value_to<std::uint64_t>(first.at("generation")), 2u);
  EXPECT_EQ(boost::json::value_to<std::uint64_t>(first.at("packets_in")), 1234u);
  EXPECT_EQ(boost::json::value_to<std::uint64_t>(first.at("bytes_in")), 5'000'000'000ull);
  const auto& publisher = first.at("publisher").as_object();
  EXPECT_EQ(publisher.at("protocol").as_string(), "rtmp");
  EXPECT_EQ(publisher.at("peer").as_string(), "10.0.0.2:50000");
  EXPECT_EQ(publisher.at("mode").as_string(), "live");
  EXPECT_FALSE(publisher.contains("query")) << "the publish query may hold a secret";

  const auto& second = streams[1].as_object();
  EXPECT_EQ(second.at("key").as_string(), "live/later");
  EXPECT_EQ(second.at("live").as_bool(), false);
  EXPECT_TRUE(second.at("publisher").is_null());
}

}  // namespace
}  // namespace streamgate::http
