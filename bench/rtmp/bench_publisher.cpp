#include "bench_publisher.hpp"

namespace streamgate::bench {

namespace event = rtmp::client_event;
using amf0::Value;

BenchPublisher::BenchPublisher(boost::asio::io_context& io, std::vector<std::byte>& read_buffer,
                               const RtmpUrl& url, const FlvSource& source, SendLog& sends,
                               std::uint32_t chunk_size)
    : url_(url),
      source_(source),
      sends_(sends),
      chunk_size_(chunk_size),
      connection_(io, read_buffer),
      timer_(io) {
  connection_.on_events([this](auto& events, std::int64_t) { handle(events); });
  connection_.on_closed([this](const std::string& reason) { fail(reason); });
}

void BenchPublisher::start(const boost::asio::ip::tcp::endpoint& server) {
  auto& protocol = connection_.protocol();
  // Large chunks from the start, as OBS and ffmpeg do.
  protocol.set_chunk_size(chunk_size_);
  connect_transaction_ = protocol.connect({url_.app, url_.tc_url});
  connection_.start(server);
}

void BenchPublisher::stop() {
  stopped_ = true;
  timer_.cancel();
  connection_.close("stopped");
}

void BenchPublisher::fail(const std::string& reason) {
  if (result_.failure.empty() && !stopped_) result_.failure = reason;
  timer_.cancel();
  connection_.close(reason);
}

void BenchPublisher::handle(std::vector<rtmp::ClientEvent>& events) {
  auto& protocol = connection_.protocol();
  for (auto& item : events) {
    if (auto* result = std::get_if<event::Result>(&item)) {
      if (result->error)
        return fail("publisher: call refused: " +
                    (result->status ? result->status->code : "_error"));
      if (result->transaction_id == connect_transaction_) {
        const Value name[] = {Value::string(url_.stream)};
        protocol.call("releaseStream", Value::null(), {name[0]});
        protocol.call("FCPublish", Value::null(), {name[0]});
        create_stream_transaction_ = protocol.create_stream();
      } else if (result->transaction_id == create_stream_transaction_) {
        stream_id_ = result->stream_id;
        protocol.publish(stream_id_, url_.stream, "live");
      }
    } else if (auto* status = std::get_if<event::StatusReceived>(&item)) {
      if (status->status.level == rtmp::status::kLevelError)
        return fail("publisher: " + status->status.code + " " + status->status.description);
      if (status->status.code == rtmp::status::kPublishStart && !result_.publishing) begin_media();
    }
  }
}

void BenchPublisher::begin_media() {
  result_.publishing = true;
  start_ = Clock::now();
  start_us_ =
      std::chrono::duration_cast<std::chrono::microseconds>(start_.time_since_epoch()).count();
  send_due();
}

void BenchPublisher::send_due() {
  if (stopped_ || !connection_.open()) return;
  auto& protocol = connection_.protocol();
  const auto& frames = source_.frames();
  const auto now = Clock::now();
  const std::int64_t media_now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now - start_).count();
  const std::int64_t sent_at_us = now_us();
  while (true) {
    if (next_ == frames.size()) {
      next_ = 0;
      ++loop_;
      ++result_.loops;
    }
    const SourceFrame& frame = frames[next_];
    const std::int64_t due_ms =
        std::int64_t(loop_) * source_.loop_duration_ms() + frame.timestamp_ms;
    if (due_ms > media_now_ms) {
      timer_.expires_at(start_ + std::chrono::milliseconds(due_ms));
      timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) send_due();
      });
      break;
    }
    ++next_;
    if (frame.config && loop_ > 0) continue;
    result_.max_late_us = std::max(result_.max_late_us, sent_at_us - (start_us_ + due_ms * 1000));
    if (frame.type == rtmp::MessageType::DataAmf0) {
      // The file's onMetaData, sent the way encoders do: @setDataFrame first.
      static const std::byte kSetDataFrame[] = {
          std::byte{0x02}, std::byte{0x00}, std::byte{0x0D}, std::byte{'@'},
          std::byte{'s'},  std::byte{'e'},  std::byte{'t'},  std::byte{'D'},
          std::byte{'a'},  std::byte{'t'},  std::byte{'a'},  std::byte{'F'},
          std::byte{'r'},  std::byte{'a'},  std::byte{'m'},  std::byte{'e'}};
      std::vector<std::byte> body(std::begin(kSetDataFrame), std::end(kSetDataFrame));
      body.insert(body.end(), frame.body.span().begin(), frame.body.span().end());
      protocol.send_media(stream_id_, frame.type, due_ms, body);
    } else {
      protocol.send_media(stream_id_, frame.type, due_ms, frame.body);
    }
    if (frame.video_frame) sends_.mark_sent(frame.video_ordinal, sent_at_us);
    ++result_.frames_sent;
    result_.bytes_sent += frame.body.size();
  }
  connection_.flush();
}

}  // namespace streamgate::bench
