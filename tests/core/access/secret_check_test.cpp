// Keys and signed tokens as they arrive in a stream's query.
#include <gtest/gtest.h>

#include "access/secret_check.hpp"
#include "access/stream_token.hpp"

namespace streamgate::access {
namespace {

constexpr std::string_view kSecret = "0123456789abcdef-token-secret";
constexpr std::int64_t kNow = 1'700'000'000;

std::string token_query(std::string_view path, std::int64_t expires, std::string_view secret = kSecret) {
  return "expires=" + std::to_string(expires) + "&token=" + mint_token(secret, path, expires);
}

TEST(SecretCheck, NothingConfiguredNeedsNothing) {
  const SecretCheck none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.refusal("", "live/cam1", kNow), std::nullopt);
  EXPECT_EQ(none.refusal("key=whatever", "live/cam1", kNow), std::nullopt);
}

TEST(SecretCheck, KeyMustMatchOneOfTheConfiguredKeys) {
  const SecretCheck keys({"alpha-key", "beta-key"}, "");
  EXPECT_EQ(keys.refusal("key=alpha-key", "live/cam1", kNow), std::nullopt);
  EXPECT_EQ(keys.refusal("key=beta-key", "live/cam1", kNow), std::nullopt);
  EXPECT_EQ(keys.refusal("other=1&key=beta-key&x=y", "live/cam1", kNow), std::nullopt);
  EXPECT_EQ(keys.refusal("key=alpha-ke", "live/cam1", kNow), "wrong key");
  EXPECT_EQ(keys.refusal("key=alpha-keyy", "live/cam1", kNow), "wrong key");
  EXPECT_EQ(keys.refusal("key=ALPHA-KEY", "live/cam1", kNow), "wrong key");
  EXPECT_EQ(keys.refusal("key=", "live/cam1", kNow), "key missing");
  EXPECT_EQ(keys.refusal("", "live/cam1", kNow), "key missing");
  EXPECT_EQ(keys.refusal("Key=alpha-key", "live/cam1", kNow), "key missing");
}

TEST(SecretCheck, KeyIsPercentDecodedLikeAnyQueryValue) {
  const SecretCheck keys({"a.b~c_d-e"}, "");
  EXPECT_EQ(keys.refusal("key=a%2Eb%7Ec_d-e", "live/cam1", kNow), std::nullopt);
}

TEST(SecretCheck, RefusalNeverEchoesWhatWasSent) {
  const SecretCheck both({"alpha-key"}, std::string(kSecret));
  for (const std::string& query : std::vector<std::string>{"key=sent-secret-value",
                                                          "token=sent-secret-value&expires=1",
                                                          "token=" + std::string(64, 'a') + "&expires=1"}) {
    const auto why = both.refusal(query, "live/cam1", kNow);
    ASSERT_TRUE(why) << query;
    EXPECT_EQ(why->find("sent-secret-value"), std::string::npos) << *why;
    EXPECT_EQ(why->find(std::string(64, 'a')), std::string::npos) << *why;
    EXPECT_EQ(why->find(kSecret), std::string::npos) << *why;
  }
}

TEST(SecretCheck, TokenValidExpiredTamperedWrongPath) {
  const SecretCheck tokens({}, std::string(kSecret));
  EXPECT_EQ(tokens.refusal(token_query("live/cam1", kNow + 60), "live/cam1", kNow), std::nullopt);
  EXPECT_EQ(tokens.refusal(token_query("live/cam1", kNow), "live/cam1", kNow), "token expired");
  EXPECT_EQ(tokens.refusal(token_query("live/cam1", kNow - 1), "live/cam1", kNow), "token expired");
  EXPECT_EQ(tokens.refusal(token_query("live/cam2", kNow + 60), "live/cam1", kNow), "token invalid");
  EXPECT_EQ(tokens.refusal(token_query("live/cam1", kNow + 60, "some other secret!!"), "live/cam1", kNow),
            "token invalid");
  auto tampered = token_query("live/cam1", kNow + 60);
  tampered.back() = tampered.back() == 'f' ? 'e' : 'f';
  EXPECT_EQ(tokens.refusal(tampered, "live/cam1", kNow), "token invalid");
  EXPECT_EQ(tokens.refusal("token=abc&expires=1", "live/cam1", kNow),
            "token malformed (expected 64 hex digits)");
  EXPECT_EQ(tokens.refusal("token=" + mint_token(kSecret, "live/cam1", kNow + 60), "live/cam1", kNow),
            "token expiry missing or malformed (expected a Unix time)");
  EXPECT_EQ(tokens.refusal("", "live/cam1", kNow), "token missing");
  // A key is not looked at when only tokens are configured.
  EXPECT_EQ(tokens.refusal("key=anything", "live/cam1", kNow), "token missing");
}

TEST(SecretCheck, EitherKeyOrTokenWhenBothAreConfigured) {
  const SecretCheck both({"alpha-key"}, std::string(kSecret));
  EXPECT_EQ(both.refusal("key=alpha-key", "live/cam1", kNow), std::nullopt);
  EXPECT_EQ(both.refusal(token_query("live/cam1", kNow + 60), "live/cam1", kNow), std::nullopt);
  // A right key wins over a bad token, and a good token over a wrong key.
  EXPECT_EQ(both.refusal("key=alpha-key&" + token_query("live/cam1", kNow - 5), "live/cam1", kNow),
            std::nullopt);
  EXPECT_EQ(both.refusal("key=nope&" + token_query("live/cam1", kNow + 5), "live/cam1", kNow), std::nullopt);
  EXPECT_EQ(both.refusal("key=nope", "live/cam1", kNow), "wrong key");
  EXPECT_EQ(both.refusal("key=nope&" + token_query("live/cam1", kNow - 5), "live/cam1", kNow), "token expired");
  EXPECT_EQ(both.refusal("", "live/cam1", kNow), "key or token missing");
}

}  // namespace
}  // namespace streamgate::access
