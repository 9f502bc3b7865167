// CIDR entries of the allow/deny lists: parsing (Boost.Asio), canonical form,
// operator-facing errors, and containment at the edges of each network.
#include <gtest/gtest.h>

#include <boost/asio/ip/address.hpp>
#include <stdexcept>

#include "access/address_filter.hpp"
#include "access/ip_network.hpp"
#include "access/peer_address.hpp"

namespace streamgate::access {
namespace {

using boost::asio::ip::make_address;

bool contains(std::string_view network, std::string_view address) {
  return IpNetwork::parse(network).contains(make_address(std::string(address)));
}

std::string parse_error(std::string_view text) {
  try {
    IpNetwork::parse(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(IpNetwork, CanonicalFormAlwaysCarriesThePrefix) {
  EXPECT_EQ(IpNetwork::parse("10.0.0.0/8").str(), "10.0.0.0/8");
  EXPECT_EQ(IpNetwork::parse("127.0.0.1").str(), "127.0.0.1/32");
  EXPECT_EQ(IpNetwork::parse("::1").str(), "::1/128");
  EXPECT_EQ(IpNetwork::parse("2001:DB8::/32").str(), "2001:db8::/32");
  EXPECT_EQ(IpNetwork::parse("0.0.0.0/0").str(), "0.0.0.0/0");
  EXPECT_EQ(IpNetwork::parse("::/0").str(), "::/0");
}

TEST(IpNetwork, Ipv4EdgesOfANetwork) {
  // 10.0.0.0/8 spans 10.0.0.0 .. 10.255.255.255.
  EXPECT_TRUE(contains("10.0.0.0/8", "10.0.0.0"));
  EXPECT_TRUE(contains("10.0.0.0/8", "10.255.255.255"));
  EXPECT_FALSE(contains("10.0.0.0/8", "9.255.255.255"));
  EXPECT_FALSE(contains("10.0.0.0/8", "11.0.0.0"));
  // A prefix that is not a multiple of 8: 192.168.0.0/23 spans .0.0 .. .1.255.
  EXPECT_TRUE(contains("192.168.0.0/23", "192.168.1.255"));
  EXPECT_FALSE(contains("192.168.0.0/23", "192.168.2.0"));
  // 172.16.0.0/12 spans 172.16.0.0 .. 172.31.255.255.
  EXPECT_TRUE(contains("172.16.0.0/12", "172.31.255.255"));
  EXPECT_FALSE(contains("172.16.0.0/12", "172.32.0.0"));
  EXPECT_FALSE(contains("172.16.0.0/12", "172.15.255.255"));
}

TEST(IpNetwork, SingleAddressesAndEverything) {
  EXPECT_TRUE(contains("127.0.0.1", "127.0.0.1"));
  EXPECT_FALSE(contains("127.0.0.1", "127.0.0.2"));
  EXPECT_TRUE(contains("127.0.0.1/32", "127.0.0.1"));
  EXPECT_TRUE(contains("0.0.0.0/0", "255.255.255.255"));
  EXPECT_TRUE(contains("0.0.0.0/0", "0.0.0.0"));
  EXPECT_TRUE(contains("::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
  EXPECT_TRUE(contains("::1", "::1"));
  EXPECT_FALSE(contains("::1", "::2"));
}

TEST(IpNetwork, Ipv6EdgesOfANetwork) {
  EXPECT_TRUE(contains("2001:db8::/32", "2001:db8::"));
  EXPECT_TRUE(contains("2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
  EXPECT_FALSE(contains("2001:db8::/32", "2001:db9::"));
  EXPECT_FALSE(contains("2001:db8::/32", "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"));
  // /57: the boundary falls inside the eighth byte (0x80 bit of byte 7).
  EXPECT_TRUE(contains("2001:db8:0:80::/57", "2001:db8:0:ff::1"));
  EXPECT_FALSE(contains("2001:db8:0:80::/57", "2001:db8:0:7f::1"));
  // fe80::/10 covers fe80:: .. febf:ffff:...
  EXPECT_TRUE(contains("fe80::/10", "febf::1"));
  EXPECT_FALSE(contains("fe80::/10", "fec0::1"));
}

TEST(IpNetwork, FamiliesNeverMix) {
  EXPECT_FALSE(contains("0.0.0.0/0", "::1"));
  EXPECT_FALSE(contains("::/0", "127.0.0.1"));
  // An IPv4-mapped address is IPv6 until unmapped (parse_peer does that).
  EXPECT_FALSE(contains("10.0.0.0/8", "::ffff:10.0.0.1"));
}

TEST(IpNetwork, MalformedEntriesAreRefusedWithAReason) {
  EXPECT_NE(parse_error("10.0.0.256").find("is not an IP address or network"), std::string::npos);
  EXPECT_NE(parse_error("example.com").find("is not an IP address or network"), std::string::npos);
  EXPECT_NE(parse_error("").find("is not an IP address or network"), std::string::npos);
  EXPECT_NE(parse_error("10.0.0.0/33").find("bad prefix length; expected /0 to /32"), std::string::npos);
  EXPECT_NE(parse_error("::/129").find("bad prefix length; expected /0 to /128"), std::string::npos);
  EXPECT_NE(parse_error("10.0.0.0/").find("bad prefix length"), std::string::npos);
  EXPECT_NE(parse_error("10.0.0.0/-1").find("bad prefix length"), std::string::npos);
  EXPECT_NE(parse_error("10.0.0.0/8x").find("bad prefix length"), std::string::npos);
  EXPECT_NE(parse_error("10.0.0.0/08a").find("bad prefix length"), std::string::npos);
}

TEST(IpNetwork, HostBitsSetSuggestTheNetwork) {
  EXPECT_EQ(parse_error("10.1.2.3/8"), "\"10.1.2.3/8\" has host bits set; did you mean \"10.0.0.0/8\"?");
  EXPECT_EQ(parse_error("2001:db8::1/32"),
            "\"2001:db8::1/32\" has host bits set; did you mean \"2001:db8::/32\"?");
}

TEST(IpNetwork, MappedAndZonedIpv6AreRefused) {
  EXPECT_EQ(parse_error("::ffff:10.0.0.1"),
            "\"::ffff:10.0.0.1\" is an IPv4-mapped IPv6 address; write it as IPv4 (\"10.0.0.1\")");
  EXPECT_NE(parse_error("fe80::1%1").find("zone"), std::string::npos);
}

TEST(PeerAddress, ParsesWhatPluginsWrite) {
  auto v4 = parse_peer("10.0.0.7:50000");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->address, make_address("10.0.0.7"));
  EXPECT_EQ(v4->port, 50000);
  auto v6 = parse_peer("[2001:db8::1]:1935");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->address, make_address("2001:db8::1"));
  EXPECT_EQ(v6->port, 1935);
  auto bare6 = parse_peer("::1");
  ASSERT_TRUE(bare6);
  EXPECT_EQ(bare6->address, make_address("::1"));
  EXPECT_EQ(bare6->port, 0);
  auto bare4 = parse_peer("192.0.2.1");
  ASSERT_TRUE(bare4);
  EXPECT_EQ(bare4->port, 0);
}

TEST(PeerAddress, MappedIpv4IsUnmapped) {
  auto mapped = parse_peer("[::ffff:10.0.0.7]:50000");
  ASSERT_TRUE(mapped);
  EXPECT_TRUE(mapped->address.is_v4());
  EXPECT_EQ(mapped->address.to_string(), "10.0.0.7");
}

TEST(PeerAddress, GarbageIsNoAddress) {
  for (std::string_view peer : {"", "?", "unknown", "host:80", "[::1", "[::1]x", "[::1]:", "1.2.3.4:",
                                "1.2.3.4:65536", "1.2.3.4:-1", "1.2.3.4:80x", "[1.2.3.4:80"}) {
    EXPECT_FALSE(parse_peer(peer)) << peer;
  }
}

AddressFilter filter(std::vector<std::string_view> allow, std::vector<std::string_view> deny) {
  std::vector<IpNetwork> a;
  std::vector<IpNetwork> d;
  for (auto text : allow) a.push_back(IpNetwork::parse(text));
  for (auto text : deny) d.push_back(IpNetwork::parse(text));
  return AddressFilter(std::move(a), std::move(d));
}

bool allows(const AddressFilter& f, std::string_view address) {
  return f.allows(make_address(std::string(address)));
}

TEST(AddressFilter, EmptyAllowsEveryone) {
  const AddressFilter none;
  EXPECT_TRUE(none.empty());
  EXPECT_TRUE(allows(none, "203.0.113.9"));
  EXPECT_TRUE(allows(none, "2001:db8::9"));
}

TEST(AddressFilter, AllowListIsExclusive) {
  const auto f = filter({"127.0.0.1", "10.0.0.0/8", "::1"}, {});
  EXPECT_TRUE(allows(f, "127.0.0.1"));
  EXPECT_TRUE(allows(f, "10.200.0.1"));
  EXPECT_TRUE(allows(f, "::1"));
  EXPECT_FALSE(allows(f, "127.0.0.2"));
  EXPECT_FALSE(allows(f, "192.0.2.1"));
  EXPECT_FALSE(allows(f, "2001:db8::1"));
}

TEST(AddressFilter, DenyAloneRefusesOnlyItsEntries) {
  const auto f = filter({}, {"192.0.2.0/24", "2001:db8::/32"});
  EXPECT_FALSE(allows(f, "192.0.2.77"));
  EXPECT_FALSE(allows(f, "2001:db8::77"));
  EXPECT_TRUE(allows(f, "192.0.3.1"));
  EXPECT_TRUE(allows(f, "::1"));
}

TEST(AddressFilter, DenyBeatsAllowWhateverTheOrder) {
  // A narrower deny inside a wider allow, and a wider deny around a narrower allow.
  const auto narrow_deny = filter({"10.0.0.0/8"}, {"10.1.0.0/16"});
  EXPECT_TRUE(allows(narrow_deny, "10.2.0.1"));
  EXPECT_FALSE(allows(narrow_deny, "10.1.0.1"));
  const auto wide_deny = filter({"10.1.2.3"}, {"10.0.0.0/8"});
  EXPECT_FALSE(allows(wide_deny, "10.1.2.3"));
  // The same entry in both lists: refused.
  const auto both = filter({"::1"}, {"::1"});
  EXPECT_FALSE(allows(both, "::1"));
}

}  // namespace
}  // namespace streamgate::access
