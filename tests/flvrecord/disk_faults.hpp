#pragma once
// Real disk faults for tests, undone when the guard goes out of scope.
//  - ReadOnlyFolder: nothing can be created in a folder. chmod 0555 is enough
//    for an ordinary user; root passes permission checks, so for root the
//    folder is also made immutable (the chattr +i flag, EPERM for everyone;
//    Linux file systems that support it, e.g. ext4).
//  - FileSizeLimit: RLIMIT_FSIZE, so writes past a size fail with EFBIG as
//    they would on a full disk (SIGXFSZ ignored meanwhile).

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <string>

namespace streamgate::flvrecord::test {

class ReadOnlyFolder {
 public:
  explicit ReadOnlyFolder(std::filesystem::path folder) : folder_(std::move(folder)) {
    std::filesystem::create_directories(folder_);
    std::filesystem::permissions(
        folder_, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec |
                     std::filesystem::perms::group_read | std::filesystem::perms::group_exec |
                     std::filesystem::perms::others_read | std::filesystem::perms::others_exec);
    if (::geteuid() == 0) {
      immutable_ = set_immutable(true);
      active_ = immutable_;
    } else {
      active_ = true;
    }
  }
  ~ReadOnlyFolder() { lift(); }
  ReadOnlyFolder(const ReadOnlyFolder&) = delete;
  ReadOnlyFolder& operator=(const ReadOnlyFolder&) = delete;

  /// False when the fault could not be made (root without chattr support).
  bool active() const { return active_; }

  void lift() {
    if (immutable_) set_immutable(false);
    immutable_ = false;
    std::error_code ec;
    std::filesystem::permissions(folder_, std::filesystem::perms::owner_all, ec);
  }

 private:
  bool set_immutable(bool on) const {
    const int fd = ::open(folder_.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return false;
    int flags = 0;
    bool ok = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
    flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
    ok = ok && ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
    ::close(fd);
    return ok;
  }

  std::filesystem::path folder_;
  bool immutable_ = false;
  bool active_ = false;
};

class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t max_bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limited = saved_;
    limited.rlim_cur = max_bytes;
    active_ = ::setrlimit(RLIMIT_FSIZE, &limited) == 0;
  }
  ~FileSizeLimit() { lift(); }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

  bool active() const { return active_; }
  void lift() {
    if (!active_) return;
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previous_handler_);
    active_ = false;
  }

 private:
  rlimit saved_{};
  void (*previous_handler_)(int) = SIG_DFL;
  bool active_ = false;
};

}  // namespace streamgate::flvrecord::test
