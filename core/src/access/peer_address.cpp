#include "access/peer_address.hpp"

#include <charconv>
#include <string>

namespace streamgate::access {
namespace asio = boost::asio;
namespace {

bool parse_port(std::string_view text, std::uint16_t& port) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  return !text.empty() && ec == std::errc{} && end == text.data() + text.size();
}

}  // namespace

std::optional<PeerAddress> parse_peer(std::string_view peer) {
  std::string_view host = peer;
  std::string_view port;
  if (peer.starts_with('[')) {
    const auto close = peer.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = peer.substr(1, close - 1);
    const auto rest = peer.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
      if (port.empty()) return std::nullopt;
    }
  } else if (const auto colon = peer.find(':');
             colon != std::string_view::npos && peer.find(':', colon + 1) == std::string_view::npos) {
    // One colon: "a.b.c.d:port". More than one: a bare IPv6 address.
    host = peer.substr(0, colon);
    port = peer.substr(colon + 1);
    if (port.empty()) return std::nullopt;
  }
  PeerAddress out;
  if (!port.empty() && !parse_port(port, out.port)) return std::nullopt;
  boost::system::error_code ec;
  out.address = asio::ip::make_address(std::string(host), ec);
  if (ec) return std::nullopt;
  if (out.address.is_v6() && out.address.to_v6().is_v4_mapped()) {
    out.address = asio::ip::make_address_v4(asio::ip::v4_mapped, out.address.to_v6());
  }
  return out;
}

}  // namespace streamgate::access
