#pragma once
// The rtmp plugin's settings, parsed once from its <plugin> element. Each
// field's comment is the one-line documentation of its option (README's
// config reference and etc/streamgate.xml say the same).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

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
  /// write-coalesce: gather a player's output for this long into one write;
  /// 0 = write as soon as data is pending (lowest latency), 50ms-200ms trade
  /// latency for fewer send calls.
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

  /// What ServerProtocol needs of this.
  ServerConfig server() const;
  SubscribeOptions subscribe() const;
};

/// Reads and checks the settings; throws ConfigError naming file and line.
RtmpConfig parse_rtmp_config(const ConfigNode& node);

}  // namespace streamgate::rtmp
