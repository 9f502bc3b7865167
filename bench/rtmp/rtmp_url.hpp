#pragma once
// rtmp://host[:port]/app[/instance]/stream[?query]: the parts an RTMP client
// needs (connect's app and tcUrl, the publish/play name).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace streamgate::bench {

struct RtmpUrl {
  std::string host;
  std::uint16_t port = 1935;
  std::string app;     ///< everything between the authority and the last '/'
  std::string stream;  ///< after the last '/', with its ?query
  std::string tc_url;  ///< rtmp://host:port/app

  /// Parses `text`; nullopt when it is not an rtmp:// URL with an app and a stream.
  static std::optional<RtmpUrl> parse(std::string_view text);
};

}  // namespace streamgate::bench
