#pragma once
// The IMF-fixdate of RFC 9110 §5.6.7 ("Sun, 06 Nov 1994 08:49:37 GMT") for
// the Date header an origin server must send (RFC 9110 §6.6.1).

#include <chrono>
#include <string>

namespace streamgate::http {

std::string http_date(std::chrono::system_clock::time_point when);

/// http_date(now), formatted at most once per second per thread.
const std::string& http_date_now();

}  // namespace streamgate::http
