#include "rtmp_url.hpp"

#include <charconv>

namespace streamgate::bench {

std::optional<RtmpUrl> RtmpUrl::parse(std::string_view text) {
  constexpr std::string_view kScheme = "rtmp://";
  if (!text.starts_with(kScheme)) return std::nullopt;
  text.remove_prefix(kScheme.size());
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view authority = text.substr(0, slash);
  std::string_view path = text.substr(slash + 1);

  RtmpUrl url;
  // [v6]:port, host:port or host.
  std::string_view port_text;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    url.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      port_text = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (url.host.empty()) return std::nullopt;
  if (!port_text.empty()) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535)
      return std::nullopt;
    url.port = std::uint16_t(port);
  }
  // The stream name is the last path segment, but a query may hold '/'.
  const auto query = path.find('?');
  const auto last_slash = path.substr(0, query).rfind('/');
  if (last_slash == std::string_view::npos) return std::nullopt;
  url.app = std::string(path.substr(0, last_slash));
  url.stream = std::string(path.substr(last_slash + 1));
  if (url.app.empty() || url.stream.empty()) return std::nullopt;
  const bool v6 = url.host.find(':') != std::string::npos;
  url.tc_url = "rtmp://" + (v6 ? "[" + url.host + "]" : url.host) + ":" + std::to_string(url.port) +
               "/" + url.app;
  return url;
}

}  // namespace streamgate::bench
