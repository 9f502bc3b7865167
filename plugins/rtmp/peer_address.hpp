#pragma once
// How a connection's peer is named in logs and counted by the limits: an
// IPv4 client on a dual-stack socket (::ffff:a.b.c.d) is the IPv4 address it
// is, so it is written and counted the same on every listener.

#include <string>

#include "streamgate/asio.hpp"

namespace streamgate::rtmp {

/// The peer's IP address as text ("192.0.2.7", "2001:db8::1"), "" when unknown.
std::string peer_ip(const boost::asio::ip::tcp::socket& socket);
/// The peer as "ip:port" ("[ip]:port" for IPv6), "unknown" when unknown.
std::string peer_endpoint(const boost::asio::ip::tcp::socket& socket);

}  // namespace streamgate::rtmp
