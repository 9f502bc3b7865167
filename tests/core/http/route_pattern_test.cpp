// Route patterns: "{name}" matches one non-empty part of a path segment,
// with literal text allowed around it inside the segment.
#include "http/route_pattern.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace streamgate::http {
namespace {

RouteParams match(std::string_view pattern, std::string_view path) {
  RouteParams params;
  EXPECT_TRUE(RoutePattern::parse(pattern).match(path, params)) << pattern << " vs " << path;
  return params;
}

bool matches(std::string_view pattern, std::string_view path) {
  RouteParams params;
  return RoutePattern::parse(pattern).match(path, params);
}

TEST(RoutePattern, FillsParametersFromSegments) {
  auto params = match("/{app}/{stream}.m3u8", "/live/cam1.m3u8");
  EXPECT_EQ(params, (RouteParams{{"app", "live"}, {"stream", "cam1"}}));
  params = match("/{app}/{stream}/{segment}.ts", "/live/cam1/seg-42.ts");
  EXPECT_EQ(params, (RouteParams{{"app", "live"}, {"stream", "cam1"}, {"segment", "seg-42"}}));
  params = match("/hls/seg-{n}.ts", "/hls/seg-7.ts");
  EXPECT_EQ(params, (RouteParams{{"n", "7"}}));
}

TEST(RoutePattern, ParameterValueKeepsDotsAndSuffixMatchesAtTheEnd) {
  // The suffix is taken from the end, so a dot inside the value stays in it.
  EXPECT_EQ(match("/{app}/{stream}.ts", "/live/a.b.ts").at("stream"), "a.b");
  EXPECT_EQ(match("/{app}/{stream}.ts", "/live/....ts").at("stream"), "...");
}

TEST(RoutePattern, ParameterIsNeverDotOrDotDot) {
  // The segments "..ts" and "...ts" pass the path checks; the values would not.
  EXPECT_FALSE(matches("/{app}/{stream}.ts", "/live/..ts"));
  EXPECT_FALSE(matches("/{app}/{stream}.ts", "/live/...ts"));
  EXPECT_FALSE(matches("/x{dir}/a", "/x../a"));
}

TEST(RoutePattern, LiteralPatternsMatchExactly) {
  EXPECT_TRUE(matches("/api/streams", "/api/streams"));
  EXPECT_FALSE(matches("/api/streams", "/api/streams/"));
  EXPECT_FALSE(matches("/api/streams", "/api/stream"));
  EXPECT_FALSE(matches("/api/streams", "/API/streams"));
  EXPECT_TRUE(matches("/", "/"));
  EXPECT_FALSE(matches("/", "/a"));
}

TEST(RoutePattern, ParameterNeverSpansSegmentsOrMatchesEmpty) {
  EXPECT_FALSE(matches("/{app}/{stream}.m3u8", "/live/a/b.m3u8"));
  EXPECT_FALSE(matches("/{app}/{stream}.m3u8", "/live/.m3u8"));
  EXPECT_FALSE(matches("/{app}/{stream}.m3u8", "//cam.m3u8"));
  EXPECT_FALSE(matches("/{app}/{stream}.m3u8", "/live/cam.m3u8x"));
  EXPECT_FALSE(matches("/{app}/{stream}.m3u8", "/live/cam.ts"));
  EXPECT_FALSE(matches("/{app}/{stream}.m3u8", "live/cam.m3u8"));
  EXPECT_FALSE(matches("/{app}", ""));
  // Prefix and suffix may not overlap to make room for an empty value.
  EXPECT_FALSE(matches("/ab{x}ba", "/aba"));
  EXPECT_TRUE(matches("/ab{x}ba", "/abzba"));
}

TEST(RoutePattern, FailedMatchLeavesParamsUntouched) {
  RouteParams params{{"keep", "me"}};
  EXPECT_FALSE(RoutePattern::parse("/{app}/{stream}.ts").match("/live/x.m3u8", params));
  EXPECT_EQ(params, (RouteParams{{"keep", "me"}}));
}

TEST(RoutePattern, RefusesMalformedPatterns) {
  for (std::string_view bad : {"", "live", "/{app", "/{}", "/{a-b}", "/{a}{b}", "/{a}/{a}", "/a//b", "/a/", "//",
                               "/a}", "/x{a}y}", "/a?b", "/a#b", "/a\\b", "/..", "/.", "/{a}/../b"}) {
    EXPECT_THROW(RoutePattern::parse(bad), std::invalid_argument) << bad;
  }
  EXPECT_THROW(RoutePattern::parse("/" + std::string(2000, 'a')), std::invalid_argument);
}

TEST(RoutePattern, ErrorNamesThePatternAndTheProblem) {
  try {
    RoutePattern::parse("/{app}/{app}.ts");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("/{app}/{app}.ts"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("twice"), std::string::npos) << e.what();
  }
}

TEST(RoutePattern, ShapeIgnoresParameterNames) {
  EXPECT_EQ(RoutePattern::parse("/{app}/{stream}.ts").shape(), RoutePattern::parse("/{a}/{b}.ts").shape());
  EXPECT_NE(RoutePattern::parse("/{app}/{stream}.ts").shape(), RoutePattern::parse("/{a}/{b}.m3u8").shape());
  EXPECT_NE(RoutePattern::parse("/{app}/x{s}").shape(), RoutePattern::parse("/{app}/{s}x").shape());
}

TEST(RoutePattern, LiteralBeatsParameterAndMoreLiteralTextWins) {
  auto api = RoutePattern::parse("/api/streams");
  auto generic = RoutePattern::parse("/{app}/{stream}");
  auto with_suffix = RoutePattern::parse("/{app}/{stream}.ts");
  EXPECT_TRUE(api.more_specific_than(generic));
  EXPECT_FALSE(generic.more_specific_than(api));
  EXPECT_TRUE(with_suffix.more_specific_than(generic));
  EXPECT_FALSE(generic.more_specific_than(with_suffix));
  EXPECT_FALSE(generic.more_specific_than(generic));
}

}  // namespace
}  // namespace streamgate::http
