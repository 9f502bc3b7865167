#pragma once
// One entry of an allow/deny list: an IPv4 or IPv6 network in CIDR notation
// ("10.0.0.0/8", "2001:db8::/32") or a single address ("127.0.0.1", "::1").
// Parsing goes through Boost.Asio's ip::address / network_v4 / network_v6.

#include <boost/asio/ip/address.hpp>
#include <string>
#include <string_view>

namespace streamgate::access {

class IpNetwork {
 public:
  /// Parses `text`; throws std::invalid_argument with an operator-facing
  /// reason (malformed, prefix out of range, host bits set, IPv4-mapped IPv6).
  static IpNetwork parse(std::string_view text);

  /// True when `address` lies inside this network. An IPv4 network never
  /// contains an IPv6 address and vice versa: unmap ::ffff:a.b.c.d first
  /// (peer_address() does).
  bool contains(const boost::asio::ip::address& address) const noexcept;

  /// Canonical form, always with the prefix: "10.0.0.0/8", "::1/128".
  std::string str() const;

 private:
  IpNetwork(boost::asio::ip::address base, unsigned prefix_bits)
      : base_(std::move(base)), prefix_bits_(prefix_bits) {}

  boost::asio::ip::address base_;
  unsigned prefix_bits_ = 0;
};

}  // namespace streamgate::access
