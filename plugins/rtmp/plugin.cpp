// The rtmp plugin: declares itself and wires its config to the server.
#include <memory>

#include "rtmp_config.hpp"
#include "rtmp_server.hpp"
#include "streamgate/plugin.hpp"

namespace streamgate::rtmp {

class RtmpPlugin : public Plugin {
 public:
  void configure(const ConfigNode& config) override { config_ = parse_rtmp_config(config); }
  void start(Host& host) override {
    auto server = std::make_unique<RtmpServer>(config_, host);
    server->start();  // throws with nothing left open
    server_ = std::move(server);
  }
  void stop() noexcept override {
    if (server_) server_->stop();
    server_.reset();
  }

 private:
  RtmpConfig config_;
  std::unique_ptr<RtmpServer> server_;
};

}  // namespace streamgate::rtmp

STREAMGATE_PLUGIN(streamgate::rtmp::RtmpPlugin, "rtmp", "1.0.0",
                  "RTMP ingest and playback: encoders publish, players watch, one copy per packet")
