// The request-target parser: RFC 9112 §3.2 forms, RFC 3986 §2.1 percent-
// decoding, and the path checks that keep traversal attempts from handlers.
#include "http/request_target.hpp"

#include <gtest/gtest.h>

#include <string>

namespace streamgate::http {
namespace {

RequestTarget parse_ok(std::string_view target) {
  auto parsed = parse_request_target(target);
  EXPECT_TRUE(parsed.ok()) << target << ": " << parsed.error;
  EXPECT_EQ(parsed.consumed, target.size());
  return parsed.value;
}

TEST(RequestTarget, OriginFormSplitsPathAndRawQuery) {
  auto target = parse_ok("/live/cam.m3u8?token=a%20b&x=1");
  EXPECT_EQ(target.path, "/live/cam.m3u8");
  EXPECT_EQ(target.query, "token=a%20b&x=1");  // the query stays raw
}

TEST(RequestTarget, PathIsPercentDecoded) {
  EXPECT_EQ(parse_ok("/a%20b/caf%C3%A9").path, "/a b/caf\xC3\xA9");
  // '+' is only a space in form-encoded queries, not in a path.
  EXPECT_EQ(parse_ok("/a+b").path, "/a+b");
  // An encoded '/' becomes a segment separator once decoded.
  EXPECT_EQ(parse_ok("/a%2Fb").path, "/a/b");
}

TEST(RequestTarget, AbsoluteFormKeepsPathAndQuery) {
  auto target = parse_ok("http://example.com:8080/live/x.ts?y=1");
  EXPECT_EQ(target.path, "/live/x.ts");
  EXPECT_EQ(target.query, "y=1");
  EXPECT_EQ(parse_ok("HTTP://example.com").path, "/");
  auto no_path = parse_ok("https://example.com?k=v");
  EXPECT_EQ(no_path.path, "/");
  EXPECT_EQ(no_path.query, "k=v");
}

TEST(RequestTarget, DotsInsideNamesAreFine) {
  EXPECT_EQ(parse_ok("/a/..b/c..").path, "/a/..b/c..");
  EXPECT_EQ(parse_ok("/.hidden").path, "/.hidden");
}

TEST(RequestTarget, RefusesTraversalNulAndBackslash) {
  for (std::string_view bad : {"/..", "/a/../b", "/a/%2e%2e/b", "/a/%2E%2E", "/a/.%2e/b", "/a%2F..%2Fb", "/./a",
                               "/a/.", "/a%00b", "/a%5cb", "/a%5Cb", "/a\\b"}) {
    auto parsed = parse_request_target(bad);
    EXPECT_TRUE(parsed.invalid()) << bad;
    EXPECT_FALSE(parsed.error.empty()) << bad;
  }
}

TEST(RequestTarget, RefusesMalformedTargets) {
  for (std::string_view bad : {"", "*", "live/x", "?x=1", "/a%", "/a%2", "/a%zz", "/a%g0", "/a b", "/a#frag",
                               "/a\tb", "/a\x7f", "ftp://host/a"}) {
    EXPECT_TRUE(parse_request_target(bad).invalid()) << bad;
  }
}

TEST(RequestTarget, RefusesOverlongTargets) {
  std::string longest = "/" + std::string(kMaxTargetLength - 1, 'a');
  EXPECT_TRUE(parse_request_target(longest).ok());
  EXPECT_TRUE(parse_request_target(longest + "a").invalid());
}

// Every prefix and every single-byte change of a target either parses to a
// path a handler may see or is refused with a reason; nothing in between.
TEST(RequestTarget, MutationsNeverYieldAnUnsafePath) {
  const std::string base = "/live/%2e%2Fcam%20x.m3u8?token=%41";
  auto check = [](const std::string& target) {
    auto parsed = parse_request_target(target);
    if (parsed.invalid()) {
      EXPECT_FALSE(parsed.error.empty()) << target;
      return;
    }
    const auto& path = parsed.value.path;
    ASSERT_FALSE(path.empty()) << target;
    EXPECT_EQ(path.front(), '/') << target;
    EXPECT_EQ(path.find('\0'), std::string::npos) << target;
    EXPECT_EQ(path.find('\\'), std::string::npos) << target;
    EXPECT_EQ((path + "/").find("/../"), std::string::npos) << target;
    EXPECT_EQ((path + "/").find("/./"), std::string::npos) << target;
  };
  for (std::size_t cut = 0; cut <= base.size(); ++cut) check(base.substr(0, cut));
  for (std::size_t at = 0; at < base.size(); ++at) {
    for (char replacement : {'.', '%', '/', '\\', '\0', '?', 'e', '2'}) {
      auto mutated = base;
      mutated[at] = replacement;
      check(mutated);
    }
  }
}

TEST(PercentDecode, DecodesAndRefusesBadEscapes) {
  EXPECT_EQ(percent_decode("%41%6a%2B", false), "Aj+");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("", false), "");
  EXPECT_FALSE(percent_decode("%", false));
  EXPECT_FALSE(percent_decode("%4", false));
  EXPECT_FALSE(percent_decode("ab%4", false));
  EXPECT_FALSE(percent_decode("%x1", false));
}

}  // namespace
}  // namespace streamgate::http
