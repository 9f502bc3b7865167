#pragma once
// The client address inside AccessRequest::peer, as plugins write it:
// "a.b.c.d:port", "[v6]:port", or a bare address.

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

namespace streamgate::access {

struct PeerAddress {
  boost::asio::ip::address address;
  std::uint16_t port = 0;  ///< 0 when `peer` named no port
};

/// Parses `peer`, turning an IPv4-mapped IPv6 address (a dual-stack
/// listener's view of an IPv4 client) back into IPv4; nullopt when `peer`
/// holds no address or a bad port.
std::optional<PeerAddress> parse_peer(std::string_view peer);

}  // namespace streamgate::access
