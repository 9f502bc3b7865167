#include "part_repair.hpp"

#include <fstream>
#include <vector>

#include "disk_file.hpp"
#include "recording_paths.hpp"

namespace streamgate::flvrecord {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kReadChunk = 1u << 20;

bool has_frames(const FlvScanner& scanner) { return !scanner.indexer().index().empty(); }

}  // namespace

std::uint64_t scan_file(const fs::path& path, FlvScanner& scanner, std::error_code& ec) {
  ec.clear();
  const std::uint64_t size = fs::file_size(path, ec);
  if (ec) return 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ec = std::make_error_code(std::errc::permission_denied);
    return size;
  }
  // Bytes the scanner has not used yet: at most one tag (read_tag bounds it).
  std::vector<std::byte> pending;
  while (!scanner.stopped()) {
    const std::size_t old_size = pending.size();
    pending.resize(old_size + kReadChunk);
    in.read(reinterpret_cast<char*>(pending.data() + old_size), std::streamsize(kReadChunk));
    const auto got = static_cast<std::size_t>(in.gcount());
    pending.resize(old_size + got);
    if (got == 0) break;
    const std::size_t used = scanner.feed(pending);
    pending.erase(pending.begin(), pending.begin() + std::ptrdiff_t(used));
  }
  if (in.bad()) ec = std::make_error_code(std::errc::io_error);
  return size;
}

PartRepair repair_part_file(const fs::path& part) {
  PartRepair out;
  auto failed = [&](std::string what, const std::error_code& ec) {
    out.result = PartRepair::Result::Failed;
    out.error = std::move(what) + ": " + ec.message();
    return out;
  };
  FlvScanner scanner;
  std::error_code ec;
  out.original_size = scan_file(part, scanner, ec);
  if (ec) return failed("not readable", ec);
  out.plan = plan_repair(scanner, out.original_size);
  if (!out.plan.usable || !has_frames(scanner)) {
    fs::remove(part, ec);
    if (ec) return failed("not removed", ec);
    out.result = PartRepair::Result::Removed;
    return out;
  }
  // Truncate the torn tail, then rewrite the metadata for what is kept.
  auto file = DiskFile::continue_at(part, out.plan.truncate_to, ec);
  if (!file) return failed("not opened", ec);
  if (out.plan.rewrite) file->write_at(out.plan.rewrite->offset, out.plan.rewrite->bytes);
  if (!file->close()) return failed("metadata not rewritten", file->error());
  out.final_path = unused_name(final_path_of(part), ec, part);
  if (out.final_path.empty()) return failed("not renamed", ec);
  fs::rename(part, out.final_path, ec);
  if (ec) return failed("not renamed", ec);
  out.result = PartRepair::Result::Repaired;
  return out;
}

std::optional<ResumePoint> resume_point_of(const fs::path& path, std::string& why) {
  FlvScanner scanner;
  std::error_code ec;
  const std::uint64_t size = scan_file(path, scanner, ec);
  if (ec) {
    why = "not readable: " + ec.message();
    return std::nullopt;
  }
  auto point = scanner.resume_point();
  if (!point) {
    why = scanner.stopped() ? scanner.problem() : "not a recording with the recorder's metadata";
    return std::nullopt;
  }
  if (point->size != size) {
    why = "ends with " + std::to_string(size - point->size) + " bytes that are not a whole tag";
    return std::nullopt;
  }
  return point;
}

}  // namespace streamgate::flvrecord
