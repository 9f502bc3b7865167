#pragma once
// Recording file names from a template such as
// "{app}/{stream}-{date}-{time}.flv" under a root folder.
//   {app}, {stream}  the names, made file-name safe (sanitize_path_component)
//   {date}           YYYY-MM-DD
//   {time}           HH-MM-SS
//   {unix}           seconds since 1970-01-01 UTC
// App and stream names come from the network: a result outside the root is
// refused, whatever the names or the template say.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace streamgate::flvrecord {

struct PathFields {
  std::string_view app;
  std::string_view stream;
  std::chrono::system_clock::time_point time;
  /// Added to `time` for {date} and {time} (0 = UTC; the adapter may pass
  /// the local offset). {unix} is always UTC.
  std::chrono::minutes utc_offset{0};
};

struct ExpandedPath {
  std::filesystem::path path;  ///< root / expansion, lexically normal
  std::string error;           ///< why there is no path

  bool ok() const noexcept { return error.empty(); }
};

/// Why `path_template` cannot be used (unknown placeholder, unbalanced
/// brace, absolute path, "." or ".." folders, empty), or nullopt. For
/// checking the config.
std::optional<std::string> path_template_problem(std::string_view path_template);

ExpandedPath expand_path_template(std::string_view path_template, const PathFields& fields,
                                  const std::filesystem::path& root);

/// The `n`-th alternative name for a file that exists already:
/// "a/live-1.flv" for n = 1 ("a/live.flv"). n = 0 gives `path` itself.
std::filesystem::path numbered_path(const std::filesystem::path& path, unsigned n);

}  // namespace streamgate::flvrecord
