// parse_duration, parse_bytes and parse_listen_address: the value syntax of
// every setting (config.hpp documents it).
#include <gtest/gtest.h>

#include "streamgate/config.hpp"

namespace streamgate {
namespace {

using std::chrono::milliseconds;

TEST(ParseDuration, AcceptsEveryDocumentedUnit) {
  EXPECT_EQ(parse_duration("2s"), milliseconds{2000});
  EXPECT_EQ(parse_duration("500ms"), milliseconds{500});
  EXPECT_EQ(parse_duration("1.5s"), milliseconds{1500});
  EXPECT_EQ(parse_duration("2m"), milliseconds{120'000});
  EXPECT_EQ(parse_duration("1h"), milliseconds{3'600'000});
  EXPECT_EQ(parse_duration("0.25m"), milliseconds{15'000});
}

TEST(ParseDuration, BareNumberMeansSeconds) {
  EXPECT_EQ(parse_duration("3"), milliseconds{3000});
  EXPECT_EQ(parse_duration("0"), milliseconds{0});
  EXPECT_EQ(parse_duration(" 2s \n"), milliseconds{2000});
}

TEST(ParseDuration, RejectsMalformedText) {
  for (const char* text : {"", "2x", "s", "-1s", "1.s", ".5s", "2 s", "1e3", "1,5s", "2ss", "ms"})
    EXPECT_EQ(parse_duration(text), std::nullopt) << '"' << text << '"';
}

TEST(ParseDuration, RejectsWhatIsNotWholeMilliseconds) {
  // 0.0005 s is half a millisecond: refused rather than truncated to 0.
  EXPECT_EQ(parse_duration("0.0005s"), std::nullopt);
  EXPECT_EQ(parse_duration("1.5ms"), std::nullopt);
  EXPECT_EQ(parse_duration("0.001s"), milliseconds{1});
}

TEST(ParseDuration, RejectsOverflow) {
  EXPECT_EQ(parse_duration("99999999999999999999h"), std::nullopt);
  // 3e12 h = 1.08e19 ms: fits 64 unsigned bits, not the signed milliseconds.
  EXPECT_EQ(parse_duration("3000000000000h"), std::nullopt);
}

TEST(ParseBytes, AcceptsBinaryMultiples) {
  EXPECT_EQ(parse_bytes("4096"), 4096u);
  EXPECT_EQ(parse_bytes("64k"), 65'536u);
  EXPECT_EQ(parse_bytes("64K"), 65'536u);
  EXPECT_EQ(parse_bytes("16M"), 16'777'216u);
  EXPECT_EQ(parse_bytes("1G"), 1'073'741'824u);
  EXPECT_EQ(parse_bytes("2T"), 2'199'023'255'552u);
  EXPECT_EQ(parse_bytes("1.5k"), 1536u);
}

TEST(ParseBytes, AcceptsByteSuffixes) {
  EXPECT_EQ(parse_bytes("16MB"), 16'777'216u);
  EXPECT_EQ(parse_bytes("16MiB"), 16'777'216u);
  EXPECT_EQ(parse_bytes("10b"), 10u);
}

TEST(ParseBytes, RejectsMalformedText) {
  for (const char* text : {"", "k", "12x", "-1", "1.5", "16 M", "0x10", "16Mb2", "1.k", "ib", "16ib"})
    EXPECT_EQ(parse_bytes(text), std::nullopt) << '"' << text << '"';
}

TEST(ParseBytes, RejectsOverflow) {
  EXPECT_EQ(parse_bytes("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(parse_bytes("18446744073709551616"), std::nullopt);  // 2^64
  EXPECT_EQ(parse_bytes("16777215T"), (16'777'215ull << 40));
  EXPECT_EQ(parse_bytes("16777216T"), std::nullopt);  // 2^24 * 2^40 = 2^64
}

TEST(ParseListenAddress, AcceptsIpv4Ipv6AndPortOnly) {
  auto v4 = parse_listen_address("0.0.0.0:1935");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "0.0.0.0");
  EXPECT_EQ(v4->port, 1935);

  auto v6 = parse_listen_address("[::]:1935");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::");
  EXPECT_EQ(v6->port, 1935);

  auto loopback6 = parse_listen_address("[::1]:8080");
  ASSERT_TRUE(loopback6);
  EXPECT_EQ(loopback6->host, "::1");

  for (const char* any : {":1935", "1935", "*:1935"}) {
    auto address = parse_listen_address(any);
    ASSERT_TRUE(address) << any;
    EXPECT_EQ(address->host, "") << any;
    EXPECT_EQ(address->port, 1935) << any;
  }

  auto named = parse_listen_address("localhost:65535");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->host, "localhost");
  EXPECT_EQ(named->port, 65535);
}

TEST(ParseListenAddress, RejectsBadPortsAndHosts) {
  for (const char* text :
       {"0.0.0.0:70000", "0.0.0.0:65536", "0.0.0.0:0", "0.0.0.0:", "0.0.0.0:12a", "0.0.0.0:-1",
        "[::]1935", ":::1935", "::1:1935", "[zz::]:1935", "[::1]", "[::1", "a b:80", "", "abc",
        "1.2.3.4:000001935"})
    EXPECT_EQ(parse_listen_address(text), std::nullopt) << '"' << text << '"';
}

TEST(ListenAddress, PrintsInTheFormItParses) {
  EXPECT_EQ((ListenAddress{"", 1935}).str(), "*:1935");
  EXPECT_EQ((ListenAddress{"::", 1935}).str(), "[::]:1935");
  EXPECT_EQ((ListenAddress{"127.0.0.1", 80}).str(), "127.0.0.1:80");
  for (const char* text : {"*:1935", "[::]:1935", "127.0.0.1:80", "[fe80::1]:443"}) {
    auto parsed = parse_listen_address(text);
    ASSERT_TRUE(parsed) << text;
    EXPECT_EQ(parsed->str(), text);
  }
}

}  // namespace
}  // namespace streamgate
