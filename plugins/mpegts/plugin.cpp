// The mpegts plugin: declares itself and wires its config to the service.
#include "streamgate/plugin.hpp"

#include <memory>

#include "mpegts_config.hpp"
#include "mpegts_service.hpp"

namespace streamgate::mpegts {

class MpegtsPlugin : public Plugin {
 public:
  void configure(const ConfigNode& config) override { config_ = parse_mpegts_config(config); }
  void start(Host& host) override {
    service_ = std::make_unique<MpegtsService>(config_, host);
    service_->start();
  }
  void stop() noexcept override {
    if (service_) service_->stop();
    service_.reset();
  }

 private:
  MpegtsConfig config_;
  std::unique_ptr<MpegtsService> service_;
};

}  // namespace streamgate::mpegts

STREAMGATE_PLUGIN(
    streamgate::mpegts::MpegtsPlugin, "mpegts", "1.0.0",
    "MPEG-TS muxer: a transport stream of every live stream, on the bus and over HTTP")
