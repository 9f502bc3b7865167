#pragma once
// The plugins the HLS end-to-end tests start the gateway with.

#include <filesystem>
#include <string>

namespace streamgate::hls {

/// True when the rtmp, mpegts and hls plugin modules are in the build tree.
inline bool hls_plugins_built() {
  const auto folder = std::filesystem::path(STREAMGATE_TEST_BUILD_DIR) / "lib" / "streamgate" / "plugins";
  for (const char* name : {"rtmp", "mpegts", "hls"})
    if (!std::filesystem::exists(folder / ("libstreamgate-" + std::string(name) + ".so"))) return false;
  return true;
}

}  // namespace streamgate::hls
