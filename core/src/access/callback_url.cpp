#include "access/callback_url.hpp"

#include <stdexcept>

#include "access/boost_url.hpp"

namespace streamgate::access {
namespace urls = boost::urls;
namespace {

[[noreturn]] void refuse(std::string_view text, std::string_view why) {
  throw std::invalid_argument("\"" + std::string(text) + "\" " + std::string(why));
}

}  // namespace

std::string CallbackUrl::str() const {
  const bool v6 = host.find(':') != std::string::npos;
  const auto query = target.find('?');
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) +
         target.substr(0, query);
}

CallbackUrl parse_callback_url(std::string_view text) {
  auto parsed = urls::parse_uri(urls::string_view(text.data(), text.size()));
  if (!parsed) refuse(text, "is not an absolute URL; expected e.g. \"http://127.0.0.1:8000/on_publish\"");
  const urls::url_view& url = *parsed;
  if (url.scheme_id() != urls::scheme::http)
    refuse(text, "is not an http:// URL (https and other schemes are not supported)");
  if (!url.has_authority() || url.encoded_host().empty()) refuse(text, "has no host");
  if (url.has_userinfo())
    refuse(text, "carries a user name or password; put credentials in the path or query instead");
  if (url.has_fragment()) refuse(text, "has a fragment (#…), which HTTP never sends");
  if (url.host_type() == urls::host_type::ipvfuture) refuse(text, "has an unsupported host form");

  CallbackUrl out;
  const auto host = url.host_address();
  out.host.assign(host.data(), host.size());
  // The host goes into a Host header: a percent-decoded name must still be a
  // plain DNS name.
  if (url.host_type() == urls::host_type::name &&
      out.host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") !=
          std::string::npos) {
    refuse(text, "has a host name with characters outside letters, digits, '.' and '-'");
  }
  if (url.has_port()) {
    // Boost.URL gives 0 for an empty port and for one past 65535.
    if (url.port_number() == 0) refuse(text, "has a bad port; expected 1 to 65535");
    out.port = url.port_number();
  }
  const auto target = url.encoded_target();
  out.target.assign(target.data(), target.size());
  if (out.target.empty() || out.target.front() != '/') out.target.insert(0, "/");
  return out;
}

}  // namespace streamgate::access
