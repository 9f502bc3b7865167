// Name checks for app and stream names that come from the network
// (names.hpp), and the path helpers that keep them inside output folders.

#include "streamgate/names.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace streamgate {
namespace {

using namespace std::string_literals;
using std::filesystem::path;

TEST(NameProblem, AcceptsOrdinaryNames) {
  for (const std::string name : {"cam", "live_1", "a.b-c", "...", "stream key", "Kamera-Süd",
                                 "\xE6\x97\xA5\xE6\x9C\xAC",  // 日本 (U+65E5 U+672C)
                                 "\xF0\x9F\x8E\xA5"})         // U+1F3A5, a 4-byte sequence
    EXPECT_EQ(name_problem(name), std::nullopt) << name;
}

TEST(NameProblem, RefusesEmptyAndOverlongNames) {
  EXPECT_NE(name_problem(""), std::nullopt);
  EXPECT_EQ(name_problem(std::string(kMaxNameLength, 'a')), std::nullopt);
  EXPECT_NE(name_problem(std::string(kMaxNameLength + 1, 'a')), std::nullopt);
}

TEST(NameProblem, RefusesDotNames) {
  EXPECT_NE(name_problem("."), std::nullopt);
  EXPECT_NE(name_problem(".."), std::nullopt);
}

TEST(NameProblem, RefusesSeparators) {
  EXPECT_NE(name_problem("a/b"), std::nullopt);
  EXPECT_NE(name_problem("/"), std::nullopt);
  EXPECT_NE(name_problem("a\\b"), std::nullopt);
  EXPECT_NE(name_problem("../x"), std::nullopt);
}

TEST(NameProblem, RefusesControlCharacters) {
  EXPECT_NE(name_problem("a\0b"s), std::nullopt);  // NUL inside, not a terminator
  EXPECT_NE(name_problem("\0"s), std::nullopt);
  EXPECT_NE(name_problem("a\nb"), std::nullopt);
  EXPECT_NE(name_problem("a\x1b[31m"), std::nullopt);  // ESC: terminal escapes in logs
  EXPECT_NE(name_problem("a\x7f"), std::nullopt);      // DEL
  EXPECT_NE(name_problem("a\xC2\x85"), std::nullopt);  // U+0085 NEL, a C1 control
}

// RFC 3629 §3/§4: what is not well-formed UTF-8.
TEST(NameProblem, RefusesMalformedUtf8) {
  const char* const cases[] = {
      "\x80",                  // continuation byte without a lead byte
      "a\xC3",                 // truncated 2-byte sequence
      "\xE6\x97",              // truncated 3-byte sequence
      "\xC3\x28",              // lead byte followed by a non-continuation
      "\xC0\xAF",              // overlong '/'
      "\xE0\x80\xAF",          // overlong '/' in 3 bytes
      "\xED\xA0\x80",          // U+D800, a surrogate
      "\xF4\x90\x80\x80",      // U+110000, past the last code point
      "\xF8\x88\x80\x80\x80",  // 5-byte form, abolished
      "\xFF",
  };
  for (const char* name : cases) EXPECT_NE(name_problem(name), std::nullopt) << name;
}

TEST(NameProblem, SaysWhy) {
  EXPECT_NE(name_problem("a/b")->find('/'), std::string::npos);
  EXPECT_NE(name_problem("")->find("empty"), std::string::npos);
  EXPECT_NE(name_problem("\xFF")->find("UTF-8"), std::string::npos);
}

TEST(SplitQuery, SplitsAtTheFirstQuestionMark) {
  using Parts = std::pair<std::string_view, std::string_view>;
  EXPECT_EQ(split_query("cam?key=abc"), (Parts{"cam", "key=abc"}));
  EXPECT_EQ(split_query("cam"), (Parts{"cam", ""}));
  EXPECT_EQ(split_query("cam?"), (Parts{"cam", ""}));
  EXPECT_EQ(split_query("?key=abc"), (Parts{"", "key=abc"}));
  EXPECT_EQ(split_query("cam?a=1?b=2"), (Parts{"cam", "a=1?b=2"}));
}

TEST(SanitizePathComponent, KeepsSafeBytesAndReplacesTheRest) {
  EXPECT_EQ(sanitize_path_component("cam-1_b.flv"), "cam-1_b.flv");
  EXPECT_EQ(sanitize_path_component("a b/c\\d"), "a_b_c_d");
  EXPECT_EQ(sanitize_path_component("S\xC3\xBC"), "S__");  // each byte of ü
  EXPECT_EQ(sanitize_path_component("a\0b"s), "a_b");
}

TEST(SanitizePathComponent, NeverNamesAParentOrHiddenFile) {
  EXPECT_EQ(sanitize_path_component(".."), "_.");
  EXPECT_EQ(sanitize_path_component("."), "_");
  EXPECT_EQ(sanitize_path_component(".hidden"), "_hidden");
  EXPECT_EQ(sanitize_path_component(""), "_");
  EXPECT_EQ(sanitize_path_component("../../etc"), "_._.._etc");
}

TEST(PathInside, JoinsAndNormalises) {
  EXPECT_EQ(path_inside("/srv/media", "live/cam.flv"), path("/srv/media/live/cam.flv"));
  EXPECT_EQ(path_inside("/srv/media", "live/./x//cam.flv"), path("/srv/media/live/x/cam.flv"));
  EXPECT_EQ(path_inside("/srv/media/", "cam.flv"), path("/srv/media/cam.flv"));
  EXPECT_EQ(path_inside("out", "hls/cam.m3u8"), path("out/hls/cam.m3u8"));
}

TEST(PathInside, TraversalThatStaysInsideIsAllowed) {
  EXPECT_EQ(path_inside("/srv/media", "live/../cam.flv"), path("/srv/media/cam.flv"));
  EXPECT_EQ(path_inside("/srv/media", "a/b/../../c"), path("/srv/media/c"));
}

TEST(PathInside, RefusesEveryWayOut) {
  EXPECT_THROW(path_inside("/srv/media", "../etc/passwd"), std::invalid_argument);
  EXPECT_THROW(path_inside("/srv/media", "live/../../etc"), std::invalid_argument);
  EXPECT_THROW(path_inside("/srv/media", "/etc/passwd"), std::invalid_argument);
  EXPECT_THROW(path_inside("/srv/media", ".."), std::invalid_argument);
  // A sibling whose name starts with the root's is still outside.
  EXPECT_THROW(path_inside("/srv/media", "../media2/x"), std::invalid_argument);
  EXPECT_THROW(path_inside("out", "../x"), std::invalid_argument);
  EXPECT_THROW(path_inside("out", "/tmp/x"), std::invalid_argument);
}

}  // namespace
}  // namespace streamgate
