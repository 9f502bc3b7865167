#pragma once
// One stream's recording as a state machine without I/O: bus packets in,
// file operations out through RecordingFiles. It maps timestamps onto each
// file's timeline, cuts files where the segment policy says, starts every
// file with the metadata and codec configs it has seen, and after a failed
// open or write, waits `retry_after` before it tries a new file.

#include <cstdint>
#include <memory>
#include <optional>

#include "flv_writer.hpp"
#include "segmenter.hpp"
#include "timeline.hpp"

namespace streamgate::flvrecord {

struct RecordingOptions {
  FlvWriterOptions writer;
  std::uint32_t jump_threshold_ms = 1000;  ///< see Timeline
  SegmentPolicy segments;
  /// After a failed open or write, stream time to wait before trying a new
  /// file (at the next clean start point).
  std::chrono::milliseconds retry_after{2000};
};

/// What the adapter should log (each at most once per occurrence kind where noted).
struct RecordingNote {
  enum class Type : std::uint8_t {
    Invalid = 0,
    TimestampClamped,  ///< first small backward step of a file (value: file number)
    TimestampJump,     ///< a jump folded away (value: the jump in ms)
    OpenFailed,        ///< value: file number
    WriteFailed,       ///< value: file number
  };
  Type type = Type::Invalid;
  std::int64_t value = 0;
};

struct FileSummary {
  std::uint32_t number = 0;  ///< 0, 1, ... within this recording
  std::uint64_t bytes = 0;
  std::uint32_t duration_ms = 0;
  std::uint64_t frames = 0;
  bool failed = false;  ///< a write failed: the file ends early (repair can fix its metadata)
};

/// The adapter's side: real files, or memory in tests.
class RecordingFiles {
 public:
  virtual ~RecordingFiles() = default;
  /// Opens file `number` for appending; null when it cannot be opened.
  virtual ByteSink* open(std::uint32_t number) = 0;
  /// Ends the file opened last. `rewrite`, when present, must be written at
  /// its offset (same size) before the file is renamed into place.
  virtual void close(const std::optional<MetadataRewrite>& rewrite, const FileSummary& summary) = 0;
  virtual void note(const RecordingNote& note) { (void)note; }
};

class Recording {
 public:
  Recording(RecordingFiles& files, RecordingOptions options);

  /// Append mode: the first file continues the existing one described by
  /// `point` (its timeline continues after the existing media).
  void resume(const ResumePoint& point);

  void push(const MediaPacket& packet);

  /// Closes the current file, if any. Later pushes start a new one.
  void end();

  bool writing() const noexcept { return writer_ != nullptr; }
  std::uint32_t files_opened() const noexcept { return next_number_; }

 private:
  bool can_open_at(const MediaPacket& packet) const;
  bool open_file();
  void close_file();
  void remember(const MediaPacket& packet);

  RecordingFiles& files_;
  RecordingOptions options_;
  Segmenter segmenter_;
  std::unique_ptr<FlvWriter> writer_;
  std::optional<Timeline> timeline_;
  std::optional<ResumePoint> resume_;
  std::uint32_t number_ = 0;       ///< current file's number
  std::uint32_t next_number_ = 0;  ///< files opened so far
  bool stream_has_video_ = false;
  std::optional<std::int64_t> failed_at_ms_;  ///< stream time of the last failure

  // Replayed at the start of every file.
  std::shared_ptr<const MediaPacket> metadata_;
  std::shared_ptr<const MediaPacket> video_config_;
  std::shared_ptr<const MediaPacket> audio_config_;
};

}  // namespace streamgate::flvrecord
