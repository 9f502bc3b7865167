// HttpRequest::header, HttpRequest::query_param and http_error.
#include <gtest/gtest.h>

#include <string>

#include "streamgate/http.hpp"

namespace streamgate {
namespace {

std::string text(const SharedBytes& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

TEST(HttpRequestHeader, IsCaseInsensitiveAndReturnsTheFirst) {
  HttpRequest request;
  request.headers = {{"Host", "a"}, {"X-Token", "one"}, {"x-token", "two"}};
  EXPECT_EQ(request.header("host"), "a");
  EXPECT_EQ(request.header("X-TOKEN"), "one");
  EXPECT_EQ(request.header("Missing"), "");
  EXPECT_EQ(request.header("Hos"), "");
}

TEST(HttpRequestQueryParam, DecodesFormEncoding) {
  HttpRequest request;
  request.query = "key=abc&token=a%2Bb+c&empty=&flag&sp%61ced=1";
  EXPECT_EQ(request.query_param("key"), "abc");
  EXPECT_EQ(request.query_param("token"), "a+b c");
  EXPECT_EQ(request.query_param("empty"), "");
  EXPECT_EQ(request.query_param("flag"), "");
  EXPECT_EQ(request.query_param("spaced"), "1");  // keys are decoded too
  EXPECT_EQ(request.query_param("missing"), "");
  EXPECT_EQ(request.query_param("ke"), "");
}

TEST(HttpRequestQueryParam, FirstOccurrenceWinsAndBadEscapesStayRaw) {
  HttpRequest request;
  request.query = "a=1&a=2&b=%zz&&c=%4";
  EXPECT_EQ(request.query_param("a"), "1");
  EXPECT_EQ(request.query_param("b"), "%zz");
  EXPECT_EQ(request.query_param("c"), "%4");
}

TEST(HttpError, IsPlainTextWithCors) {
  auto response = http_error(404, "no such stream");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(text(response.body), "no such stream\n");
  bool cors = false;
  for (const auto& [name, value] : response.headers) cors |= name == "Access-Control-Allow-Origin" && value == "*";
  EXPECT_TRUE(cors);
}

}  // namespace
}  // namespace streamgate
