#include "file_sync.hpp"

#include <cerrno>

#if defined(_WIN32)
#include <io.h>
#else
#include <unistd.h>
#endif

namespace streamgate::flvrecord {

std::error_code sync_file_data(std::FILE* file) noexcept {
#if defined(_WIN32)
  const int result = _commit(_fileno(file));
#elif defined(__APPLE__)
  const int result = fsync(fileno(file));  // no fdatasync on macOS
#else
  const int result = fdatasync(fileno(file));
#endif
  return result == 0 ? std::error_code{} : std::error_code(errno, std::generic_category());
}

}  // namespace streamgate::flvrecord
