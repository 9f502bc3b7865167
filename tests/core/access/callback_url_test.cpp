// Callback URLs from the config, and the form body POSTed to them.
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

#include "access/callback_form.hpp"
#include "access/callback_url.hpp"
#include "form_decode.hpp"

namespace streamgate::access {
namespace {

std::string url_error(std::string_view text) {
  try {
    parse_callback_url(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(CallbackUrl, HostPortAndTarget) {
  auto url = parse_callback_url("http://127.0.0.1:8000/auth/on_publish?site=3&x=%20");
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, 8000);
  EXPECT_EQ(url.target, "/auth/on_publish?site=3&x=%20");
  EXPECT_EQ(url.str(), "http://127.0.0.1:8000/auth/on_publish");  // no query in logs
}

TEST(CallbackUrl, DefaultsAndIpv6) {
  auto plain = parse_callback_url("http://auth.example.com");
  EXPECT_EQ(plain.host, "auth.example.com");
  EXPECT_EQ(plain.port, 80);
  EXPECT_EQ(plain.target, "/");
  auto v6 = parse_callback_url("http://[::1]:9000/hook");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 9000);
  EXPECT_EQ(v6.str(), "http://[::1]:9000/hook");
  auto query_only = parse_callback_url("HTTP://h?a=1");
  EXPECT_EQ(query_only.target, "/?a=1");
}

TEST(CallbackUrl, RefusedWithAReason) {
  EXPECT_NE(url_error("https://127.0.0.1/x").find("is not an http:// URL"), std::string::npos);
  EXPECT_NE(url_error("ftp://127.0.0.1/x").find("is not an http:// URL"), std::string::npos);
  EXPECT_NE(url_error("127.0.0.1:8000/x").find("is not an"), std::string::npos);
  EXPECT_NE(url_error("/on_publish").find("is not an absolute URL"), std::string::npos);
  EXPECT_NE(url_error("http:///path").find("has no host"), std::string::npos);
  EXPECT_NE(url_error("http://user:pw@host/x").find("user name or password"), std::string::npos);
  EXPECT_NE(url_error("http://host/x#frag").find("fragment"), std::string::npos);
  EXPECT_NE(url_error("http://host:0/x").find("bad port"), std::string::npos);
  EXPECT_NE(url_error("http://host:65536/x").find("bad port"), std::string::npos);
  EXPECT_NE(url_error("http://host:/x").find("bad port"), std::string::npos);
  EXPECT_NE(url_error("http://ho%0d%0ast/x").find("host name with characters"), std::string::npos);
  EXPECT_NE(url_error("http://host/a b").find("is not an absolute URL"), std::string::npos);
  EXPECT_NE(url_error("").find("is not an absolute URL"), std::string::npos);
}

TEST(CallbackForm, CarriesTheRequestFields) {
  AccessRequest request{AccessAction::Publish, StreamKey{"live", "cam 1+2", ""},
                        "key=a&b=c d", "[2001:db8::7]:50000", "rtmp"};
  const auto body = callback_body("publish", request);
  const auto fields = test::form_decode(body);
  EXPECT_EQ(fields, (std::map<std::string, std::string>{{"call", "publish"},
                                                        {"app", "live"},
                                                        {"name", "cam 1+2"},
                                                        {"addr", "2001:db8::7"},
                                                        {"port", "50000"},
                                                        {"protocol", "rtmp"},
                                                        {"query", "key=a&b=c d"}}));
  // Reserved characters are escaped (RFC 3986 §2.2), so the client's query
  // cannot add fields of its own.
  EXPECT_EQ(body.find("&b="), std::string::npos);
  EXPECT_NE(body.find("query=key%3Da%26b%3Dc%20d"), std::string::npos);
  EXPECT_NE(body.find("name=cam%201%2B2"), std::string::npos);
}

TEST(CallbackForm, Ipv4PeerAndUnknownPeer) {
  AccessRequest request{AccessAction::Play, StreamKey{"live", "cam1", ""}, "", "10.0.0.7:1234", "http"};
  auto fields = test::form_decode(callback_body("play", request));
  EXPECT_EQ(fields["addr"], "10.0.0.7");
  EXPECT_EQ(fields["port"], "1234");
  EXPECT_EQ(fields["call"], "play");
  request.peer = "?";
  fields = test::form_decode(callback_body("play", request));
  EXPECT_EQ(fields["addr"], "");
  EXPECT_EQ(fields["port"], "");
}

}  // namespace
}  // namespace streamgate::access
