#pragma once
// Where an HTTP callback (on-publish, on-play, on-publish-done) is POSTed:
// an absolute http:// URL, parsed once at start-up with Boost.URL.

#include <cstdint>
#include <string>
#include <string_view>

namespace streamgate::access {

struct CallbackUrl {
  std::string host;          ///< name or address, IPv6 without brackets
  std::uint16_t port = 80;
  std::string target;        ///< origin-form: path (at least "/") and query

  /// "http://host:port/path" without the query, which may hold credentials:
  /// what log lines show.
  std::string str() const;
};

/// Parses `text`; throws std::invalid_argument with an operator-facing reason:
/// not an absolute URL, a scheme other than http, no host, port 0, a user
/// name or password, or a fragment.
CallbackUrl parse_callback_url(std::string_view text);

}  // namespace streamgate::access
