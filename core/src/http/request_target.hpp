#pragma once
// The request-target of an HTTP/1.1 request line (RFC 9112 §3.2), split into
// a percent-decoded path and a raw query, with the path checked so that no
// handler ever sees a traversal attempt.

#include <optional>
#include <string>
#include <string_view>

#include "streamgate/format/parse.hpp"

namespace streamgate::http {

struct RequestTarget {
  std::string path;   ///< percent-decoded, starts with '/'
  std::string query;  ///< raw, without '?'
};

/// Longest request-target accepted; the request as a whole is bounded by the
/// server's max_request_bytes already, this only bounds this parser's work.
constexpr std::size_t kMaxTargetLength = 8192;

/// Accepts origin-form ("/a/b?x=1") and absolute-form ("http://host/a/b");
/// refuses anything else, malformed percent escapes, and decoded paths with a
/// "." or ".." segment, a NUL byte or a backslash.
Parsed<RequestTarget> parse_request_target(std::string_view target);

/// RFC 3986 §2.1 percent-decoding; with `plus_is_space` a '+' becomes ' '
/// (application/x-www-form-urlencoded query strings). nullopt on a '%' not
/// followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace streamgate::http
