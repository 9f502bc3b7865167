// The flvrecord plugin: declares itself and wires its config to the recorder.
#include "streamgate/plugin.hpp"

#include <memory>

#include "flv_recorder.hpp"
#include "flvrecord_config.hpp"

namespace streamgate::flvrecord {

class FlvRecordPlugin : public Plugin {
 public:
  void configure(const ConfigNode& config) override { config_ = parse_flvrecord_config(config); }
  void start(Host& host) override {
    recorder_ = std::make_unique<FlvRecorder>(config_, host);
    recorder_->start();
  }
  void stop() noexcept override {
    if (recorder_) recorder_->stop();
    recorder_.reset();
  }

 private:
  FlvRecordConfig config_;
  std::unique_ptr<FlvRecorder> recorder_;
};

}  // namespace streamgate::flvrecord

STREAMGATE_PLUGIN(
    streamgate::flvrecord::FlvRecordPlugin, "flvrecord", "1.0.0",
    "FLV recorder: every published stream to a playable, seekable, crash-safe FLV file")
