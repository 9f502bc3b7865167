#include "io_threads.hpp"

#include <optional>

#include "rtmp_connection.hpp"

namespace streamgate::bench {

namespace asio = boost::asio;

namespace {
constexpr std::size_t kReadBufferBytes = 256 * 1024;
constexpr auto kProbeEvery = std::chrono::milliseconds(10);
}  // namespace

struct IoThreads::Thread {
  asio::io_context io{1};
  std::vector<std::byte> buffer = std::vector<std::byte>(kReadBufferBytes);
  asio::steady_timer probe{io};
  Clock::time_point probe_due;
  std::vector<std::int64_t> lag_us;
  bool stopping = false;  // a probe already due when cancel() runs must not re-arm
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard{
      io.get_executor()};
  std::thread thread;
};

IoThreads::IoThreads(int count, const MeasureWindow& window) : window_(window) {
  for (int i = 0; i < count; ++i) {
    threads_.push_back(std::make_unique<Thread>());
    Thread& t = *threads_.back();
    t.probe_due = Clock::now() + kProbeEvery;
    probe(t);
    t.thread = std::thread([&t] { t.io.run(); });
  }
}

IoThreads::~IoThreads() { join(); }

asio::io_context& IoThreads::io(std::size_t i) { return threads_[i % threads_.size()]->io; }
std::vector<std::byte>& IoThreads::buffer(std::size_t i) {
  return threads_[i % threads_.size()]->buffer;
}

void IoThreads::probe(Thread& t) {
  t.probe.expires_at(t.probe_due);
  t.probe.async_wait([this, &t](const boost::system::error_code& ec) {
    if (ec || t.stopping) return;
    const auto now = Clock::now();
    if (window_.contains(now_us()))
      t.lag_us.push_back(
          std::chrono::duration_cast<std::chrono::microseconds>(now - t.probe_due).count());
    t.probe_due = std::max(t.probe_due + kProbeEvery, now);
    probe(t);
  });
}

void IoThreads::join() {
  if (joined_) return;
  joined_ = true;
  for (auto& t : threads_) {
    asio::post(t->io, [&t = *t] {
      t.stopping = true;
      t.probe.cancel();
    });
    t->guard.reset();
  }
  for (auto& t : threads_)
    if (t->thread.joinable()) t->thread.join();
}

std::vector<std::int64_t> IoThreads::loop_lag_us() const {
  std::vector<std::int64_t> all;
  for (const auto& t : threads_) all.insert(all.end(), t->lag_us.begin(), t->lag_us.end());
  return all;
}

}  // namespace streamgate::bench
