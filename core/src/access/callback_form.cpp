#include "access/callback_form.hpp"

#include "access/boost_url.hpp"
#include "access/peer_address.hpp"

namespace streamgate::access {
namespace {

// Everything but RFC 3986 unreserved characters is escaped, which every
// form decoder reads back unchanged (a '+' in a value stays "%2B").
void append_field(std::string& body, std::string_view name, std::string_view value) {
  if (!body.empty()) body.push_back('&');
  body.append(name).push_back('=');
  body += boost::urls::encode(boost::urls::string_view(value.data(), value.size()),
                              boost::urls::unreserved_chars);
}

}  // namespace

std::string callback_body(std::string_view call, const AccessRequest& request) {
  const auto peer = parse_peer(request.peer);
  std::string body;
  append_field(body, "call", call);
  append_field(body, "app", request.key.app);
  append_field(body, "name", request.key.name);
  append_field(body, "addr", peer ? peer->address.to_string() : std::string());
  append_field(body, "port", peer && peer->port != 0 ? std::to_string(peer->port) : std::string());
  append_field(body, "protocol", request.protocol);
  append_field(body, "query", request.query);
  return body;
}

}  // namespace streamgate::access
