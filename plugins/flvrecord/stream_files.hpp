#pragma once
// The files of one stream's recording, on disk: the adapter's side of
// RecordingFiles. Names come from the path template under the root (taken
// names get a numbered suffix: nothing is overwritten); a file is written as
// NAME.part and renamed when closed. A file that ended on a write error is
// repaired in place (torn tail cut, metadata rebuilt) before it is renamed.
// Every call runs on the recorder's writer thread.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "disk_file.hpp"
#include "recording.hpp"
#include "streamgate/bus.hpp"

namespace spdlog {
class logger;
}

namespace streamgate::flvrecord {

struct FileNaming {
  std::filesystem::path root;
  std::string path_template;
  /// Wall clock for {date}, {time}, {unix}.
  std::function<std::chrono::system_clock::time_point()> now = [] {
    return std::chrono::system_clock::now();
  };
};

class StreamFiles final : public RecordingFiles {
 public:
  StreamFiles(FileNaming naming, StreamKey key, std::string peer,
              std::shared_ptr<spdlog::logger> logger);
  ~StreamFiles() override;
  StreamFiles(const StreamFiles&) = delete;
  StreamFiles& operator=(const StreamFiles&) = delete;

  /// Append mode: the next file opened continues `path`, valid up to `size`.
  void continue_file(std::filesystem::path path, std::uint64_t size);

  ByteSink* open(std::uint32_t number) override;
  void close(const std::optional<MetadataRewrite>& rewrite, const FileSummary& summary) override;
  void note(const RecordingNote& note) override;

  /// Pushes what was written to the device (the flush interval).
  void flush();

  /// The last file closed (its final name), empty if none.
  const std::filesystem::path& last_file() const noexcept { return last_file_; }
  std::uint32_t files_closed() const noexcept { return files_closed_; }
  std::uint32_t open_failures() const noexcept { return open_failures_; }

 private:
  std::unique_ptr<DiskFile> open_new(std::filesystem::path& final_path, std::error_code& ec,
                                     std::string& what);
  void finish_failed(const std::string& reason);
  void rename_into_place();

  FileNaming naming_;
  StreamKey key_;
  std::string label_;  ///< "app/name"
  std::string peer_;
  std::shared_ptr<spdlog::logger> logger_;

  std::unique_ptr<DiskFile> file_;
  std::filesystem::path final_path_;  ///< what file_ becomes when closed
  bool continued_ = false;            ///< file_ continues an existing recording
  std::optional<std::pair<std::filesystem::path, std::uint64_t>> continue_;
  std::filesystem::path last_file_;
  std::uint32_t files_closed_ = 0;
  std::uint32_t open_failures_ = 0;  ///< in a row
};

}  // namespace streamgate::flvrecord
