// Which streams the recorder takes: name patterns, apps, publish types.

#include "stream_filter.hpp"

#include <gtest/gtest.h>

namespace streamgate::flvrecord {
namespace {

TEST(StreamFilter, PatternsMatchLikeShellGlobs) {
  struct Case {
    const char* pattern;
    const char* name;
    bool match;
  };
  const Case cases[] = {
      {"*", "", true},
      {"*", "anything", true},
      {"", "", true},
      {"", "a", false},
      {"cam", "cam", true},
      {"cam", "cam1", false},
      {"cam*", "cam", true},
      {"cam*", "cam42", true},
      {"cam*", "xcam", false},
      {"*cam", "xcam", true},
      {"*cam", "camx", false},
      {"?x", "ax", true},
      {"?x", "x", false},
      {"?x", "aax", false},
      {"a*b*c", "abc", true},
      {"a*b*c", "aXbYbZc", true},
      {"a*b*c", "aXbYcZ", false},
      {"**", "ab", true},
      {"*a?", "bab", true},
      {"*a?", "ba", false},
      {"Cam*", "cam1", false},
  };
  for (const auto& c : cases)
    EXPECT_EQ(matches_pattern(c.pattern, c.name), c.match) << c.pattern << " vs " << c.name;
}

TEST(StreamFilter, AppsNamesAndVariants) {
  const StreamFilter filter({"live"}, {"cam*"}, RecordMode::All);
  EXPECT_TRUE(filter.wants_stream({"live", "cam1", ""}));
  EXPECT_FALSE(filter.wants_stream({"live", "studio", ""}));
  EXPECT_FALSE(filter.wants_stream({"other", "cam1", ""}));
  EXPECT_FALSE(filter.wants_stream({"live", "cam1", "mpegts"}));  // derived streams are not sources
  const StreamFilter everything({}, {}, RecordMode::All);
  EXPECT_TRUE(everything.wants_stream({"any", "name", ""}));
}

TEST(StreamFilter, ModeRecordTakesRecordAndAppendPublishesOnly) {
  const StreamFilter record({}, {}, RecordMode::Record);
  const StreamFilter all({}, {}, RecordMode::All);
  for (const auto mode : {PublishMode::Live, PublishMode::Record, PublishMode::Append}) {
    PublishInfo info;
    info.mode = mode;
    EXPECT_EQ(record.wants_publish(info), mode != PublishMode::Live) << to_string(mode);
    EXPECT_TRUE(all.wants_publish(info)) << to_string(mode);
  }
}

}  // namespace
}  // namespace streamgate::flvrecord
