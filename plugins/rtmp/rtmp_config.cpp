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
  server.limits.max_chunk_streams = max_chunk_streams;
  server.limits.max_held_bytes = static_cast<std::size_t>(max_partial_bytes);
  server.max_connection_bytes = static_cast<std::size_t>(max_connection_bytes);
  server.amf.max_depth = max_amf_depth;
  server.amf.max_elements = max_amf_elements;
  return server;
}

SubscribeOptions RtmpConfig::subscribe() const {
  SubscribeOptions options;
  options.max_queue_bytes = static_cast<std::size_t>(player_queue_bytes);
  options.max_queue_duration = player_queue_duration;
  options.replay_cache = true;
  return options;
}

ConnectionLimits::Settings RtmpConfig::admission() const {
  ConnectionLimits::Settings settings;
  settings.max_connections = max_connections;
  settings.max_connections_per_ip = max_connections_per_ip;
  settings.max_publishers = max_publishers;
  settings.max_streams_per_app = max_streams_per_app;
  return settings;
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

  const auto count = [&](std::string_view key, std::size_t fallback, std::int64_t min,
                         std::int64_t max) {
    return static_cast<std::size_t>(node.integer(key, static_cast<std::int64_t>(fallback), min, max));
  };
  config.max_connections = count("max-connections", config.max_connections, 1, 1'000'000);
  config.max_connections_per_ip =
      count("max-connections-per-ip", config.max_connections_per_ip, 1, 1'000'000);
  config.max_publishers = count("max-publishers", config.max_publishers, 1, 1'000'000);
  config.max_streams_per_app = count("max-streams-per-app", config.max_streams_per_app, 1, 1'000'000);
  // 2: the control stream and one for commands; 65599 is the most the 3-byte
  // basic header can name (RTMP 1.0 §5.3.1.1).
  config.max_chunk_streams = count("max-chunk-streams", config.max_chunk_streams, 2, 65'599);
  // A message of the largest allowed size must fit in both.
  config.max_partial_bytes =
      node.bytes("max-partial-size", config.max_partial_bytes, config.max_message_bytes, 4ull << 30);
  config.max_connection_bytes = node.bytes("max-connection-memory", config.max_connection_bytes,
                                           config.max_message_bytes, 4ull << 30);
  // The AMF decoders' own ceiling is 64 levels (the FLV code reads metadata with it).
  config.max_amf_depth = count("max-amf-depth", config.max_amf_depth, 2, 64);
  config.max_amf_elements = count("max-amf-elements", config.max_amf_elements, 16, 1 << 16);
  return config;
}

}  // namespace streamgate::rtmp
