#include "recorded_stream.hpp"

#include <spdlog/logger.h>

#include "part_repair.hpp"
#include "path_template.hpp"

namespace streamgate::flvrecord {

namespace fs = std::filesystem;

RecorderContext::RecorderContext(FlvRecordConfig settings, std::shared_ptr<spdlog::logger> log)
    : config(std::move(settings)),
      filter(config.filter()),
      recording(config.recording()),
      naming{config.root, config.path_template},
      logger(std::move(log)) {}

RecordedStream::RecordedStream(StreamKey key, RecorderContext& context)
    : key_(std::move(key)), label_(key_.app + "/" + key_.name), context_(context) {}

RecordedStream::~RecordedStream() { end(); }

void RecordedStream::handle(const BusItem& item) {
  switch (item.type) {
    case BusItem::Type::StreamStart: {
      end();  // a republish starts a new file (or, in append mode, continues it)
      static const PublishInfo kUnknown;
      const PublishInfo& info = item.info ? *item.info : kUnknown;
      if (context_.filter.wants_publish(info)) {
        start(info);
      } else {
        context_.logger->debug("flvrecord: {} not recorded: published as {} (mode record)", label_,
                               to_string(info.mode));
      }
      return;
    }
    case BusItem::Type::Media:
      if (recording_ && item.packet) recording_->push(*item.packet);
      return;
    case BusItem::Type::StreamEnd:
      end();
      return;
    case BusItem::Type::Invalid:
      return;
  }
}

void RecordedStream::start(const PublishInfo& info) {
  files_ = std::make_unique<StreamFiles>(context_.naming, key_, info.peer, context_.logger);
  recording_ = std::make_unique<Recording>(*files_, context_.recording);
  if (info.mode == PublishMode::Append) prepare_append();
  context_.logger->debug("flvrecord: {} recording (published as {}, peer {})", label_,
                         to_string(info.mode), info.peer);
}

// The file to continue: the one this stream recorded last, else the one the
// path template names now, when it exists.
void RecordedStream::prepare_append() {
  fs::path target = context_.last_files.get(label_);
  std::error_code ec;
  if (target.empty() || !fs::exists(target, ec)) {
    const PathFields fields{key_.app, key_.name, context_.naming.now()};
    target = expand_path_template(context_.naming.path_template, fields, context_.naming.root).path;
  }
  if (target.empty() || !fs::exists(target, ec)) {
    context_.logger->info(
        "flvrecord: {} published to append, but no earlier recording exists; "
        "recording to a new file",
        label_);
    return;
  }
  std::string why;
  auto point = resume_point_of(target, why);
  if (!point) {
    context_.logger->warn(
        "flvrecord: {} file '{}' cannot be continued ({}); recording to a new file", label_,
        target.string(), why);
    return;
  }
  files_->continue_file(target, point->size);
  recording_->resume(*point);
}

void RecordedStream::flush() {
  if (files_) files_->flush();
}

void RecordedStream::end() {
  if (!recording_) return;
  recording_->end();
  if (!files_->last_file().empty()) context_.last_files.set(label_, files_->last_file());
  recording_.reset();
  files_.reset();
}

}  // namespace streamgate::flvrecord
