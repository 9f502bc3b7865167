#pragma once
// One plugin library, opened with Boost.DLL and checked against the host
// before anything in it is called: the host reads the exported
// PluginDescriptor and refuses the library when the SDK major differs, its
// minor is newer than the host's, its build signature differs, or it names
// another plugin than the config does.
//
// Lifetime: every Plugin created here holds the library in its deleter
// (Boost.DLL's refcounting pattern), so code and vtables stay mapped while
// any object from the library lives.

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "streamgate/plugin.hpp"

namespace boost::dll {
class shared_library;
}

namespace streamgate {

/// Why a plugin library was refused; the message names the file and both values.
class PluginLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class PluginLibrary {
 public:
  /// `<folder>/libstreamgate-<name>.so` on this platform (Boost.DLL decorations).
  static std::filesystem::path path_in(const std::filesystem::path& folder, std::string_view name);

  /// Opens `file` and checks its descriptor against the host and against
  /// `configured_name`. Throws PluginLoadError.
  static PluginLibrary open(const std::filesystem::path& file, std::string_view configured_name);

  const std::filesystem::path& file() const noexcept { return file_; }
  std::string_view name() const noexcept { return descriptor_->name; }
  std::string_view version() const noexcept { return descriptor_->version; }
  std::string_view description() const noexcept { return descriptor_->description; }

  /// A new plugin object; its deleter runs the library's destroy() and keeps
  /// the library loaded until then. Throws PluginLoadError if creation fails.
  std::shared_ptr<Plugin> create() const;

  /// Keeps the library loaded while held (for things the host holds that came
  /// from the plugin, such as HTTP handlers).
  std::shared_ptr<const void> keep_loaded() const { return library_; }

 private:
  PluginLibrary(std::filesystem::path file, std::shared_ptr<boost::dll::shared_library> library,
                const PluginDescriptor* descriptor);

  std::filesystem::path file_;
  std::shared_ptr<boost::dll::shared_library> library_;
  const PluginDescriptor* descriptor_;
};

}  // namespace streamgate
