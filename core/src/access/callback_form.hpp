#pragma once
// The body of an HTTP callback: application/x-www-form-urlencoded fields, in
// the spirit of nginx-rtmp's on_publish (call, app, name, addr), plus the
// client's port, the protocol and the raw query as one field (so a client
// cannot add or override fields through its query).
//
//   call=publish&app=live&name=cam1&addr=10.0.0.7&port=50000&protocol=rtmp&query=key%3Dabc

#include <string>
#include <string_view>

#include "streamgate/access.hpp"

namespace streamgate::access {

/// `call` is "publish", "play" or "publish_done".
std::string callback_body(std::string_view call, const AccessRequest& request);

}  // namespace streamgate::access
