#include "access/ip_network.hpp"

#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <charconv>
#include <stdexcept>

namespace streamgate::access {
namespace asio = boost::asio;
namespace {

// The first `bits` bits of `a` and `b` are equal.
template <typename Bytes>
bool same_prefix(const Bytes& a, const Bytes& b, unsigned bits) noexcept {
  std::size_t i = 0;
  for (; bits >= 8; bits -= 8, ++i) {
    if (a[i] != b[i]) return false;
  }
  if (bits == 0) return true;
  const auto mask = static_cast<unsigned char>(0xFFu << (8 - bits));
  return (a[i] & mask) == (b[i] & mask);
}

unsigned parse_prefix(std::string_view text, unsigned max_bits, std::string_view entry) {
  unsigned bits = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), bits);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || bits > max_bits) {
    throw std::invalid_argument("\"" + std::string(entry) + "\" has a bad prefix length; expected /0 to /" +
                                std::to_string(max_bits));
  }
  return bits;
}

}  // namespace

IpNetwork IpNetwork::parse(std::string_view text) {
  const auto slash = text.find('/');
  const std::string address_text(text.substr(0, slash));
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(address_text, ec);
  if (ec) {
    throw std::invalid_argument("\"" + std::string(text) +
                                "\" is not an IP address or network; expected e.g. \"10.0.0.0/8\", "
                                "\"192.0.2.7\", \"2001:db8::/32\" or \"::1\"");
  }
  if (address.is_v6() && address.to_v6().scope_id() != 0) {
    throw std::invalid_argument("\"" + std::string(text) + "\" carries a zone (%…); write the network without it");
  }
  const unsigned max_bits = address.is_v4() ? 32 : 128;
  const unsigned bits =
      slash == std::string_view::npos ? max_bits : parse_prefix(text.substr(slash + 1), max_bits, text);

  // Peers on a dual-stack listener are unmapped to IPv4 before matching, so a
  // ::ffff:a.b.c.d entry would never match anything.
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    throw std::invalid_argument("\"" + std::string(text) +
                                "\" is an IPv4-mapped IPv6 address; write it as IPv4 (\"" +
                                asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string() +
                                "\")");
  }

  // A network written with host bits set ("10.1.2.3/8") is most likely a typo
  // for either the address or the network: refuse it and name the network.
  asio::ip::address base;
  if (address.is_v4()) {
    base = asio::ip::network_v4(address.to_v4(), static_cast<unsigned short>(bits)).network();
  } else {
    base = asio::ip::network_v6(address.to_v6(), static_cast<unsigned short>(bits)).network();
  }
  if (base != address) {
    throw std::invalid_argument("\"" + std::string(text) + "\" has host bits set; did you mean \"" +
                                base.to_string() + "/" + std::to_string(bits) + "\"?");
  }
  return IpNetwork(base, bits);
}

bool IpNetwork::contains(const asio::ip::address& address) const noexcept {
  if (address.is_v4() && base_.is_v4()) {
    return same_prefix(address.to_v4().to_bytes(), base_.to_v4().to_bytes(), prefix_bits_);
  }
  if (address.is_v6() && base_.is_v6()) {
    return same_prefix(address.to_v6().to_bytes(), base_.to_v6().to_bytes(), prefix_bits_);
  }
  return false;
}

std::string IpNetwork::str() const { return base_.to_string() + "/" + std::to_string(prefix_bits_); }

}  // namespace streamgate::access
