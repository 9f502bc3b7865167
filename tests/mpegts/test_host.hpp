#pragma once
// A Host for driving the mpegts plugin without sockets: the core's real
// LocalBus, worker threads with timers, an HTTP router whose handlers tests
// call directly, responders and streams that record what they were given,
// and an access control that denies queries containing "deny".

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bus/local_bus.hpp"
#include "spdlog/sinks/ringbuffer_sink.h"
#include "streamgate/host.hpp"

namespace streamgate::mpegts::test {

// One thread running posted tasks and timers in order.
class ThreadExecutor final : public Executor {
 public:
  explicit ThreadExecutor(std::size_t index);
  ~ThreadExecutor() override;

  void post(std::function<void()> task) override;
  std::unique_ptr<Timer> make_timer() override;
  bool running_in_this_thread() const noexcept override;
  std::size_t index() const noexcept override { return index_; }
  void* native_handle() noexcept override { return nullptr; }

  // Waits until everything posted before this call has run.
  void sync();

  // for TestTimer
  std::uint64_t schedule(std::chrono::milliseconds after, std::function<void()> task);
  void cancel(std::uint64_t id);

 private:
  void run();

  std::size_t index_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  std::map<std::uint64_t, std::pair<std::chrono::steady_clock::time_point, std::function<void()>>>
      timers_;
  std::uint64_t next_timer_ = 1;
  bool stop_ = false;
  std::thread thread_;
};

class FakeStream final : public HttpStream {
 public:
  void write(std::vector<SharedBytes> chunks, std::function<void(bool ok)> done) override;
  void close() override;
  void on_closed(std::function<void()> callback) override;

  // Writes complete at once unless held; a held write completes on release().
  void hold_writes(bool hold);
  void release(bool ok = true);
  // The client leaves: on_closed runs (on the caller's thread, as the server's would).
  void disconnect();

  std::vector<std::byte> bytes() const;
  std::size_t writes() const;
  bool closed() const;
  bool write_in_flight() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::byte> bytes_;
  std::size_t writes_ = 0;
  bool closed_ = false;
  bool hold_ = false;
  std::function<void(bool)> held_;
  std::function<void()> on_closed_;
};

class FakeResponder final : public HttpResponder {
 public:
  void respond(HttpResponse response) override;
  std::shared_ptr<HttpStream> start_stream(int status, std::string content_type,
                                           HttpHeaders headers) override;

  // 0 until answered.
  int status() const;
  std::string content_type() const;
  std::string header(const std::string& name) const;
  std::shared_ptr<FakeStream> stream() const;
  // Prepared before the handler runs so a test can hold writes from the first one.
  std::shared_ptr<FakeStream> prepared = std::make_shared<FakeStream>();

 private:
  mutable std::mutex mutex_;
  int status_ = 0;
  std::string content_type_;
  HttpHeaders headers_;
  std::shared_ptr<FakeStream> stream_;
};

class FakeRouter final : public HttpRouter {
 public:
  std::unique_ptr<HttpRoute> add(std::string pattern, HttpHandler handler) override;
  // Calls the handler registered for `pattern` with these path parameters.
  std::shared_ptr<FakeResponder> get(const std::string& pattern, const std::string& app,
                                     const std::string& stream, const std::string& query = "");
  bool has(const std::string& pattern) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, HttpHandler> routes_;
};

class FakeAccess final : public AccessControl {
 public:
  // Denies a query containing "deny"; holds the decision on one containing
  // "later" (as an on-play HTTP callback would) until decide_held().
  void check(AccessRequest request, std::function<void(AccessDecision)> done) override;
  void publish_done(const AccessRequest&) override {}
  // Answers every held check, on the caller's thread.
  void decide_held(bool allowed);

 private:
  std::mutex mutex_;
  std::vector<std::function<void(AccessDecision)>> held_;
};

class TestHost final : public Host {
 public:
  explicit TestHost(std::vector<std::string> apps = {"live"}, std::size_t workers = 2);
  ~TestHost() override;

  std::string_view plugin_name() const override { return "mpegts"; }
  const std::shared_ptr<spdlog::logger>& logger() const override { return logger_; }
  Bus& bus() override { return *bus_; }
  HttpRouter& http() override { return router_; }
  AccessControl& access() override { return access_; }
  std::size_t worker_count() const override { return workers_.size(); }
  Executor& worker(std::size_t index) override { return *workers_.at(index); }
  Executor& next_worker() override;
  bool app_declared(std::string_view app) const override;
  std::vector<std::string> apps() const override { return apps_; }

  FakeRouter& router() { return router_; }
  FakeAccess& fake_access() { return access_; }
  LocalBus& local_bus() { return *bus_; }
  // Waits until every worker ran what was posted so far (twice: a task may post another).
  void sync();
  // Everything logged so far.
  std::string log() const;

 private:
  std::vector<std::string> apps_;
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> log_sink_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<LocalBus> bus_;
  FakeRouter router_;
  FakeAccess access_;
  std::vector<std::unique_ptr<ThreadExecutor>> workers_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace streamgate::mpegts::test
