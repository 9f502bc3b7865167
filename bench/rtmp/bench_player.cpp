#include "bench_player.hpp"

#include "streamgate/format/flv.hpp"

namespace streamgate::bench {

namespace event = rtmp::client_event;

std::string_view to_string(PlayerStage stage) noexcept {
  switch (stage) {
    case PlayerStage::Invalid:
      return "not started";
    case PlayerStage::TcpConnecting:
      return "TCP connect";
    case PlayerStage::Handshaking:
      return "handshake";
    case PlayerStage::Connecting:
      return "connect";
    case PlayerStage::CreatingStream:
      return "createStream";
    case PlayerStage::Playing:
      return "play";
  }
  return "?";
}

BenchPlayer::BenchPlayer(boost::asio::io_context& io, std::vector<std::byte>& read_buffer,
                         PlayerContext context)
    : context_(context), connection_(io, read_buffer) {
  connection_.on_events([this](auto& events, std::int64_t read_us) { handle(events, read_us); });
  connection_.on_closed([this](const std::string& reason) { fail(reason); });
}

void BenchPlayer::start() {
  connect_transaction_ = connection_.protocol().connect({context_.url->app, context_.url->tc_url});
  connection_.start(context_.server);
  result_.stage = PlayerStage::TcpConnecting;
}

void BenchPlayer::stop() {
  stopped_ = true;
  connection_.close("stopped");
}

void BenchPlayer::fail(const std::string& reason) {
  if (result_.failure.empty() && !stopped_) result_.failure = reason;
  connection_.close(reason);
}

void BenchPlayer::handle(std::vector<rtmp::ClientEvent>& events, std::int64_t read_us) {
  if (context_.window->contains(read_us))
    result_.window_bytes += connection_.bytes_received() - counted_bytes_;
  counted_bytes_ = connection_.bytes_received();
  if (result_.stage == PlayerStage::TcpConnecting) result_.stage = PlayerStage::Handshaking;
  if (result_.stage == PlayerStage::Handshaking && connection_.protocol().handshake_done())
    result_.stage = PlayerStage::Connecting;
  for (auto& item : events) {
    if (!connection_.open()) return;
    if (auto* media = std::get_if<event::MediaReceived>(&item)) {
      on_media(media->message, read_us);
    } else if (auto* result = std::get_if<event::Result>(&item)) {
      on_result(*result);
    } else if (auto* status = std::get_if<event::StatusReceived>(&item)) {
      if (status->status.level == rtmp::status::kLevelError)
        fail("server: " + status->status.code + " " + status->status.description);
    }
  }
}

void BenchPlayer::on_result(const event::Result& result) {
  auto& protocol = connection_.protocol();
  if (result.error) {
    const std::string code = result.status ? result.status->code : std::string("_error");
    return fail(result.transaction_id == connect_transaction_ ? "connect refused: " + code
                                                              : "createStream refused: " + code);
  }
  if (result.transaction_id == connect_transaction_) {
    create_stream_transaction_ = protocol.create_stream();
    result_.stage = PlayerStage::CreatingStream;
  } else if (result.transaction_id == create_stream_transaction_) {
    // What ffmpeg sends: play, then the client's buffer length for the stream.
    protocol.play(result.stream_id, context_.url->stream);
    protocol.send_user_control({rtmp::kSetBufferLength, result.stream_id, 3000});
    result_.playing = true;
    result_.stage = PlayerStage::Playing;
    result_.play_sent_us = now_us();
  }
}

void BenchPlayer::on_media(const rtmp::Message& message, std::int64_t read_us) {
  if (message.type == rtmp::MessageType::Audio) {
    ++result_.audio_frames;
    return;
  }
  if (message.type != rtmp::MessageType::Video) return;
  auto header = flv::parse_video_tag_header(message.body);
  if (!header.ok() || header.value.sequence_header || header.value.is_metadata ||
      header.value.sequence_end)
    return;
  on_video_frame(message, read_us);
}

void BenchPlayer::on_video_frame(const rtmp::Message& message, std::int64_t read_us) {
  ++result_.video_frames;
  result_.last_video_us = read_us;
  if (result_.first_video_us == 0) {
    result_.first_video_us = read_us;
    first_media_ms_ = message.timestamp_ms;
  }
  // Lag: wall time since the first frame minus media time since it. Its
  // minimum is this player's alignment (a GOP-cache burst puts media ahead);
  // growth past it means the player falls behind.
  const std::int64_t lag_us =
      (read_us - result_.first_video_us) - (message.timestamp_ms - first_media_ms_) * 1000;
  if (lag_us < min_lag_us_) min_lag_us_ = lag_us;
  const bool in_window = context_.window->contains(read_us);
  if (in_window) {
    ++result_.window_video_frames;
    result_.max_drift_us = std::max(result_.max_drift_us, lag_us - min_lag_us_);
  }

  if (!context_.frames) return;  // no FLV given: frames cannot be recognised
  auto ordinal = context_.frames->find(message.body);
  if (!ordinal) return;
  const std::int64_t count = context_.frames->video_frames();
  if (in_window && last_ordinal_ >= 0) {
    const std::int64_t expected = (last_ordinal_ + 1) % count;
    result_.missed_frames += std::uint64_t((std::int64_t(*ordinal) - expected + count) % count);
  }
  last_ordinal_ = *ordinal;
  if (!in_window || !context_.sends) return;
  // Frames sent before play are the server's GOP cache: their age says
  // nothing about latency.
  const std::int64_t sent_us = context_.sends->sent_us(*ordinal);
  if (sent_us == 0 || sent_us < result_.play_sent_us) return;
  result_.latency_us.push_back(std::int32_t(std::min<std::int64_t>(read_us - sent_us, INT32_MAX)));
}

}  // namespace streamgate::bench
