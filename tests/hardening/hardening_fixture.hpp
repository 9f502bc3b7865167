#pragma once
// The adversarial tests' fixture (issue 7): the real streamgate binary with
// the rtmp plugin on free loopback ports and short timeouts. Each test
// attacks it, then checks what a user would: a normal ffmpeg publish and
// ffmpeg play still work, and the process's RSS came back near where it
// stood after a first, identical publish and play (the baseline).
//
// RSS margin: kRssMargin (8 MiB) over the baseline. Freed memory is not
// always handed back to the kernel at once (malloc keeps some in its
// arenas, one per worker thread), so the bound is not 0; measured here the
// attacks leave 0.1-3 MiB. Leaks too small for RSS to show are caught by
// the limits themselves (a publisher place or a bus stream not given back
// refuses the next publish). Under
// AddressSanitizer RSS says nothing (freed memory sits in ASan's
// quarantine, shadow memory grows): the RSS checks are skipped there and
// every other check runs, and the baseline publish and play (there only to
// measure RSS) is left out to keep the run short.

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rtmp/rtmp_test_client.hpp"
#include "support/gateway.hpp"
#include "support/media_tools.hpp"
#include "support/process.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define STREAMGATE_HARDENING_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define STREAMGATE_HARDENING_ASAN 1
#endif
#endif
#ifndef STREAMGATE_HARDENING_ASAN
#define STREAMGATE_HARDENING_ASAN 0
#endif

namespace streamgate::hardening {

using namespace std::chrono_literals;
using Bytes = std::vector<std::byte>;

constexpr std::size_t kRssMargin = 8u << 20;
/// How long to wait for something that should happen at once.
constexpr std::chrono::milliseconds kPrompt = 10s;
constexpr bool kRssMeaningful = !STREAMGATE_HARDENING_ASAN;
inline constexpr const char* kLiveApp = "<app name=\"live\"/>";

/// Short timeouts so attacks end quickly; tests add their own settings.
inline std::string short_timeouts() {
  return "<handshake-timeout>2s</handshake-timeout>\n<idle-timeout>3s</idle-timeout>\n";
}

class HardeningTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  /// Starts the gateway with `rtmp_settings` inside <plugin name="rtmp">
  /// (short_timeouts() included unless they are set there), then takes the
  /// baseline: one ffmpeg publish + play, and the RSS after it (not under
  /// AddressSanitizer, where RSS is not checked).
  void start(const std::string& rtmp_settings = "", const std::string& apps = kLiveApp);
  /// The gateway with these <plugin> elements and <app> elements, no baseline.
  void start_with(const std::string& plugins, const std::string& apps = kLiveApp);

  /// ffmpeg publishes live/checkN in real time and ffmpeg plays 2 s of it
  /// into a file that holds both tracks; then the publisher leaves.
  void expect_serving();
  /// RSS within kRssMargin of the baseline (waits up to 5 s for sessions to go).
  void expect_rss_back();
  /// The usual end of a test: expect_serving() then expect_rss_back().
  void expect_recovered();

  std::size_t rss() const;
  /// Virtual memory of the process (VmSize): shows memory reserved even
  /// where no page of it was touched yet.
  std::size_t virtual_bytes() const;
  std::size_t baseline_rss() const { return baseline_rss_; }
  /// How many expect_serving() checks ran so far (each published live/checkN).
  int checks() const { return checks_; }
  std::string url(const std::string& stream, const std::string& app = "live") const;
  std::uint16_t port() const { return gateway_->rtmp_port(); }
  streamgate::test::Gateway& gateway() { return *gateway_; }
  std::filesystem::path file(const std::string& name) const { return gateway_->dir() / name; }
  /// How many times `text` occurs in the log so far.
  std::size_t log_count(const std::string& text) const;
  /// Waits until `text` occurs at least `times` times in the log.
  bool wait_for_log_count(const std::string& text, std::size_t times,
                          std::chrono::milliseconds timeout);

 private:
  std::unique_ptr<streamgate::test::Gateway> gateway_;
  std::size_t baseline_rss_ = 0;
  int checks_ = 0;
};

// ---- raw RTMP bytes (RTMP 1.0 §5.3.1) ----

/// A chunk with a type-0 header on chunk stream `csid` (1-, 2- or 3-byte
/// basic header as the id needs) and `payload` after it.
Bytes type0_chunk(std::uint32_t csid, std::uint32_t length, rtmp::MessageType type,
                  std::uint32_t stream_id, const Bytes& payload = {});
/// A protocol control message (§5.4) on chunk stream 2: type and a 4-byte value.
Bytes control_message(rtmp::MessageType type, std::uint32_t value);
Bytes text_bytes(std::string_view text);

/// A plain TCP connection from `local_address` (any 127.x.y.z) to the gateway.
class RawConnection {
 public:
  RawConnection(std::uint16_t port, const std::string& local_address = "127.0.0.1");
  ~RawConnection();
  void send(std::span<const std::byte> bytes);
  /// Reads until the server closes the connection; false at the timeout.
  /// What arrived meanwhile is in received().
  bool wait_closed(std::chrono::milliseconds timeout);
  /// Reads until at least `bytes` arrived in all; false when the server
  /// closed first or at the timeout.
  bool wait_received(std::size_t bytes, std::chrono::milliseconds timeout);
  const Bytes& received() const { return received_; }

 private:
  /// Reads until `done()` or the server closes or the timeout.
  void read_until(const std::function<bool()>& done, std::chrono::milliseconds timeout);

  struct Impl;
  std::unique_ptr<Impl> impl_;
  Bytes received_;
};

}  // namespace streamgate::hardening
