// The XML config (core/src/config): the whole text parsed as the host does
// at start-up (ConfigDocument, parse_gateway_config, which reads each
// <app>'s access rules too), then each enabled <plugin> element of rtmp,
// mpegts, hls or flvrecord handed to its plugin's parser and checked for
// unread settings, as the plugin loader does; every line of the text is also
// tried as a duration, a size and a listen address.
//
// Invariants: a bad config only ever throws ConfigError (the operator gets
// file and line, never a bare std::out_of_range), and the line it names lies
// inside the file; parsed values read back as they print (a duration in ms,
// a size in bytes, a listen address through str()).

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "config/config_document.hpp"
#include "config/gateway_config.hpp"
#include "flvrecord_config.hpp"
#include "fuzz_support.hpp"
#include "hls_config.hpp"
#include "mpegts_config.hpp"
#include "rtmp_config.hpp"

namespace {

using namespace streamgate;

constexpr const char* kFile = "fuzz.xml";

void check_error(const ConfigError& e, std::string_view text) {
  const auto lines = std::count(text.begin(), text.end(), '\n') + 1;
  FUZZ_CHECK(e.file() == kFile, "a config error names the file");
  FUZZ_CHECK(e.line() >= 0 && e.line() <= lines, "a config error points inside the file");
  FUZZ_CHECK(std::string_view(e.what()).starts_with(kFile), "the message starts with the file");
}

// Runs `parse`; only ConfigError may come out.
template <class Parse>
bool config_step(std::string_view text, Parse&& parse) {
  try {
    parse();
    return true;
  } catch (const ConfigError& e) {
    check_error(e, text);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "threw %s\n", e.what());
    FUZZ_CHECK(false, "a bad config throws ConfigError, nothing else");
  }
  return false;
}

void check_values(std::string_view line) {
  if (auto d = parse_duration(line)) {
    FUZZ_CHECK(d->count() >= 0, "no negative duration");
    FUZZ_CHECK(parse_duration(std::to_string(d->count()) + "ms") == d, "a duration reads back in ms");
  }
  if (auto b = parse_bytes(line)) FUZZ_CHECK(parse_bytes(std::to_string(*b)) == b, "a size reads back in bytes");
  if (auto a = parse_listen_address(line)) {
    auto again = parse_listen_address(a->str());
    FUZZ_CHECK(again && again->host == a->host && again->port == a->port, "a listen address reads back");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (std::size_t start = 0; start <= text.size();) {
    const auto end = std::min(text.find('\n', start), text.size());
    check_values(std::string_view(text).substr(start, end - start));
    start = end + 1;
  }

  std::optional<config::ConfigDocument> document;
  if (!config_step(text, [&] { document.emplace(config::ConfigDocument::parse(kFile, text)); })) return 0;
  config::GatewayConfig gateway;
  if (!config_step(text, [&] { gateway = config::parse_gateway_config(document->root()); })) return 0;
  for (const auto& plugin : gateway.plugins) {
    if (!plugin.enabled) continue;
    FUZZ_CHECK(plugin.node != nullptr, "an enabled plugin has its element");
    const auto& node = *plugin.node;
    config_step(text, [&] {
      if (plugin.name == "hls") {
        auto hls = hls::parse_hls_config(node);
        FUZZ_CHECK(hls.fragment.count() > 0 && hls.max_fragment >= hls.fragment, "HLS fragments are sane");
      } else if (plugin.name == "mpegts") {
        mpegts::parse_mpegts_config(node);
      } else if (plugin.name == "rtmp") {
        rtmp::parse_rtmp_config(node);
      } else if (plugin.name == "flvrecord") {
        flvrecord::parse_flvrecord_config(node);
      } else {
        return;
      }
      node.check_all_read();
    });
  }
  return 0;
}
