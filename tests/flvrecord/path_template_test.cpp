// Recording paths: placeholders expand, names from the network are made
// safe, and nothing lands outside the root folder.

#include "path_template.hpp"

#include <gtest/gtest.h>

namespace streamgate::flvrecord {
namespace {

using namespace std::chrono;
using std::filesystem::path;

// 2024-03-05 07:08:09 UTC = 1709622489 s since the epoch (date -u +%s).
const system_clock::time_point kWhen = sys_days{2024y / March / 5} + 7h + 8min + 9s;
const path kRoot = "/srv/rec";

bool inside(const path& p, const path& root) {
  const auto rest = p.lexically_normal().lexically_relative(root);
  return !rest.empty() && *rest.begin() != "..";
}

TEST(PathTemplate, ExpandsEveryPlaceholder) {
  auto r = expand_path_template("{app}/{stream}-{date}-{time}.flv", {"live", "cam1", kWhen}, kRoot);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.path, path("/srv/rec/live/cam1-2024-03-05-07-08-09.flv"));
  auto u = expand_path_template("{stream}_{unix}.flv", {"live", "cam1", kWhen}, kRoot);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u.path, path("/srv/rec/cam1_1709622489.flv"));
}

TEST(PathTemplate, UtcOffsetMovesDateAndTimeButNotUnix) {
  // 2023-12-31 23:30:00 UTC is already 2024 one hour east.
  const auto new_year = sys_days{2023y / December / 31} + 23h + 30min;
  auto r = expand_path_template("{date}/{time}-{unix}.flv", {"a", "b", new_year, 60min}, kRoot);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.path, path("/srv/rec/2024-01-01/00-30-00-1704065400.flv"));
}

TEST(PathTemplate, TraversalInNamesStaysInsideTheRoot) {
  const std::string_view attempts[] = {
      "../../etc/x", "..",   ".", "/etc/passwd", "a\\..\\..\\b", std::string_view("a\0b", 3), "",
      "sub/../../x", "~root"};
  for (auto name : attempts) {
    auto r = expand_path_template("{app}/{stream}.flv", {name, name, kWhen}, kRoot);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_TRUE(inside(r.path, kRoot)) << r.path;
    // One folder for the app, one file name for the stream: no extra levels.
    EXPECT_EQ(r.path.parent_path().parent_path(), kRoot) << r.path;
    const std::string file = r.path.filename().string();
    EXPECT_EQ(file.find('/'), std::string::npos);
    EXPECT_EQ(file.find('\0'), std::string::npos);
    EXPECT_NE(r.path.parent_path().filename(), "..");
  }
  auto r = expand_path_template("{app}/{stream}.flv", {"../../etc", "x", kWhen}, kRoot);
  EXPECT_EQ(r.path, path("/srv/rec/_._.._etc/x.flv"));
}

TEST(PathTemplate, BadTemplatesAreRefusedWithAReason) {
  const std::string_view bad[] = {"",
                                  "/abs/{stream}.flv",
                                  "{app",
                                  "app}.flv",
                                  "{foo}.flv",
                                  "../{stream}.flv",
                                  "a/../../{stream}.flv",
                                  "./{stream}.flv"};
  for (auto t : bad) {
    EXPECT_TRUE(path_template_problem(t)) << t;
    auto r = expand_path_template(t, {"live", "cam", kWhen}, kRoot);
    EXPECT_FALSE(r.ok()) << t;
    EXPECT_FALSE(r.error.empty()) << t;
  }
  EXPECT_FALSE(path_template_problem("{app}/{stream}-{date}-{time}.flv"));
  EXPECT_FALSE(path_template_problem("recordings/{app}/{unix}.flv"));
}

TEST(PathTemplate, NumberedAlternatives) {
  EXPECT_EQ(numbered_path("/srv/rec/live/cam.flv", 0), path("/srv/rec/live/cam.flv"));
  EXPECT_EQ(numbered_path("/srv/rec/live/cam.flv", 1), path("/srv/rec/live/cam-1.flv"));
  EXPECT_EQ(numbered_path("/srv/rec/live/cam.flv", 12), path("/srv/rec/live/cam-12.flv"));
  EXPECT_EQ(numbered_path("cam", 2), path("cam-2"));
}

}  // namespace
}  // namespace streamgate::flvrecord
