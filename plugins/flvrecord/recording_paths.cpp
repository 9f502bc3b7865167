#include "recording_paths.hpp"

#include "path_template.hpp"

namespace streamgate::flvrecord {

namespace fs = std::filesystem;

namespace {
constexpr unsigned kMaxNumberedNames = 10000;
}

fs::path part_path(const fs::path& final_path) {
  fs::path part = final_path;
  part += std::string(kPartSuffix);
  return part;
}

bool is_part_file(const fs::path& path) {
  const std::string name = path.filename().string();
  return name.size() > kPartSuffix.size() && name.ends_with(kPartSuffix);
}

fs::path final_path_of(const fs::path& part) {
  if (!is_part_file(part)) return part;
  const std::string name = part.filename().string();
  return part.parent_path() / name.substr(0, name.size() - kPartSuffix.size());
}

fs::path unused_name(const fs::path& wanted, std::error_code& ec, const fs::path& own_part) {
  // exists() reports "not found" as false without an error; any error means
  // the folder cannot be looked into, and guessing on would be wrong.
  const auto taken = [&ec](const fs::path& path) { return fs::exists(path, ec) || ec; };
  for (unsigned n = 0; n < kMaxNumberedNames; ++n) {
    fs::path candidate = numbered_path(wanted, n);
    const fs::path part = part_path(candidate);
    if (taken(candidate)) {
      if (ec) return {};
      continue;
    }
    if (part == own_part || !taken(part)) return candidate;
    if (ec) return {};
  }
  ec = std::make_error_code(std::errc::file_exists);
  return {};
}

std::vector<fs::path> find_part_files(const fs::path& root, std::error_code& ec) {
  std::vector<fs::path> out;
  ec.clear();
  if (!fs::exists(root, ec)) return out;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec) && is_part_file(it->path())) out.push_back(it->path());
  }
  return out;
}

}  // namespace streamgate::flvrecord
