#pragma once
// Repair on disk of a recording left unfinished (a crash, or a write error):
// read it through FlvScanner, cut the torn tail, rewrite the closing metadata
// (duration, filesize, keyframes) in place, and rename NAME.part to NAME.
// Also reads an existing recording back for append mode.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>

#include "flv_scanner.hpp"
#include "repair.hpp"

namespace streamgate::flvrecord {

/// Reads `path` front to back (1 MiB at a time) through `scanner`; returns the
/// file size. Stops early where the scanner stops.
std::uint64_t scan_file(const std::filesystem::path& path, FlvScanner& scanner,
                        std::error_code& ec);

struct PartRepair {
  enum class Result : std::uint8_t {
    Invalid = 0,
    Repaired,  ///< renamed to `final_path`, metadata rebuilt when the file had ours
    Removed,   ///< nothing playable in it (no whole frame): deleted
    Failed,    ///< left as it was; `error` says why
  };
  Result result = Result::Invalid;
  std::filesystem::path final_path;
  RepairPlan plan;
  std::uint64_t original_size = 0;
  std::string error;
};

/// Repairs `part` (a NAME.part file) and renames it to NAME, or a numbered
/// NAME-1... when NAME exists (nothing is overwritten).
PartRepair repair_part_file(const std::filesystem::path& part);

/// Where a new recording can continue the finished recording `path` (append
/// mode): nullopt, with `why`, when it is not a whole file the recorder wrote.
std::optional<ResumePoint> resume_point_of(const std::filesystem::path& path, std::string& why);

}  // namespace streamgate::flvrecord
