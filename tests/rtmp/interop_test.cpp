// The protocol library against real peers, before the plugin's adapter
// exists: a minimal loopback server in this file feeds socket bytes to
// ServerProtocol and writes its gathered output back. ffmpeg publishes into
// it (what the server parses is checked), then ffmpeg and rtmpdump play the
// recorded packets back from it (what players accept is checked by ffprobe).

#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>
#include <thread>

#include "server_protocol.hpp"
#include "status.hpp"
#include "streamgate/asio.hpp"
#include "streamgate/format/flv.hpp"
#include "support/media_tools.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace streamgate::rtmp {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// What the publisher sent, shared with the players that come after it.
struct Recording {
  std::mutex mutex;
  std::vector<PacketPtr> packets;
  std::vector<std::string> commands_seen;  // events, for the test's checks
  std::vector<HandshakeKind> handshakes;
  std::vector<std::string> errors;
  bool published = false;
  bool finished = false;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, Recording& recording)
      : socket_(std::move(socket)), recording_(recording) {}

  void start() { read(); }

 private:
  void read() {
    socket_.async_read_some(
        asio::buffer(buffer_), [self = shared_from_this()](auto ec, std::size_t n) {
          if (ec) return self->peer_gone();
          self->protocol_.feed(std::span<const std::byte>(self->buffer_.data(), n));
          self->drive();
          if (!self->protocol_.closed()) self->read();
        });
  }

  void note(std::string what) {
    std::lock_guard lock(recording_.mutex);
    recording_.commands_seen.push_back(std::move(what));
  }

  void drive() {
    events_.clear();
    protocol_.take_events(events_);
    for (auto& e : events_) std::visit([this](auto& ev) { on(ev); }, e);
    flush();
  }

  void on(event::ConnectRequested& e) {
    note("connect " + e.request.app);
    {
      std::lock_guard lock(recording_.mutex);
      recording_.handshakes.push_back(protocol_.handshake_kind());
    }
    if (e.request.app == "live")
      protocol_.accept_connect();
    else
      protocol_.reject_connect("unknown application");
  }
  void on(event::PublishRequested& e) {
    note("publish " + e.request.name);
    protocol_.accept_publish(e.stream_id);
    std::lock_guard lock(recording_.mutex);
    recording_.published = true;
  }
  void on(event::PlayRequested& e) {
    note("play " + e.request.name);
    std::vector<PacketPtr> packets;
    {
      std::lock_guard lock(recording_.mutex);
      if (!recording_.finished)
        return protocol_.refuse_play(e.stream_id, status::kPlayStreamNotFound, "not yet");
      packets = recording_.packets;
    }
    protocol_.start_play(e.stream_id);
    for (const auto& p : packets) protocol_.send_media(e.stream_id, *p);
    // The publisher is gone: players end themselves on UnpublishNotify.
    protocol_.notify_unpublished(e.stream_id);
  }
  void on(event::MediaReceived& e) {
    auto packet = flv::packet_from_tag(flv::TagType(std::uint8_t(e.message.type)), e.message.body,
                                       e.message.timestamp_ms);
    std::lock_guard lock(recording_.mutex);
    if (!packet.ok()) return recording_.errors.push_back(packet.error);
    if (packet.value) recording_.packets.push_back(packet.value);
  }
  void on(event::PublishEnded&) {
    note("unpublish");
    std::lock_guard lock(recording_.mutex);
    recording_.finished = true;
  }
  void on(event::PlayEnded&) { note("play ended"); }
  void on(event::PauseChanged&) {}
  void on(event::Closed& e) {
    if (e.error) {
      std::lock_guard lock(recording_.mutex);
      recording_.errors.push_back(e.reason);
    }
    close_after_flush_ = true;
  }

  void flush() {
    if (writing_) return;
    if (!protocol_.has_output()) {
      if (close_after_flush_) {
        // Half-close: the peer reads everything, then sees the end.
        boost::system::error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_send, ignored);
      }
      return;
    }
    batch_ = protocol_.take_output();
    buffers_.clear();
    for (const auto& b : batch_.buffers()) buffers_.emplace_back(b.data(), b.size());
    writing_ = true;
    asio::async_write(socket_, buffers_, [self = shared_from_this()](auto ec, std::size_t) {
      self->writing_ = false;
      self->protocol_.recycle(std::move(self->batch_));
      if (!ec) self->flush();
    });
  }

  void peer_gone() {
    std::lock_guard lock(recording_.mutex);
    if (recording_.published) recording_.finished = true;
  }

  tcp::socket socket_;
  Recording& recording_;
  ServerProtocol protocol_;
  std::array<std::byte, 64 * 1024> buffer_{};
  std::vector<ServerEvent> events_;
  OutputBatch batch_;
  std::vector<asio::const_buffer> buffers_;
  bool writing_ = false;
  bool close_after_flush_ = false;
};

class LoopbackServer {
 public:
  LoopbackServer() : acceptor_(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~LoopbackServer() {
    io_.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const {
    return "rtmp://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/" + path;
  }
  Recording recording;

 private:
  void accept() {
    acceptor_.async_accept([this](auto ec, tcp::socket socket) {
      if (!ec) std::make_shared<Connection>(std::move(socket), recording)->start();
      accept();
    });
  }
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
};

std::size_t count(const std::vector<PacketPtr>& packets, TrackKind kind, bool config) {
  return std::size_t(std::count_if(packets.begin(), packets.end(), [&](const PacketPtr& p) {
    return p->kind == kind && p->config == config;
  }));
}

class Interop : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* tool : {"ffmpeg", "ffprobe", "rtmpdump"})
      if (test::find_program(tool).empty()) GTEST_SKIP() << tool << " is not installed";
    test::MediaSpec spec;
    spec.seconds = 3;
    spec.gop = 30;
    media_ = test::test_media(spec);
  }

  // ffmpeg publishes the whole file as fast as it can; the server records it.
  void publish() {
    auto ffmpeg = test::ffmpeg_publish(media_, server_.url("live/cam?key=abc"),
                                       dir_ / "publish.log", {}, false);
    ASSERT_TRUE(ffmpeg->wait_for(std::chrono::seconds(60)).has_value()) << ffmpeg->output();
    std::lock_guard lock(server_.recording.mutex);
    ASSERT_TRUE(server_.recording.finished) << ffmpeg->output();
    ASSERT_TRUE(server_.recording.errors.empty()) << server_.recording.errors.front();
  }

  test::TempDir dir_{"streamgate-rtmp-interop"};
  std::filesystem::path media_;
  LoopbackServer server_;
};

TEST_F(Interop, FfmpegPublishIsParsedCompletely) {
  publish();
  const auto& r = server_.recording;
  const auto source = test::probe_packets(media_.string());
  EXPECT_EQ(count(r.packets, TrackKind::Video, true), 1u) << "one AVC sequence header";
  EXPECT_EQ(count(r.packets, TrackKind::Audio, true), 1u) << "one AAC sequence header";
  EXPECT_EQ(count(r.packets, TrackKind::Video, false), test::count_packets(source, "video"));
  EXPECT_EQ(count(r.packets, TrackKind::Audio, false), test::count_packets(source, "audio"));
  EXPECT_EQ(count(r.packets, TrackKind::Data, false), 1u) << "@setDataFrame onMetaData";
  ASSERT_GE(r.commands_seen.size(), 3u);
  EXPECT_EQ(r.commands_seen[0], "connect live");
  EXPECT_EQ(r.commands_seen[1], "publish cam");
  EXPECT_EQ(r.commands_seen.back(), "unpublish");
}

TEST_F(Interop, FfmpegPlaysBackWhatWasPublished) {
  publish();
  const auto out = dir_ / "played.flv";
  auto result = test::run(
      "ffmpeg",
      {"-v", "error", "-i", server_.url("live/cam"), "-c", "copy", "-f", "flv", out.string()},
      std::chrono::seconds(60));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto source = test::probe_packets(media_.string());
  const auto played = test::probe_packets(out.string());
  EXPECT_EQ(test::count_packets(played, "video"), test::count_packets(source, "video"));
  EXPECT_EQ(test::count_packets(played, "audio"), test::count_packets(source, "audio"));
  ASSERT_FALSE(played.empty());
  EXPECT_LT(played.front().dts, 0.1) << "player timestamps start near 0";
  EXPECT_EQ(test::decode_errors(out.string()), "");
  std::lock_guard lock(server_.recording.mutex);
  EXPECT_EQ(server_.recording.handshakes.back(), HandshakeKind::Digest)
      << "ffmpeg's player sends a digest C1";
}

TEST_F(Interop, RtmpdumpRecordsAPlayableFlv) {
  publish();
  const auto out = dir_ / "rtmpdump.flv";
  auto result = test::run("rtmpdump", {"--live", "-r", server_.url("live/cam"), "-o", out.string()},
                          std::chrono::seconds(60));
  // rtmpdump exits 0 on a clean end or 2 when the stream ended "incomplete".
  EXPECT_TRUE(result.exit_code == 0 || result.exit_code == 2) << result.err;
  const auto source = test::probe_packets(media_.string());
  const auto played = test::probe_packets(out.string());
  EXPECT_EQ(test::count_packets(played, "video"), test::count_packets(source, "video"))
      << result.err;
  EXPECT_EQ(test::decode_errors(out.string()), "");
  std::lock_guard lock(server_.recording.mutex);
  EXPECT_EQ(server_.recording.handshakes.back(), HandshakeKind::Plain)
      << "rtmpdump without SWF options";
}

TEST_F(Interop, GstreamerRtmp2sinkPublishIsParsed) {
  if (test::find_program("gst-launch-1.0").empty())
    GTEST_SKIP() << "gst-launch-1.0 is not installed";
  auto gst = test::run("gst-launch-1.0",
                       {"-q",
                        "filesrc",
                        "location=" + media_.string(),
                        "!",
                        "flvdemux",
                        "name=d",
                        "d.video",
                        "!",
                        "queue",
                        "!",
                        "h264parse",
                        "!",
                        "mux.",
                        "d.audio",
                        "!",
                        "queue",
                        "!",
                        "aacparse",
                        "!",
                        "mux.",
                        "flvmux",
                        "name=mux",
                        "streamable=true",
                        "!",
                        "rtmp2sink",
                        "location=" + server_.url("live/gst")},
                       std::chrono::seconds(60));
  ASSERT_EQ(gst.exit_code, 0) << gst.out << gst.err;
  std::lock_guard lock(server_.recording.mutex);
  const auto& r = server_.recording;
  EXPECT_TRUE(r.errors.empty()) << (r.errors.empty() ? "" : r.errors.front());
  const auto source = test::probe_packets(media_.string());
  EXPECT_EQ(count(r.packets, TrackKind::Video, true), 1u);
  EXPECT_EQ(count(r.packets, TrackKind::Video, false), test::count_packets(source, "video"));
  EXPECT_EQ(count(r.packets, TrackKind::Audio, false), test::count_packets(source, "audio"));
  ASSERT_FALSE(r.commands_seen.empty());
  EXPECT_EQ(r.commands_seen[1], "publish gst");
}

TEST_F(Interop, RtmpdumpDigestHandshakeVerifies) {
  // Asking for SWF verification makes rtmpdump use the FP9 handshake and
  // check S1's digest and S2's signature ("Server not genuine Adobe!" otherwise).
  publish();
  const auto swf = dir_ / "player.swf";
  test::write_text(swf, "FWS\x0a not really a swf");
  auto result = test::run("rtmpdump",
                          {"--live", "-r", server_.url("live/cam"), "-o", (dir_ / "d.flv").string(),
                           "--swfhash", std::string(64, 'a'), "--swfsize", "1234", "-V"},
                          std::chrono::seconds(60));
  EXPECT_EQ(result.err.find("not genuine"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("Genuine Adobe Flash Media Server"), std::string::npos) << result.err;
  std::lock_guard lock(server_.recording.mutex);
  EXPECT_EQ(server_.recording.handshakes.back(), HandshakeKind::Digest);
}

TEST_F(Interop, UnknownAppIsRefusedWithConnectRejected) {
  auto result =
      test::run("ffmpeg", {"-v", "error", "-i", server_.url("nope/cam"), "-f", "null", "-"},
                std::chrono::seconds(30));
  EXPECT_NE(result.exit_code, 0);
  // ffmpeg prints the description of the _error (NetConnection.Connect.Rejected).
  EXPECT_NE(result.err.find("unknown application"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace streamgate::rtmp
