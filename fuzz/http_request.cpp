// The core HTTP server's request path without a socket: Boost.Beast's request
// parser with the server's limits (HttpServerSettings::max_request_bytes as
// header and body limit, as HttpConnection sets them), then what
// HttpConnection::dispatch does with the target: parse_request_target and the
// router, loaded with the routes the plugins register (HLS, HTTP-TS, status).
//
// Invariants: the parser never takes more than the limits allow; an accepted
// target gives a path that starts with '/' and holds no NUL, backslash, "."
// or ".." segment; the route found matches the path and no other matching
// route is more specific; parameter values are non-empty single segments,
// never "." or ".."; percent-encoding the query and decoding it gives it back.

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "http/http_router.hpp"
#include "http/http_server.hpp"
#include "http/request_target.hpp"

namespace {

using namespace streamgate;
namespace bhttp = boost::beast::http;

struct Routes {
  http::HttpRouterImpl router;
  std::vector<std::unique_ptr<HttpRoute>> handles;
  Routes() {
    for (const char* pattern : {"/{app}/{stream}.m3u8", "/{app}/{stream}/{seq}.ts", "/{app}/{stream}.ts",
                                "/api/streams", "/{app}/index.m3u8", "/"})
      handles.push_back(router.add(pattern, [](const HttpRequest&, std::shared_ptr<HttpResponder>) {}));
  }
};

void check_path(const std::string& path) {
  FUZZ_CHECK(!path.empty() && path.front() == '/', "a path starts with '/'");
  FUZZ_CHECK(path.find('\0') == std::string::npos && path.find('\\') == std::string::npos,
             "no NUL and no backslash in a path");
  for (std::size_t start = 1; start <= path.size();) {
    auto end = std::min(path.find('/', start), path.size());
    const std::string_view segment(path.data() + start, end - start);
    FUZZ_CHECK(segment != "." && segment != "..", "no '.' or '..' segment in a path");
    start = end + 1;
  }
}

void check_route(const Routes& routes, const std::string& path) {
  auto match = routes.router.find(path);
  if (!match) return;
  http::RouteParams again;
  FUZZ_CHECK(match->route->pattern().match(path, again), "the route found matches the path");
  for (const auto& [name, value] : match->params) {
    FUZZ_CHECK(!value.empty() && value.find('/') == std::string::npos, "a parameter is one non-empty segment");
    FUZZ_CHECK(value != "." && value != "..", "a parameter never names a folder");
  }
  // The most specific route wins (route_pattern.hpp).
  for (const char* other : {"/{app}/{stream}.m3u8", "/{app}/{stream}/{seq}.ts", "/{app}/{stream}.ts",
                            "/api/streams", "/{app}/index.m3u8", "/"}) {
    auto pattern = http::RoutePattern::parse(other);
    http::RouteParams ignored;
    if (pattern.match(path, ignored))
      FUZZ_CHECK(!pattern.more_specific_than(match->route->pattern()), "no matching route is more specific");
  }
}

void check_percent_round_trip(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : text) {
    encoded += '%';
    encoded += kHex[c >> 4];
    encoded += kHex[c & 15];
  }
  auto decoded = http::percent_decode(encoded, true);
  FUZZ_CHECK(decoded && *decoded == text, "percent-decoding undoes percent-encoding");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Routes routes;
  const std::size_t limit = HttpServerSettings{}.max_request_bytes;

  bhttp::request_parser<bhttp::string_body> parser;
  parser.eager(true);
  parser.header_limit(static_cast<std::uint32_t>(limit));
  parser.body_limit(limit);
  boost::beast::error_code ec;
  std::size_t used = 0;
  while (used < size && !parser.is_done()) {
    const std::size_t n = parser.put(boost::asio::buffer(data + used, size - used), ec);
    used += n;
    if (ec || n == 0) break;
  }
  FUZZ_CHECK(used <= size, "the parser takes no more than it is given");
  if (!parser.is_header_done()) return 0;
  const auto& request = parser.get();
  if (parser.is_done()) FUZZ_CHECK(request.body().size() <= limit, "the body stays within the limit");

  const std::string target(request.target());
  auto parsed = http::parse_request_target(target);
  if (parsed.invalid()) {
    FUZZ_CHECK(!parsed.error.empty(), "a refused target says why");
    return 0;
  }
  check_path(parsed.value.path);
  check_route(routes, parsed.value.path);
  check_percent_round_trip(parsed.value.query);
  return 0;
}
