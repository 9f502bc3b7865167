#pragma once
// Names of recording files on disk. A file being written is "NAME.part" and
// is renamed to NAME when it is closed (or repaired after a crash), so a
// finished name always holds a finished file.

#include <filesystem>
#include <string_view>
#include <system_error>
#include <vector>

namespace streamgate::flvrecord {

inline constexpr std::string_view kPartSuffix = ".part";

/// "a/x.flv" -> "a/x.flv.part".
std::filesystem::path part_path(const std::filesystem::path& final_path);
/// "a/x.flv.part" -> "a/x.flv"; a path without the suffix is returned as is.
std::filesystem::path final_path_of(const std::filesystem::path& part);
bool is_part_file(const std::filesystem::path& path);

/// `wanted`, or "x-1.flv", "x-2.flv", ... : the first name for which neither the
/// file nor its .part exists (`own_part`, the caller's own .part, does not
/// count). Empty, with `ec`, when the folder cannot be looked into or 10 000
/// names are taken.
std::filesystem::path unused_name(const std::filesystem::path& wanted, std::error_code& ec,
                                  const std::filesystem::path& own_part = {});

/// Every .part file under `root` (recursively; unreadable folders are skipped).
std::vector<std::filesystem::path> find_part_files(const std::filesystem::path& root,
                                                   std::error_code& ec);

}  // namespace streamgate::flvrecord
