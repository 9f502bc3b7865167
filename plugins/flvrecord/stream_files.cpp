#include "stream_files.hpp"

#include <spdlog/logger.h>

#include "part_repair.hpp"
#include "path_template.hpp"
#include "recording_paths.hpp"

namespace streamgate::flvrecord {

namespace fs = std::filesystem;

namespace {

constexpr int kCreateAttempts = 3;  // a name taken between the check and the create

std::string seconds_text(std::uint32_t ms) { return fmt::format("{:.1f} s", ms / 1000.0); }

}  // namespace

StreamFiles::StreamFiles(FileNaming naming, StreamKey key, std::string peer,
                         std::shared_ptr<spdlog::logger> logger)
    : naming_(std::move(naming)),
      key_(std::move(key)),
      label_(key_.app + "/" + key_.name),
      peer_(std::move(peer)),
      logger_(std::move(logger)) {}

StreamFiles::~StreamFiles() {
  // The owner ends the recording first; a file still open here stays a
  // .part file, which the next start-up repairs.
  if (file_) file_->close();
}

void StreamFiles::continue_file(fs::path path, std::uint64_t size) {
  continue_.emplace(std::move(path), size);
}

std::unique_ptr<DiskFile> StreamFiles::open_new(fs::path& final_path, std::error_code& ec,
                                                std::string& what) {
  const PathFields fields{key_.app, key_.name, naming_.now()};
  const auto expanded = expand_path_template(naming_.path_template, fields, naming_.root);
  if (!expanded.ok()) {
    final_path = naming_.root;
    what = "has no name (" + expanded.error + ")";
    ec = std::make_error_code(std::errc::invalid_argument);
    return nullptr;
  }
  final_path = expanded.path;
  fs::create_directories(expanded.path.parent_path(), ec);
  if (ec) {
    what = "not created: folder '" + expanded.path.parent_path().string() + "' not created";
    return nullptr;
  }
  for (int attempt = 0; attempt < kCreateAttempts; ++attempt) {
    final_path = unused_name(expanded.path, ec);
    if (final_path.empty()) {
      final_path = expanded.path;
      what = ec == std::errc::file_exists ? "not created: every numbered name is taken"
                                          : "not created: its folder cannot be read";
      return nullptr;
    }
    auto file = DiskFile::create(part_path(final_path), ec);
    if (file) return file;
    if (ec != std::errc::file_exists) break;
  }
  what = "not created";
  return nullptr;
}

ByteSink* StreamFiles::open(std::uint32_t number) {
  std::error_code ec;
  std::string what;
  continued_ = false;
  if (continue_) {
    // Append mode: the finished file becomes a .part again while it grows.
    final_path_ = continue_->first;
    const fs::path part = part_path(final_path_);
    fs::rename(final_path_, part, ec);
    if (!ec) {
      file_ = DiskFile::continue_at(part, continue_->second, ec);
      if (!file_) {
        std::error_code ignored;
        fs::rename(part, final_path_, ignored);
      }
    }
    what = "not continued";
    continued_ = file_ != nullptr;
    if (continued_) continue_.reset();
  } else {
    file_ = open_new(final_path_, ec, what);
  }
  if (!file_) {
    if (open_failures_++ == 0)
      logger_->error(
          "flvrecord: {} file '{}' {}: {}; the stream goes on, recording retries at the next "
          "segment (peer {})",
          label_, part_path(final_path_).string(), what, ec.message(), peer_);
    else
      logger_->debug("flvrecord: {} file '{}' {} again: {} ({} attempts)", label_,
                     part_path(final_path_).string(), what, ec.message(), open_failures_);
    return nullptr;
  }
  if (open_failures_ > 0)
    logger_->info("flvrecord: {} recording resumed after {} failed attempts", label_,
                  open_failures_);
  open_failures_ = 0;
  logger_->info("flvrecord: {} file '{}' {} (file {} of this publish, peer {})", label_,
                final_path_.string(), continued_ ? "continued" : "started", number + 1, peer_);
  return file_.get();
}

void StreamFiles::close(const std::optional<MetadataRewrite>& rewrite, const FileSummary& summary) {
  if (!file_) return;
  const fs::path part = file_->path();
  bool ok = !summary.failed && !file_->error();
  if (ok && rewrite) ok = file_->write_at(rewrite->offset, rewrite->bytes);
  ok = file_->close() && ok;
  const std::string reason = file_->error() ? file_->error().message() : "a write failed";
  file_.reset();
  if (!ok) {
    finish_failed(reason);
    return;
  }
  if (summary.frames == 0 && !continued_) {
    std::error_code ec;
    fs::remove(part, ec);
    logger_->debug("flvrecord: {} file '{}' removed: no media was written", label_, part.string());
    return;
  }
  rename_into_place();
  if (!last_file_.empty())
    logger_->info("flvrecord: {} file '{}' closed: {}, {} bytes", label_, last_file_.string(),
                  seconds_text(summary.duration_ms), summary.bytes);
}

void StreamFiles::rename_into_place() {
  const fs::path part = part_path(final_path_);
  std::error_code ec;
  // The name was free when the file opened; take the next one if it is not now.
  const fs::path target = unused_name(final_path_, ec, part);
  if (!target.empty()) fs::rename(part, target, ec);
  if (target.empty() || ec) {
    logger_->error("flvrecord: {} file '{}' not renamed to '{}': {}; renamed at the next start",
                   label_, part.string(), final_path_.string(), ec.message());
    return;
  }
  last_file_ = target;
  ++files_closed_;
}

void StreamFiles::finish_failed(const std::string& reason) {
  const fs::path part = part_path(final_path_);
  const PartRepair repair = repair_part_file(part);
  switch (repair.result) {
    case PartRepair::Result::Repaired:
      last_file_ = repair.final_path;
      ++files_closed_;
      logger_->warn("flvrecord: {} file '{}' ended early ({}); repaired: {} kept", label_,
                    repair.final_path.string(), reason, seconds_text(repair.plan.duration_ms));
      return;
    case PartRepair::Result::Removed:
      logger_->warn("flvrecord: {} file '{}' removed: {} before any whole frame", label_,
                    part.string(), reason);
      return;
    default:
      logger_->error(
          "flvrecord: {} file '{}' ended early ({}) and is {}; repaired at the next start", label_,
          part.string(), reason, repair.error);
      return;
  }
}

void StreamFiles::note(const RecordingNote& note) {
  switch (note.type) {
    case RecordingNote::Type::TimestampClamped:
      logger_->info("flvrecord: {} timestamps stepped back; clamped to stay monotonic in '{}'",
                    label_, final_path_.string());
      break;
    case RecordingNote::Type::TimestampJump:
      logger_->warn("flvrecord: {} timestamps jumped by {} ms; folded so '{}' stays continuous",
                    label_, note.value, final_path_.string());
      break;
    case RecordingNote::Type::WriteFailed:
      logger_->error(
          "flvrecord: {} file '{}' write failed: {}; the stream goes on, recording retries at "
          "the next segment",
          label_, part_path(final_path_).string(),
          file_ && file_->error() ? file_->error().message() : std::string("unknown error"));
      break;
    default:
      break;  // OpenFailed: logged by open() with the reason
  }
}

void StreamFiles::flush() {
  if (!file_ || file_->unflushed() == 0) return;
  // A failure is kept by the file: the next write fails and is logged.
  if (!file_->flush())
    logger_->debug("flvrecord: {} file '{}' not flushed: {}", label_, file_->path().string(),
                   file_->error().message());
}

}  // namespace streamgate::flvrecord
