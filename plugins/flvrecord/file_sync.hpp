#pragma once
// The recorder's one OS-specific call: push a file's written data from the
// OS cache to the storage device (fdatasync on POSIX, _commit on Windows).

#include <cstdio>
#include <system_error>

namespace streamgate::flvrecord {

/// Syncs the data of `file` (already fflush-ed) to the device.
std::error_code sync_file_data(std::FILE* file) noexcept;

}  // namespace streamgate::flvrecord
