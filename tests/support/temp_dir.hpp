#pragma once
#include <filesystem>
#include <string>

namespace streamgate::test {

/// A fresh folder under the system temp folder, removed when destroyed
/// (kept when STREAMGATE_KEEP_TEMP is set, for post-mortems).
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "streamgate-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

/// Writes `text` to `path`, creating parent folders.
void write_text(const std::filesystem::path& path, const std::string& text);
std::string read_text(const std::filesystem::path& path);

}  // namespace streamgate::test
