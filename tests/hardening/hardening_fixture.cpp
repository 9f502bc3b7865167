#include "hardening_fixture.hpp"

#include <array>
#include <fstream>
#include <thread>

#include "streamgate/asio.hpp"

namespace streamgate::hardening {

namespace st = streamgate::test;
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

bool gateway_built() { return st::gateway_built({"rtmp"}); }

// 6 s of H.264 (30 fps, a keyframe every 2 s) and AAC, looped by the publisher.
st::MediaSpec check_media() {
  st::MediaSpec spec;
  spec.seconds = 6;
  spec.fps = 30;
  spec.gop = 60;
  return spec;
}

}  // namespace

void HardeningTest::SetUp() {
  if (!gateway_built()) GTEST_SKIP() << "streamgate or the rtmp plugin is not built";
  for (const char* tool : {"ffmpeg", "ffprobe"})
    if (st::find_program(tool).empty()) GTEST_SKIP() << tool << " is not installed";
}

void HardeningTest::TearDown() {
  if (!gateway_) return;
  // A clean SIGTERM stop: exit code 0 also means no sanitizer report.
  if (gateway_->pid() > 0) {
    EXPECT_EQ(gateway_->stop(), 0) << "the gateway did not stop cleanly";
  }
  if (HasFailure()) std::cerr << "---- gateway log ----\n" << gateway_->log();
}

void HardeningTest::start(const std::string& rtmp_settings, const std::string& apps) {
  std::string settings = rtmp_settings;
  if (settings.find("handshake-timeout") == std::string::npos &&
      settings.find("idle-timeout") == std::string::npos)
    settings += short_timeouts();
  start_with(st::rtmp_plugin(settings), apps);
  if (!kRssMeaningful) return;
  expect_serving();
  baseline_rss_ = rss();
  std::cout << "[ baseline ] RSS " << baseline_rss_ / 1024 << " KiB after one publish and play\n";
}

void HardeningTest::start_with(const std::string& plugins, const std::string& apps) {
  st::GatewayOptions options;
  options.plugins = plugins;
  options.apps = apps;
  options.threads = 2;
  gateway_ = std::make_unique<st::Gateway>(options);
  gateway_->start();
}

void HardeningTest::expect_serving() {
  const std::string name = "check" + std::to_string(++checks_);
  auto publisher = st::ffmpeg_publish(st::test_media(check_media()), url(name),
                                      file(name + "-publish.log"), {}, true, -1);
  ASSERT_TRUE(gateway_->wait_for_log("live/" + name + " publish started", 15s))
      << "ffmpeg could not publish: " << publisher->output();
  const auto out = file(name + ".flv");
  const auto played = st::run("ffmpeg",
                              {"-hide_banner", "-v", "error", "-i", url(name), "-t", "2", "-c",
                               "copy", "-f", "flv", out.string()},
                              30s);
  EXPECT_EQ(played.exit_code, 0) << "ffmpeg could not play: " << played.err;
  const auto packets = st::probe_packets(out.string());
  // 2 s at 30 fps and AAC at 44.1 kHz (43 frames a second), with room for
  // where the cut falls.
  EXPECT_GE(st::count_packets(packets, "video"), 50u) << name;
  EXPECT_GE(st::count_packets(packets, "audio"), 70u) << name;
  EXPECT_EQ(st::decode_errors(out.string()), "") << name;
  EXPECT_TRUE(publisher->running()) << "the publisher was not disturbed";
  publisher.reset();  // killed: the gateway sees the connection drop
  EXPECT_TRUE(gateway_->wait_for_log("live/" + name + " publish ended", 10s));
}

void HardeningTest::expect_rss_back() {
  if (!kRssMeaningful) {
    std::cout << "[ rss ] not checked under AddressSanitizer\n";
    return;
  }
  ASSERT_GT(baseline_rss_, 0u);
  std::size_t now = rss();
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (now > baseline_rss_ + kRssMargin && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
    now = rss();
  }
  std::cout << "[ rss ] " << now / 1024 << " KiB now, baseline " << baseline_rss_ / 1024
            << " KiB\n";
  EXPECT_LE(now, baseline_rss_ + kRssMargin)
      << "RSS " << now / 1024 << " KiB, baseline " << baseline_rss_ / 1024 << " KiB";
}

void HardeningTest::expect_recovered() {
  expect_serving();
  expect_rss_back();
}

std::size_t HardeningTest::rss() const { return st::rss_bytes(gateway_->pid()); }

std::size_t HardeningTest::virtual_bytes() const {
  std::ifstream status("/proc/" + std::to_string(gateway_->pid()) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmSize:", 0) == 0) return std::stoull(line.substr(7)) * 1024;  // "NNN kB"
  return 0;
}

std::string HardeningTest::url(const std::string& stream, const std::string& app) const {
  return gateway_->rtmp_url(stream, app);
}

std::size_t HardeningTest::log_count(const std::string& text) const {
  const std::string log = gateway_->log();
  std::size_t count = 0;
  for (auto at = log.find(text); at != std::string::npos; at = log.find(text, at + text.size()))
    ++count;
  return count;
}

bool HardeningTest::wait_for_log_count(const std::string& text, std::size_t times,
                                       std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (log_count(text) < times) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

// ---- raw bytes ----

Bytes type0_chunk(std::uint32_t csid, std::uint32_t length, rtmp::MessageType type,
                  std::uint32_t stream_id, const Bytes& payload) {
  Bytes out;
  // §5.3.1.1: ids 2-63 in one byte, 64-319 in two, up to 65599 in three.
  if (csid < 64) {
    out.push_back(std::byte(csid));
  } else if (csid < 320) {
    out.insert(out.end(), {std::byte{0}, std::byte(csid - 64)});
  } else {
    out.insert(out.end(),
               {std::byte{1}, std::byte((csid - 64) & 0xFF), std::byte((csid - 64) >> 8)});
  }
  // §5.3.1.2.1: timestamp 0, length, type id, stream id (little-endian).
  out.insert(out.end(),
             {std::byte{0}, std::byte{0}, std::byte{0}, std::byte(length >> 16),
              std::byte(length >> 8), std::byte(length), std::byte(type), std::byte(stream_id),
              std::byte(stream_id >> 8), std::byte(stream_id >> 16), std::byte(stream_id >> 24)});
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

Bytes control_message(rtmp::MessageType type, std::uint32_t value) {
  return type0_chunk(
      2, 4, type, 0,
      {std::byte(value >> 24), std::byte(value >> 16), std::byte(value >> 8), std::byte(value)});
}

Bytes text_bytes(std::string_view text) {
  Bytes out(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) out[i] = std::byte(text[i]);
  return out;
}

struct RawConnection::Impl {
  asio::io_context io;
  tcp::socket socket{io};
  bool closed = false;
};

RawConnection::RawConnection(std::uint16_t port, const std::string& local_address)
    : impl_(std::make_unique<Impl>()) {
  impl_->socket.open(tcp::v4());
  impl_->socket.bind({asio::ip::make_address(local_address), 0});
  impl_->socket.connect({asio::ip::address_v4::loopback(), port});
}

RawConnection::~RawConnection() {
  boost::system::error_code ignored;
  impl_->socket.close(ignored);
}

void RawConnection::send(std::span<const std::byte> bytes) {
  boost::system::error_code ec;
  asio::write(impl_->socket, asio::buffer(bytes.data(), bytes.size()), ec);
  if (ec) impl_->closed = true;
}

bool RawConnection::wait_closed(std::chrono::milliseconds timeout) {
  read_until([] { return false; }, timeout);
  return impl_->closed;
}

bool RawConnection::wait_received(std::size_t bytes, std::chrono::milliseconds timeout) {
  read_until([&] { return received_.size() >= bytes; }, timeout);
  return received_.size() >= bytes;
}

void RawConnection::read_until(const std::function<bool()>& done,
                               std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::array<std::byte, 16 * 1024> buffer{};
  bool reading = false;
  while (!impl_->closed && !done()) {
    if (!reading) {
      reading = true;
      impl_->socket.async_read_some(
          asio::buffer(buffer), [&](const boost::system::error_code& ec, std::size_t n) {
            reading = false;
            if (ec) {
              if (ec != asio::error::operation_aborted) impl_->closed = true;  // EOF or reset
              return;
            }
            received_.insert(received_.end(), buffer.begin(), buffer.begin() + std::ptrdiff_t(n));
          });
    }
    impl_->io.restart();
    impl_->io.run_one_until(deadline);
    if (std::chrono::steady_clock::now() >= deadline) break;
  }
  if (reading) {
    // Leave no read pending on `buffer`, which goes out of scope.
    impl_->socket.cancel();
    impl_->io.restart();
    impl_->io.run();
  }
}

}  // namespace streamgate::hardening
