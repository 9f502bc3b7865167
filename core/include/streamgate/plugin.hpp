#pragma once
// The plugin interface and the one-line declaration macro.
//
//   class Hello : public streamgate::Plugin { ... };
//   STREAMGATE_PLUGIN(Hello, "hello", "1.0.0", "Says hello")
//
// Life cycle (all calls on the host's main thread):
//   create → configure(own element) → start(host) … stop() → destroy.
// `streamgate -t` stops after configure. configure() and start() report
// failure by throwing (ConfigError for config problems); stop() must not throw.

#include <boost/config.hpp>
#include <cstdint>
#include <memory>

#include "streamgate/config.hpp"
#include "streamgate/host.hpp"
#include "streamgate/version.hpp"

namespace streamgate {

class Plugin {
 public:
  virtual ~Plugin() = default;
  /// Parses and validates the plugin's own <plugin> element into typed settings.
  virtual void configure(const ConfigNode& config) = 0;
  /// Opens listeners, registers routes, watches the bus. The workers are running.
  virtual void start(Host& host) = 0;
  /// Closes listeners and sessions and flushes output; returns when done. The
  /// workers are still running; nothing of the plugin may run after this returns.
  virtual void stop() noexcept = 0;
};

/// Exported by every plugin library under the symbol name below. The host reads
/// it before it calls anything in the plugin. Grow only by using reserved room.
struct PluginDescriptor {
  std::uint32_t sdk_major;
  std::uint32_t sdk_minor;
  const char* build_signature;
  const char* name;
  const char* version;
  const char* description;
  Plugin* (*create)();           ///< new plugin; the host hands it back to destroy()
  void (*destroy)(Plugin*);      ///< deletes it inside the plugin's own library
  const void* reserved[8];
};

inline constexpr const char* kPluginDescriptorSymbol = "streamgate_plugin_descriptor";

}  // namespace streamgate

#define STREAMGATE_PLUGIN(PluginClass, plugin_name, plugin_version, plugin_description)      \
  extern "C" BOOST_SYMBOL_EXPORT const ::streamgate::PluginDescriptor                         \
      streamgate_plugin_descriptor;                                                           \
  extern "C" BOOST_SYMBOL_EXPORT const ::streamgate::PluginDescriptor                         \
      streamgate_plugin_descriptor = {                                                        \
          STREAMGATE_SDK_MAJOR,                                                               \
          STREAMGATE_SDK_MINOR,                                                               \
          STREAMGATE_BUILD_SIGNATURE,                                                         \
          plugin_name,                                                                        \
          plugin_version,                                                                     \
          plugin_description,                                                                 \
          []() -> ::streamgate::Plugin* { return std::make_unique<PluginClass>().release(); }, \
          [](::streamgate::Plugin* p) { std::unique_ptr<::streamgate::Plugin>{p}; },          \
          {}};
