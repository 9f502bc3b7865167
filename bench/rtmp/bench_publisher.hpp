#pragma once
// The load tool's publisher: connect, releaseStream/FCPublish, createStream,
// publish, then the FLV in real time, looping (timestamps keep increasing
// across loops; sequence headers and metadata go once). Every video frame's
// send time goes into a SendLog so players can measure latency.

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "flv_source.hpp"
#include "frame_index.hpp"
#include "rtmp_connection.hpp"
#include "rtmp_url.hpp"

namespace streamgate::bench {

struct PublisherResult {
  std::atomic<bool> publishing{false};  ///< NetStream.Publish.Start arrived
  std::string failure;                  ///< read once the threads have stopped
  std::uint64_t frames_sent = 0;
  std::uint64_t bytes_sent = 0;
  std::int64_t max_late_us = 0;  ///< how late a frame went out after its due time
  std::uint64_t loops = 0;
};

class BenchPublisher {
 public:
  BenchPublisher(boost::asio::io_context& io, std::vector<std::byte>& read_buffer,
                 const RtmpUrl& url, const FlvSource& source, SendLog& sends,
                 std::uint32_t chunk_size);

  void start(const boost::asio::ip::tcp::endpoint& server);
  void stop();
  const PublisherResult& result() const noexcept { return result_; }

 private:
  void handle(std::vector<rtmp::ClientEvent>& events);
  void begin_media();
  void send_due();
  void fail(const std::string& reason);

  const RtmpUrl& url_;
  const FlvSource& source_;
  SendLog& sends_;
  std::uint32_t chunk_size_;
  RtmpConnection connection_;
  boost::asio::steady_timer timer_;
  PublisherResult result_;
  double connect_transaction_ = 0;
  double create_stream_transaction_ = 0;
  std::uint32_t stream_id_ = 0;
  Clock::time_point start_;
  std::int64_t start_us_ = 0;
  std::size_t next_ = 0;  // index into the source's frames
  std::uint64_t loop_ = 0;
  bool stopped_ = false;
};

}  // namespace streamgate::bench
