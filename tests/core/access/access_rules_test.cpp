// The access settings of <app>: every one read into AppAccess, and every
// mistake refused at start-up with file:line and a reason that never repeats
// a key or secret.
#include <gtest/gtest.h>

#include <boost/asio/ip/address.hpp>

#include "config/config_document.hpp"
#include "config/gateway_config.hpp"

namespace streamgate::access {
namespace {

using boost::asio::ip::make_address;

config::GatewayConfig parse(const std::string& xml, std::optional<config::ConfigDocument>& document) {
  document.emplace(config::ConfigDocument::parse("access.xml", xml));
  return config::parse_gateway_config(document->root());
}

// ConfigError::what() for `xml`, or "" when it parsed.
std::string error_of(const std::string& xml) {
  try {
    std::optional<config::ConfigDocument> document;
    parse(xml, document);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

// `<app>` with `attributes`, and `inner` inside it, starting on line 2.
std::string app(const std::string& attributes, const std::string& inner = "") {
  return "<streamgate>\n<app name=\"live\" " + attributes + ">\n" + inner + "</app>\n</streamgate>\n";
}

TEST(AccessRules, NoSettingsMeansNoRules) {
  std::optional<config::ConfigDocument> document;
  const auto config = parse("<streamgate><app name=\"live\"/></streamgate>", document);
  const auto& access = config.apps.at(0).access;
  EXPECT_TRUE(access.publish.addresses.empty());
  EXPECT_TRUE(access.publish.secret.empty());
  EXPECT_FALSE(access.publish.callback);
  EXPECT_TRUE(access.play.addresses.empty());
  EXPECT_TRUE(access.play.secret.empty());
  EXPECT_FALSE(access.play.callback);
  EXPECT_FALSE(access.on_publish_done);
  EXPECT_EQ(access.callback_timeout, std::chrono::milliseconds{3000});
  EXPECT_FALSE(access.uses_callbacks());
}

TEST(AccessRules, EverySettingIsRead) {
  const std::string xml = app(
      "on-publish=\"http://127.0.0.1:8000/pub\" on-play=\"http://127.0.0.1:8000/play\"\n"
      "  on-publish-done=\"http://[::1]:8001/done\" callback-timeout=\"750ms\"",
      "  <publish allow=\"127.0.0.1, 10.0.0.0/8 ::1\" deny=\"10.9.0.0/16\" keys=\"k1,k2\"\n"
      "           token-secret=\"0123456789abcdef\"/>\n"
      "  <play>\n"
      "    <allow>192.0.2.0/24</allow>\n"
      "    <deny>192.0.2.128/25</deny>\n"
      "    <token-secret>another-secret-of-length</token-secret>\n"
      "  </play>\n");
  std::optional<config::ConfigDocument> document;
  const auto config = parse(xml, document);  // also: nothing was left unread
  const auto& access = config.apps.at(0).access;
  ASSERT_EQ(access.publish.addresses.allow().size(), 3u);
  EXPECT_EQ(access.publish.addresses.allow()[1].str(), "10.0.0.0/8");
  ASSERT_EQ(access.publish.addresses.deny().size(), 1u);
  EXPECT_EQ(access.publish.addresses.deny()[0].str(), "10.9.0.0/16");
  EXPECT_EQ(access.publish.secret.refusal("key=k2", "live/x", 0), std::nullopt);
  EXPECT_EQ(access.publish.secret.token_secret(), "0123456789abcdef");
  EXPECT_TRUE(access.play.addresses.allows(make_address("192.0.2.1")));
  EXPECT_FALSE(access.play.addresses.allows(make_address("192.0.2.200")));
  EXPECT_EQ(access.play.secret.token_secret(), "another-secret-of-length");
  ASSERT_TRUE(access.publish.callback);
  EXPECT_EQ(access.publish.callback->str(), "http://127.0.0.1:8000/pub");
  ASSERT_TRUE(access.play.callback);
  EXPECT_EQ(access.play.callback->target, "/play");
  ASSERT_TRUE(access.on_publish_done);
  EXPECT_EQ(access.on_publish_done->host, "::1");
  EXPECT_EQ(access.callback_timeout, std::chrono::milliseconds{750});
  EXPECT_TRUE(access.uses_callbacks());
}

TEST(AccessRules, BadCidrNamesFileLineAndEntry) {
  EXPECT_EQ(error_of(app("", "  <publish allow=\"127.0.0.1, 10.0.0.0/33\"/>\n")),
            "access.xml:3: allow in <publish> in <app name=\"live\">: \"10.0.0.0/33\" has a bad prefix "
            "length; expected /0 to /32");
  EXPECT_EQ(error_of(app("", "  <play>\n    <deny>10.1.2.3/8</deny>\n  </play>\n")),
            "access.xml:4: deny in <play> in <app name=\"live\">: \"10.1.2.3/8\" has host bits set; did "
            "you mean \"10.0.0.0/8\"?");
  EXPECT_NE(error_of(app("", "  <publish deny=\"localhost\"/>\n"))
                .find("access.xml:3: deny in <publish> in <app name=\"live\">: \"localhost\" is not an IP "
                      "address or network"),
            std::string::npos);
}

TEST(AccessRules, BadUrlNamesFileLineAndSetting) {
  EXPECT_EQ(error_of(app("on-publish=\"https://auth/x\"")),
            "access.xml:2: on-publish in <app name=\"live\">: \"https://auth/x\" is not an http:// URL "
            "(https and other schemes are not supported)");
  EXPECT_NE(error_of(app("", "  <on-play>not a url</on-play>\n"))
                .find("access.xml:3: on-play in <app name=\"live\">: \"not a url\" is not an absolute URL"),
            std::string::npos);
  EXPECT_NE(error_of(app("on-publish-done=\"http://u:p@h/\"")).find("access.xml:2: on-publish-done"),
            std::string::npos);
}

TEST(AccessRules, BadTimeoutNamesFileLine) {
  EXPECT_NE(error_of(app("callback-timeout=\"soon\"")).find("access.xml:2: callback-timeout in <app "
                                                            "name=\"live\">: \"soon\" is not a duration"),
            std::string::npos);
  EXPECT_NE(error_of(app("callback-timeout=\"10ms\"")).find("access.xml:2: callback-timeout in <app "
                                                            "name=\"live\">: \"10ms\" is out of range"),
            std::string::npos);
  EXPECT_NE(error_of(app("callback-timeout=\"2m\"")).find("is out of range; expected from 100ms to 60000ms"),
            std::string::npos);
}

TEST(AccessRules, WeakOrOddSecretsAreRefusedWithoutBeingEchoed) {
  const auto short_secret = error_of(app("", "  <publish token-secret=\"tooshort\"/>\n"));
  EXPECT_NE(short_secret.find("access.xml:3: token-secret in <publish> in <app name=\"live\">: is shorter "
                              "than 16 characters"),
            std::string::npos)
      << short_secret;
  EXPECT_EQ(short_secret.find("tooshort"), std::string::npos);

  const auto bad_key = error_of(app("", "  <publish keys=\"good-key s3cr%t\"/>\n"));
  EXPECT_EQ(bad_key,
            "access.xml:3: keys in <publish> in <app name=\"live\">: key 2 of 2 holds characters other "
            "than A-Z a-z 0-9 - . _ ~");
  const auto long_key = error_of(app("", "  <publish keys=\"" + std::string(257, 'k') + "\"/>\n"));
  EXPECT_NE(long_key.find("key 1 of 1 is longer than 256 characters"), std::string::npos);
  EXPECT_EQ(long_key.find("kkkk"), std::string::npos);
  EXPECT_NE(error_of(app("", "  <publish keys=\" , \"/>\n")).find("keys in <publish> in <app name=\"live\">: is empty"),
            std::string::npos);
}

TEST(AccessRules, PlaySecretsMustDifferFromPublishSecrets) {
  const auto same_secret = error_of(app("",
                                        "  <publish token-secret=\"shared-secret-0123\"/>\n"
                                        "  <play token-secret=\"shared-secret-0123\"/>\n"));
  EXPECT_EQ(same_secret,
            "access.xml:4: token-secret in <play> in <app name=\"live\">: is the same as <publish>'s; a "
            "viewer's token would let them publish");
  const auto same_key = error_of(app("",
                                     "  <publish keys=\"a-key b-key\"/>\n"
                                     "  <play keys=\"c-key b-key\"/>\n"));
  EXPECT_EQ(same_key,
            "access.xml:4: keys in <play> in <app name=\"live\">: shares a key with <publish>; a viewer's "
            "key would let them publish");
  EXPECT_EQ(same_key.find("b-key"), std::string::npos);
}

TEST(AccessRules, RepeatedOrMisspelledElementsAreRefused) {
  EXPECT_EQ(error_of(app("", "  <publish keys=\"a\"/>\n  <publish keys=\"b\"/>\n")),
            "access.xml:4: <publish> in <app name=\"live\">: given more than once; at most one <publish> "
            "per app (the first is at line 3)");
  const auto typo = error_of(app("", "  <publish alow=\"127.0.0.1\"/>\n"));
  EXPECT_NE(typo.find("access.xml:3:"), std::string::npos) << typo;
  EXPECT_NE(typo.find("alow"), std::string::npos) << typo;
  const auto app_typo = error_of(app("on-pubish=\"http://h/\""));
  EXPECT_NE(app_typo.find("access.xml:2:"), std::string::npos) << app_typo;
  EXPECT_NE(app_typo.find("on-pubish"), std::string::npos) << app_typo;
}

}  // namespace
}  // namespace streamgate::access
