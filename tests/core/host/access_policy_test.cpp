// With no rules configured, a request is allowed exactly when its app is
// declared.
#include <gtest/gtest.h>

#include <spdlog/logger.h>

#include "access/access_policy.hpp"
#include "host/log_capture.hpp"

namespace streamgate {
namespace {

AccessRequest request(AccessAction action, std::string app) {
  return {action, StreamKey{std::move(app), "cam1", ""}, "key=abc", "10.0.0.7:50000", "rtmp"};
}

TEST(AccessPolicy, DeclaredAppsAreAllowedOthersRefused) {
  auto capture = std::make_shared<test::LogCapture>();
  AccessPolicy policy({{"live", nullptr}, {"vod", nullptr}},
                      std::make_shared<spdlog::logger>("core.access", capture));
  std::vector<AccessDecision> decisions;
  auto record = [&](AccessDecision decision) { decisions.push_back(std::move(decision)); };
  policy.check(request(AccessAction::Publish, "live"), record);
  policy.check(request(AccessAction::Play, "vod"), record);
  policy.check(request(AccessAction::Publish, "other"), record);
  policy.check(request(AccessAction::Invalid, "live"), record);
  ASSERT_EQ(decisions.size(), 4u);  // all answered before check() returned
  EXPECT_TRUE(decisions[0].allowed);
  EXPECT_TRUE(decisions[1].allowed);
  EXPECT_FALSE(decisions[2].allowed);
  EXPECT_EQ(decisions[2].reason, "app \"other\" is not served here");
  EXPECT_FALSE(decisions[3].allowed);
  EXPECT_TRUE(capture->contains(
      "access: publish of other/cam1 by 10.0.0.7:50000 over rtmp refused: app \"other\" is not served here"));
}

TEST(AccessPolicy, NoAppsMeansNothingIsServed) {
  AccessPolicy policy({}, nullptr);
  EXPECT_FALSE(policy.decide(request(AccessAction::Play, "live")).allowed);
}

}  // namespace
}  // namespace streamgate
