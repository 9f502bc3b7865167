#pragma once
// One stream's recording in the adapter: bus items in (on the writer thread
// the stream belongs to), files out. A StreamStart starts a recording when
// the publish is wanted (mode), continuing the stream's last file for an
// "append" publish; StreamEnd closes it; a republish starts a new file.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "flvrecord_config.hpp"
#include "last_files.hpp"
#include "recording.hpp"
#include "stream_files.hpp"
#include "streamgate/bus.hpp"

namespace spdlog {
class logger;
}

namespace streamgate::flvrecord {

/// What every stream of one recorder shares.
struct RecorderContext {
  FlvRecordConfig config;
  StreamFilter filter;
  RecordingOptions recording;
  FileNaming naming;
  std::shared_ptr<spdlog::logger> logger;
  LastFiles last_files;

  RecorderContext(FlvRecordConfig settings, std::shared_ptr<spdlog::logger> log);
};

class RecordedStream {
 public:
  RecordedStream(StreamKey key, RecorderContext& context);
  ~RecordedStream();
  RecordedStream(const RecordedStream&) = delete;
  RecordedStream& operator=(const RecordedStream&) = delete;

  void handle(const BusItem& item);
  /// The flush interval: written data to the device.
  void flush();
  /// Closes the current file (metadata rewritten, renamed). Later media is
  /// ignored until the next StreamStart.
  void end();

  bool recording() const noexcept { return recording_ != nullptr; }

 private:
  void start(const PublishInfo& info);
  void prepare_append();

  StreamKey key_;
  std::string label_;
  RecorderContext& context_;
  std::unique_ptr<StreamFiles> files_;
  std::unique_ptr<Recording> recording_;
};

}  // namespace streamgate::flvrecord
