// Playlists and segments go through access control like every other play
// (docs/security.md): a refusal is a 403 with the reason, and a query the
// playlist request carried (a play token) follows every segment URI, since
// players resolve segment URIs against the playlist URL without its query.

#include "service_fixture.hpp"

namespace streamgate::hls::test {
namespace {

// Allows only requests whose query is exactly `wanted`.
TestAccess::Rule query_must_be(const std::string& wanted) {
  return [wanted](const AccessRequest& request) {
    return request.query == wanted ? AccessDecision{true, {}}
                                   : AccessDecision{false, "token missing"};
  };
}

TEST_F(HlsServiceTest, PlaylistAndSegmentRequestsAreCheckedAsPlays) {
  start();
  auto publisher = publish("cam");
  video(*publisher, 0, 3);
  const auto parsed = playlist();
  ASSERT_EQ(parsed.uris.size(), 1u);
  EXPECT_EQ(get("/live/" + parsed.uris[0]).status, 200);

  const auto asked = host_.access_control.asked();
  ASSERT_EQ(asked.size(), 2u);
  for (const auto& request : asked) {
    EXPECT_EQ(request.action, AccessAction::Play);
    EXPECT_EQ(request.key.app, "live");
    EXPECT_EQ(request.key.name, "cam");
    EXPECT_EQ(request.key.variant, "") << "the rules are the stream's, not the mpegts variant's";
    EXPECT_EQ(request.protocol, "http");
    EXPECT_EQ(request.peer, "127.0.0.1:50000");
  }
}

TEST_F(HlsServiceTest, RefusedRequestsGet403WithTheReasonAndALogLine) {
  start();
  auto publisher = publish("cam");
  video(*publisher, 0, 3);
  const auto sequence = playlist().media_sequence;
  host_.access_control.rule = query_must_be("token=good");

  const auto refused = get("/live/cam.m3u8");
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.body.find("token missing"), std::string::npos) << refused.body;
  EXPECT_EQ(get("/live/cam/" + std::to_string(sequence) + ".ts").status, 403);
  EXPECT_NE(
      host_.log().find("hls: http client 127.0.0.1:50000 refused for live/cam: token missing"),
      std::string::npos)
      << host_.log();
  EXPECT_EQ(get("/live/cam.m3u8?token=good").status, 200);
  EXPECT_EQ(get("/live/cam/" + std::to_string(sequence) + ".ts?token=good").status, 200);
}

TEST_F(HlsServiceTest, ThePlaylistsQueryFollowsEverySegmentUri) {
  start();
  auto publisher = publish("cam");
  video(*publisher, 0, 5);
  const std::string query = "expires=1900000000&token=0123abcd";
  host_.access_control.rule = query_must_be(query);

  const auto parsed = playlist("/live/cam.m3u8?" + query);
  ASSERT_EQ(parsed.uris.size(), 2u);
  for (const auto& uri : parsed.uris) {
    EXPECT_EQ(uri, "cam/" + std::to_string(sequence_of(uri)) + ".ts?" + query);
    // What a player requests next, resolved against /live/cam.m3u8?...
    EXPECT_EQ(get("/live/" + uri).status, 200) << uri;
  }
  // Without a query the playlist is the shared one, URIs bare.
  host_.access_control.rule = nullptr;
  for (const auto& uri : playlist().uris) EXPECT_EQ(uri.find('?'), std::string::npos) << uri;
}

TEST_F(HlsServiceTest, AQueryCannotBreakAPlaylistLine) {
  start();
  auto publisher = publish("cam");
  video(*publisher, 0, 3);
  // What the core's parser would not let through, should it ever: every
  // byte outside RFC 3986's query characters is percent-encoded.
  const auto parsed = playlist("/live/cam.m3u8?a=1\n#EXT-X-ENDLIST\n\"<x> %41");
  ASSERT_EQ(parsed.uris.size(), 1u);
  EXPECT_FALSE(parsed.endlist);
  const auto uri = parsed.uris[0];
  EXPECT_EQ(uri.substr(uri.find('?')), "?a=1%0A%23EXT-X-ENDLIST%0A%22%3Cx%3E%20%41");
}

TEST_F(HlsServiceTest, BadNamesAreNotFoundWithoutAskingAccessControl) {
  start();
  EXPECT_EQ(get("/live/..m3u8").status, 404);
  EXPECT_EQ(get(std::string("/live/a\x01").append("b.m3u8")).status, 404);
  EXPECT_EQ(get("/live/" + std::string(200, 'x') + ".m3u8").status, 404);
  EXPECT_TRUE(host_.access_control.asked().empty());
}

TEST_F(HlsServiceTest, ALateDecisionAnswersThenAndStopDoesNotWaitForever) {
  start();
  auto publisher = publish("cam");
  video(*publisher, 0, 3);
  host_.access_control.hold = true;  // an on-play callback that has not answered yet
  host_.executor.run();
  auto pending = host_.router.get_shared("/live/cam.m3u8");
  EXPECT_EQ(pending->status, 0) << "no answer before the decision";
  host_.access_control.release();
  EXPECT_EQ(pending->status, 200);
  EXPECT_FALSE(parse(pending->body).uris.empty());

  // Still due when the service stops: answered 503 once it comes, and the
  // service is not touched (it is gone by then).
  auto late = host_.router.get_shared("/live/cam.m3u8");
  const auto start_stop = std::chrono::steady_clock::now();
  service_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start_stop, std::chrono::seconds(5));
  EXPECT_NE(host_.log().find("stop goes on with 1 access decisions still due"), std::string::npos);
  service_.reset();
  host_.access_control.release();
  EXPECT_EQ(late->status, 503);
}

}  // namespace
}  // namespace streamgate::hls::test
