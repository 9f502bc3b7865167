#pragma once
// The rtmp plugin at run time: its listeners and sessions. start() opens
// every configured address (failing start-up if one cannot be opened);
// stop() closes the listeners, then every session (publishers end their bus
// streams), and returns once no handler of the plugin can run any more.

#include <memory>
#include <vector>

#include "rtmp_config.hpp"
#include "streamgate/host.hpp"

namespace streamgate::rtmp {

struct ServerContext;
class Listener;

class RtmpServer {
 public:
  RtmpServer(RtmpConfig config, Host& host);
  ~RtmpServer();
  RtmpServer(const RtmpServer&) = delete;
  RtmpServer& operator=(const RtmpServer&) = delete;

  /// Throws std::runtime_error when an address cannot be listened on.
  void start();
  void stop() noexcept;

 private:
  void close_listeners() noexcept;

  std::shared_ptr<ServerContext> context_;
  std::vector<std::shared_ptr<Listener>> listeners_;
};

}  // namespace streamgate::rtmp
