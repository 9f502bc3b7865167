// The hls plugin: declares itself and wires its config to the service.
#include <memory>
#include <optional>

#include "hls_config.hpp"
#include "hls_service.hpp"
#include "streamgate/plugin.hpp"

namespace streamgate::hls {

class HlsPlugin : public Plugin {
 public:
  void configure(const ConfigNode& config) override { config_ = parse_hls_config(config); }
  void start(Host& host) override {
    service_ = std::make_unique<HlsService>(config_, host);
    service_->start();
  }
  void stop() noexcept override {
    if (service_) service_->stop();
    service_.reset();
  }

 private:
  HlsConfig config_;
  std::unique_ptr<HlsService> service_;
};

}  // namespace streamgate::hls

STREAMGATE_PLUGIN(streamgate::hls::HlsPlugin, "hls", "1.0.0",
                  "HLS packager: live playlists and segments from the MPEG-TS stream, over HTTP and on disk")
