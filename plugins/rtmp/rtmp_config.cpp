#include "rtmp_config.hpp"

namespace streamgate::rtmp {

using std::chrono::milliseconds;
using std::chrono::seconds;

ServerConfig RtmpConfig::server() const {
  ServerConfig server;
  server.chunk_size = chunk_size;
  server.window_ack_size = window_ack_size;
  server.peer_bandwidth = window_ack_size;
  server.limits.max_message_bytes = max_message_bytes;
  // Unfinished messages on all chunk streams together: two of the largest
  // (a video and an audio message interleaved) plus slack for small ones.
  server.limits.max_held_bytes = 2 * std::size_t(max_message_bytes) + (1u << 20);
  return server;
}

SubscribeOptions RtmpConfig::subscribe() const {
  SubscribeOptions options;
  options.max_queue_bytes = static_cast<std::size_t>(player_queue_bytes);
  options.max_queue_duration = player_queue_duration;
  options.replay_cache = true;
  return options;
}

RtmpConfig parse_rtmp_config(const ConfigNode& node) {
  RtmpConfig config;
  const auto listen = node.list("listen");
  if (!listen.empty()) {
    config.listen.clear();
    for (const auto& text : listen) {
      auto address = parse_listen_address(text);
      if (!address)
        node.fail("listen", "\"" + text +
                                "\" is not a listen address; expected host:port with a port from 1 "
                                "to 65535, e.g. \"0.0.0.0:1935\", \"[::]:1935\" or \"1935\"");
      config.listen.push_back(*address);
    }
  }
  config.chunk_size =
      static_cast<std::uint32_t>(node.bytes("chunk-size", config.chunk_size, 128, 1u << 20));
  config.max_message_bytes = static_cast<std::uint32_t>(
      node.bytes("max-message-size", config.max_message_bytes, 64u << 10, kMaxMessageSize));
  config.write_coalesce =
      node.duration("write-coalesce", config.write_coalesce, milliseconds(0), seconds(1));
  config.hold_for_video = node.boolean("hold-audio-for-video", config.hold_for_video);
  config.handshake_timeout =
      node.duration("handshake-timeout", config.handshake_timeout, milliseconds(100), seconds(300));
  config.idle_timeout =
      node.duration("idle-timeout", config.idle_timeout, milliseconds(100), std::chrono::hours(24));
  config.player_lag_timeout = node.duration("player-lag-timeout", config.player_lag_timeout,
                                            milliseconds(100), std::chrono::hours(1));
  config.player_queue_bytes =
      node.bytes("player-queue-size", config.player_queue_bytes, 64u << 10, 1ull << 30);
  config.player_queue_duration = node.duration("player-queue-duration", config.player_queue_duration,
                                               milliseconds(100), std::chrono::minutes(10));
  config.window_ack_size = static_cast<std::uint32_t>(
      node.bytes("window-ack-size", config.window_ack_size, 4096, 0x7FFFFFFF));
  return config;
}

}  // namespace streamgate::rtmp
