#include "access/address_filter.hpp"

#include <algorithm>

namespace streamgate::access {

bool AddressFilter::allows(const boost::asio::ip::address& address) const noexcept {
  const auto inside = [&](const IpNetwork& network) { return network.contains(address); };
  if (std::any_of(deny_.begin(), deny_.end(), inside)) return false;
  return allow_.empty() || std::any_of(allow_.begin(), allow_.end(), inside);
}

}  // namespace streamgate::access
