// AccessPolicy decisions without callbacks: address lists, keys and tokens
// per app and per action, answered before check() returns, and log lines
// that name the request but never its secret.
#include <gtest/gtest.h>

#include "access/stream_token.hpp"
#include "policy_fixture.hpp"

namespace streamgate {
namespace {

using test::kNowUnix;
using test::play;
using test::publish;

constexpr const char* kApps = R"(
  <app name="live">
    <publish allow="127.0.0.0/8, ::1, 10.0.0.0/8" deny="10.66.0.0/16" keys="studio-key"
             token-secret="publish-secret-0123456789"/>
    <play deny="203.0.113.0/24" token-secret="play-secret-0123456789"/>
  </app>
  <app name="open"/>
)";

std::string token_query(const std::string& path, std::int64_t expires, const std::string& secret) {
  return "expires=" + std::to_string(expires) + "&token=" + access::mint_token(secret, path, expires);
}

TEST(AccessPolicyRules, RightKeyFromAnAllowedAddressPublishes) {
  test::PolicyFixture f(kApps);
  auto decision = f.check_now(publish("cam1", "key=studio-key"));
  ASSERT_TRUE(decision);
  EXPECT_TRUE(decision->allowed);
  EXPECT_TRUE(decision->reason.empty());
  decision = f.check_now(publish("cam1", "key=studio-key", "[::1]:5000"));
  ASSERT_TRUE(decision);
  EXPECT_TRUE(decision->allowed);
  // A dual-stack listener's view of an IPv4 client.
  decision = f.check_now(publish("cam1", "key=studio-key", "[::ffff:10.1.2.3]:5000"));
  ASSERT_TRUE(decision);
  EXPECT_TRUE(decision->allowed);
}

TEST(AccessPolicyRules, DeniedOrUnlistedAddressIsRefusedBeforeTheKeyIsLookedAt) {
  test::PolicyFixture f(kApps);
  auto decision = f.check_now(publish("cam1", "key=studio-key", "10.66.1.1:5000"));
  ASSERT_TRUE(decision);
  EXPECT_FALSE(decision->allowed);
  EXPECT_EQ(decision->reason, "address 10.66.1.1 may not publish");
  decision = f.check_now(publish("cam1", "key=studio-key", "192.0.2.1:5000"));
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->reason, "address 192.0.2.1 may not publish");
  decision = f.check_now(publish("cam1", "key=studio-key", "not-an-address"));
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->reason, "client address unknown");
}

TEST(AccessPolicyRules, WrongKeyIsRefusedAndNotLogged) {
  test::PolicyFixture f(kApps);
  auto decision = f.check_now(publish("cam1", "key=guessed-key", "127.0.0.1:40001"));
  ASSERT_TRUE(decision);
  EXPECT_FALSE(decision->allowed);
  EXPECT_EQ(decision->reason, "wrong key");
  EXPECT_TRUE(f.log().contains("access: publish of live/cam1 by 127.0.0.1:40001 over rtmp refused: wrong key"));
  for (const auto& line : f.log().lines()) {
    EXPECT_EQ(line.find("guessed-key"), std::string::npos) << line;
    EXPECT_EQ(line.find("studio-key"), std::string::npos) << line;
  }
}

TEST(AccessPolicyRules, TokensForPublishAndPlayUseTheirOwnSecrets) {
  test::PolicyFixture f(kApps);
  const auto future = kNowUnix + 600;
  auto decision = f.check_now(publish("cam1", token_query("live/cam1", future, "publish-secret-0123456789")));
  ASSERT_TRUE(decision);
  EXPECT_TRUE(decision->allowed) << decision->reason;
  decision = f.check_now(play("cam1", token_query("live/cam1", future, "play-secret-0123456789")));
  ASSERT_TRUE(decision);
  EXPECT_TRUE(decision->allowed) << decision->reason;
  // A viewer's token does not publish.
  decision = f.check_now(publish("cam1", token_query("live/cam1", future, "play-secret-0123456789")));
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->reason, "token invalid");
  // Expired one second ago; signed for another stream.
  decision = f.check_now(play("cam1", token_query("live/cam1", kNowUnix - 1, "play-secret-0123456789")));
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->reason, "token expired");
  decision = f.check_now(play("cam2", token_query("live/cam1", future, "play-secret-0123456789")));
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->reason, "token invalid");
  decision = f.check_now(play("cam1", ""));
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->reason, "token missing");
}

TEST(AccessPolicyRules, PlayRulesAreSeparateFromPublishRules) {
  test::PolicyFixture f(kApps);
  const auto token = token_query("live/cam1", kNowUnix + 60, "play-secret-0123456789");
  // 192.0.2.1 may not publish (not in allow) but may play (play has no allow list).
  auto decision = f.check_now(play("cam1", token, "192.0.2.1:1"));
  ASSERT_TRUE(decision);
  EXPECT_TRUE(decision->allowed) << decision->reason;
  decision = f.check_now(play("cam1", token, "203.0.113.9:1"));
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->reason, "address 203.0.113.9 may not play");
}

TEST(AccessPolicyRules, AppsWithoutRulesAllowAndUnknownAppsAreRefused) {
  test::PolicyFixture f(kApps);
  auto decision = f.check_now(publish("cam1", "", "198.51.100.1:1", "open"));
  ASSERT_TRUE(decision);
  EXPECT_TRUE(decision->allowed);
  decision = f.check_now(publish("cam1", "key=studio-key", "127.0.0.1:1", "other"));
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->reason, "app \"other\" is not served here");
}

TEST(AccessPolicyRules, CallbacksNeedWorkers) {
  EXPECT_THROW(test::PolicyFixture(R"(<app name="live" on-play="http://127.0.0.1:1/"/>)"),
               std::invalid_argument);
}

}  // namespace
}  // namespace streamgate
