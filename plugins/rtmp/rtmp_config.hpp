#pragma once
// The rtmp plugin's settings, parsed once from its <plugin> element. Each
// field's comment is the one-line documentation of its option (README's
// config reference and etc/streamgate.xml say the same).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "connection_limits.hpp"
#include "server_protocol.hpp"
#include "streamgate/bus.hpp"
#include "streamgate/config.hpp"

namespace streamgate::rtmp {

struct RtmpConfig {
  /// listen: addresses to accept RTMP on, separated by commas or spaces, e.g.
  /// "0.0.0.0:1935, [::]:1935"; "1935" alone = every interface (IPv4 and IPv6).
  std::vector<ListenAddress> listen{ListenAddress{"0.0.0.0", 1935}};
  /// chunk-size: outgoing chunk size, announced once after connect (128 to 1M).
  std::uint32_t chunk_size = 4096;
  /// max-message-size: largest message a peer may send (RTMP's 24-bit limit is 16M).
  std::uint32_t max_message_bytes = kMaxMessageSize;
  /// write-coalesce: the longest a video frame waits so that players get
  /// several in one write (CoalescingWindow); 0 = write as soon as data is
  /// pending (lowest latency), 40ms = one write per two frames at 30 fps.
  std::chrono::milliseconds write_coalesce{0};
  /// hold-audio-for-video: a player's audio and metadata wait for the next video frame (at
  /// most 100 ms; never in a stream without video), so each video frame and the audio around
  /// it go out in one write: about half the send calls of one write per message.
  bool hold_for_video = true;
  /// handshake-timeout: a connection must finish the handshake and connect within this.
  std::chrono::milliseconds handshake_timeout{10'000};
  /// idle-timeout: a connection that is not playing and sends nothing for this long is closed.
  std::chrono::milliseconds idle_timeout{30'000};
  /// player-lag-timeout: a player whose socket stays full (its writes back to back) this long
  /// is disconnected; meanwhile its queue drops media to the next keyframe.
  std::chrono::milliseconds player_lag_timeout{10'000};
  /// player-queue-size: media queued per player before the queue drops to the next keyframe.
  std::uint64_t player_queue_bytes = 8u << 20;
  /// player-queue-duration: media time queued per player before that drop.
  std::chrono::milliseconds player_queue_duration{10'000};
  /// window-ack-size: Window Acknowledgement Size asked of peers (and Set Peer Bandwidth).
  std::uint32_t window_ack_size = 2'500'000;

  // ---- limits (docs/security.md lists them all) ----
  /// max-connections: RTMP connections open at once; more are closed as soon as accepted.
  std::size_t max_connections = 10'000;
  /// max-connections-per-ip: connections open at once from one client address (NAT'd
  /// audiences and load tools share one); more are closed as soon as accepted.
  std::size_t max_connections_per_ip = 2'000;
  /// max-publishers: streams published over RTMP at once; more are refused (BadName).
  std::size_t max_publishers = 1'000;
  /// max-streams-per-app: streams published over RTMP into one app at once; more are refused.
  std::size_t max_streams_per_app = 1'000;
  /// max-chunk-streams: chunk streams one connection may open; more end the session.
  std::size_t max_chunk_streams = 64;
  /// max-partial-size: bytes held in unfinished messages of one connection, all chunk
  /// streams together (at least max-message-size); more end the session.
  std::uint64_t max_partial_bytes = 33u << 20;
  /// max-connection-memory: input one connection may make the gateway hold (unfinished
  /// messages, media and commands waiting for a decision; at least max-message-size);
  /// more end the session with a log line.
  std::uint64_t max_connection_bytes = 48u << 20;
  /// max-amf-depth: nesting of objects and arrays in a command or data message; deeper
  /// ends the session.
  std::size_t max_amf_depth = 32;
  /// max-amf-elements: AMF values in one data message (commands: at most 256); more end
  /// the session.
  std::size_t max_amf_elements = 1u << 16;

  /// What ServerProtocol needs of this.
  ServerConfig server() const;
  SubscribeOptions subscribe() const;
  ConnectionLimits::Settings admission() const;
};

/// Reads and checks the settings; throws ConfigError naming file and line.
RtmpConfig parse_rtmp_config(const ConfigNode& node);

}  // namespace streamgate::rtmp
