#pragma once
// One load-test player: connect, createStream, play, then watch what arrives.
// It records startup time (play sent -> first coded video frame), and inside
// the measurement window: bytes, publish-to-player latency of live frames
// (matched by content against its publisher's SendLog), lag drift (media
// time vs wall time) and frames the server skipped.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "frame_index.hpp"
#include "measure_window.hpp"
#include "rtmp_connection.hpp"
#include "rtmp_url.hpp"

namespace streamgate::bench {

/// How far a player got, for the report of players that never played.
enum class PlayerStage : std::uint8_t {
  Invalid = 0,
  TcpConnecting,
  Handshaking,     ///< TCP up, handshake not finished
  Connecting,      ///< connect sent, no _result yet
  CreatingStream,  ///< createStream sent, no _result yet
  Playing,         ///< play sent
};
std::string_view to_string(PlayerStage stage) noexcept;

struct PlayerResult {
  PlayerStage stage = PlayerStage::Invalid;
  bool playing = false;  ///< play was sent (connect and createStream succeeded)
  std::string failure;   ///< why the player stopped, empty while it runs
  std::int64_t play_sent_us = 0;
  std::int64_t first_video_us = 0;  ///< first coded video frame (not a sequence header)
  std::int64_t last_video_us = 0;
  std::uint64_t video_frames = 0;  ///< whole run
  std::uint64_t audio_frames = 0;
  // Inside the window:
  std::uint64_t window_bytes = 0;
  std::uint64_t window_video_frames = 0;
  std::uint64_t missed_frames = 0;  ///< gaps in the source's frame order
  std::int64_t max_drift_us = 0;    ///< how far wall time ran ahead of media time, past its best
  std::vector<std::int32_t> latency_us;  ///< one per live video frame matched
};

struct PlayerContext {
  const RtmpUrl* url = nullptr;
  const FrameIndex* frames = nullptr;
  const SendLog* sends = nullptr;  ///< null when another program publishes
  const MeasureWindow* window = nullptr;
  boost::asio::ip::tcp::endpoint server;
};

class BenchPlayer {
 public:
  BenchPlayer(boost::asio::io_context& io, std::vector<std::byte>& read_buffer,
              PlayerContext context);

  void start();
  void stop();
  const PlayerResult& result() const noexcept { return result_; }

 private:
  void handle(std::vector<rtmp::ClientEvent>& events, std::int64_t read_us);
  void on_result(const rtmp::client_event::Result& result);
  void on_media(const rtmp::Message& message, std::int64_t read_us);
  void on_video_frame(const rtmp::Message& message, std::int64_t read_us);
  void fail(const std::string& reason);

  PlayerContext context_;
  RtmpConnection connection_;
  PlayerResult result_;
  double connect_transaction_ = 0;
  double create_stream_transaction_ = 0;
  std::uint64_t counted_bytes_ = 0;  // connection bytes already attributed
  std::int64_t first_media_ms_ = 0;
  std::int64_t min_lag_us_ = INT64_MAX;
  std::int64_t last_ordinal_ = -1;
  bool stopped_ = false;
};

}  // namespace streamgate::bench
