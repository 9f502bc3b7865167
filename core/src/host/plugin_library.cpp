#include "host/plugin_library.hpp"

#include <boost/dll/shared_library.hpp>
#include <cstring>

#include "host/dynamic_loader_error.hpp"

namespace streamgate {
namespace {

std::string text_of(const char* value) { return value ? std::string(value) : std::string("(null)"); }

}  // namespace

std::filesystem::path PluginLibrary::path_in(const std::filesystem::path& folder,
                                             std::string_view name) {
  return boost::dll::shared_library::decorate(folder / ("streamgate-" + std::string(name)));
}

PluginLibrary::PluginLibrary(std::filesystem::path file,
                             std::shared_ptr<boost::dll::shared_library> library,
                             const PluginDescriptor* descriptor)
    : file_(std::move(file)), library_(std::move(library)), descriptor_(descriptor) {}

PluginLibrary PluginLibrary::open(const std::filesystem::path& file,
                                  std::string_view configured_name) {
  const std::string where = "plugin \"" + std::string(configured_name) + "\": library " + file.string();
  std::error_code exists_ec;
  if (!std::filesystem::is_regular_file(file, exists_ec))
    throw PluginLoadError(where + " not found (check <plugins folder> or the plugin's path)");

  auto library = std::make_shared<boost::dll::shared_library>();
  std::error_code ec;
  library->load(file, boost::dll::load_mode::default_mode, ec);
  if (ec) {
    auto reason = last_dynamic_loader_error();
    throw PluginLoadError(where + " cannot be loaded: " + (reason.empty() ? ec.message() : reason));
  }
  if (!library->has(kPluginDescriptorSymbol)) {
    throw PluginLoadError(where + " is not a streamgate plugin: it exports no symbol " +
                          kPluginDescriptorSymbol);
  }
  // Read the descriptor only: nothing of the plugin runs before it passes.
  const auto& descriptor = library->get<const PluginDescriptor>(kPluginDescriptorSymbol);
  const SdkVersion host = host_sdk_version();
  if (descriptor.sdk_major != host.major) {
    throw PluginLoadError(where + " was built for SDK major version " +
                          std::to_string(descriptor.sdk_major) + " but the host has " +
                          std::to_string(host.major) + "; rebuild the plugin against this SDK");
  }
  if (descriptor.sdk_minor > host.minor) {
    throw PluginLoadError(where + " needs SDK " + std::to_string(descriptor.sdk_major) + "." +
                          std::to_string(descriptor.sdk_minor) + " but the host provides " +
                          std::to_string(host.major) + "." + std::to_string(host.minor) +
                          " (plugin minor " + std::to_string(descriptor.sdk_minor) +
                          " > host minor " + std::to_string(host.minor) + ")");
  }
  if (!descriptor.build_signature ||
      std::strcmp(descriptor.build_signature, host_build_signature()) != 0) {
    throw PluginLoadError(where + " is not binary compatible: its build signature \"" +
                          text_of(descriptor.build_signature) + "\" differs from the host's \"" +
                          host_build_signature() + "\"");
  }
  if (!descriptor.name || configured_name != descriptor.name) {
    throw PluginLoadError(where + " holds plugin \"" + text_of(descriptor.name) +
                          "\", not the configured \"" + std::string(configured_name) + "\"");
  }
  if (!descriptor.version || !descriptor.description || !descriptor.create || !descriptor.destroy)
    throw PluginLoadError(where + " has an incomplete descriptor (null version, description, "
                                  "create or destroy)");
  return PluginLibrary(file, std::move(library), &descriptor);
}

std::shared_ptr<Plugin> PluginLibrary::create() const {
  Plugin* raw = nullptr;
  try {
    raw = descriptor_->create();
  } catch (const std::exception& e) {
    throw PluginLoadError("plugin \"" + std::string(name()) + "\": create failed: " + e.what());
  }
  if (!raw) throw PluginLoadError("plugin \"" + std::string(name()) + "\": create returned null");
  // The deleter owns a reference to the library: the object's code and vtable
  // stay mapped until destroy() has run.
  return std::shared_ptr<Plugin>(raw, [library = library_, destroy = descriptor_->destroy](
                                          Plugin* plugin) { destroy(plugin); });
}

}  // namespace streamgate
