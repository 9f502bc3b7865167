#pragma once
// The allow/deny lists of one action (publish or play) of one app.
//
// Rule: deny beats allow. An address inside any deny entry is refused; else,
// when the allow list is empty every address is allowed, otherwise only
// addresses inside some allow entry. The order of entries never matters.

#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string>
#include <vector>

#include "access/ip_network.hpp"

namespace streamgate::access {

class AddressFilter {
 public:
  AddressFilter() = default;
  AddressFilter(std::vector<IpNetwork> allow, std::vector<IpNetwork> deny)
      : allow_(std::move(allow)), deny_(std::move(deny)) {}

  /// True when no entry is configured (every client passes, even one whose
  /// address is unknown).
  bool empty() const noexcept { return allow_.empty() && deny_.empty(); }

  /// True when `address` may proceed.
  bool allows(const boost::asio::ip::address& address) const noexcept;

  const std::vector<IpNetwork>& allow() const noexcept { return allow_; }
  const std::vector<IpNetwork>& deny() const noexcept { return deny_; }

 private:
  std::vector<IpNetwork> allow_;
  std::vector<IpNetwork> deny_;
};

}  // namespace streamgate::access
