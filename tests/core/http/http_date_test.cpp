// The Date header's IMF-fixdate (RFC 9110 §5.6.7).
#include "http/http_date.hpp"

#include <gtest/gtest.h>

namespace streamgate::http {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

TEST(HttpDate, FormatsTheRfcExample) {
  // RFC 9110 §5.6.7's example; 784111777 is its Unix time.
  EXPECT_EQ(http_date(system_clock::time_point(seconds(784111777))), "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST(HttpDate, FormatsEpochAndLeapDay) {
  EXPECT_EQ(http_date(system_clock::time_point(seconds(0))), "Thu, 01 Jan 1970 00:00:00 GMT");
  // 2024-02-29 23:59:59 UTC
  EXPECT_EQ(http_date(system_clock::time_point(seconds(1709251199))), "Thu, 29 Feb 2024 23:59:59 GMT");
}

TEST(HttpDate, NowHasTheFixedLength) {
  EXPECT_EQ(http_date_now().size(), std::string_view("Sun, 06 Nov 1994 08:49:37 GMT").size());
  EXPECT_TRUE(http_date_now().ends_with(" GMT"));
}

}  // namespace
}  // namespace streamgate::http
