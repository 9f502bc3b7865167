#pragma once
// A Host for driving the hls service in unit tests: one manual executor run
// on the test's thread, timers on a fake clock, an HTTP router that captures
// handlers and answers requests in memory, and a logger writing to a string.

#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "streamgate/host.hpp"

namespace streamgate::hls::test {

class ManualExecutor;

/// Steady time for timers and a wall clock that moves with it.
class FakeClock {
 public:
  std::chrono::milliseconds now() const { return now_; }
  std::chrono::system_clock::time_point wall() const { return wall_base_ + now_; }

  struct Entry {
    std::chrono::milliseconds deadline;
    std::uint64_t id;
    std::function<void()> fire;
  };
  std::uint64_t add(std::chrono::milliseconds after, std::function<void()> fire) {
    entries_.push_back({now_ + after, ++last_id_, std::move(fire)});
    return last_id_;
  }
  void remove(std::uint64_t id) {
    std::erase_if(entries_, [id](const Entry& entry) { return entry.id == id; });
  }
  /// Moves time forward, firing due timers in deadline order.
  void advance(std::chrono::milliseconds by) {
    const auto until = now_ + by;
    for (;;) {
      auto due = std::min_element(entries_.begin(), entries_.end(),
                                  [](const Entry& a, const Entry& b) { return a.deadline < b.deadline; });
      if (due == entries_.end() || due->deadline > until) break;
      now_ = due->deadline;
      auto fire = std::move(due->fire);
      entries_.erase(due);
      fire();
    }
    now_ = until;
  }
  std::size_t pending() const { return entries_.size(); }

 private:
  std::chrono::milliseconds now_{0};
  std::chrono::system_clock::time_point wall_base_{std::chrono::seconds(1'700'000'000)};
  std::vector<Entry> entries_;
  std::uint64_t last_id_ = 0;
};

class FakeTimer : public Timer {
 public:
  explicit FakeTimer(FakeClock& clock) : clock_(clock) {}
  ~FakeTimer() override { cancel(); }
  void start(std::chrono::milliseconds after, std::function<void()> on_expiry) override {
    cancel();
    id_ = clock_.add(after, [this, on_expiry = std::move(on_expiry)] {
      id_ = 0;
      on_expiry();
    });
  }
  void cancel() noexcept override {
    if (id_) clock_.remove(id_);
    id_ = 0;
  }

 private:
  FakeClock& clock_;
  std::uint64_t id_ = 0;
};

/// Queues tasks; the test runs them on its own thread with run().
class ManualExecutor : public Executor {
 public:
  explicit ManualExecutor(FakeClock& clock) : clock_(clock) {}
  void post(std::function<void()> task) override {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  std::unique_ptr<Timer> make_timer() override { return std::make_unique<FakeTimer>(clock_); }
  bool running_in_this_thread() const noexcept override { return std::this_thread::get_id() == owner_; }
  std::size_t index() const noexcept override { return 0; }
  void* native_handle() noexcept override { return nullptr; }

  /// Runs queued tasks (and those they queue) until none is left.
  std::size_t run() {
    std::size_t ran = 0;
    for (;;) {
      std::function<void()> task;
      {
        std::lock_guard lock(mutex_);
        if (tasks_.empty()) return ran;
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
      ++ran;
    }
  }

 private:
  FakeClock& clock_;
  std::thread::id owner_ = std::this_thread::get_id();
  std::mutex mutex_;
  std::deque<std::function<void()>> tasks_;
};

/// One real thread running posted tasks in order, for concurrency tests.
class ThreadExecutor : public Executor {
 public:
  explicit ThreadExecutor(FakeClock& clock) : clock_(clock), thread_([this] { loop(); }) {}
  ~ThreadExecutor() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  void post(std::function<void()> task) override {
    {
      std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    wake_.notify_one();
  }
  std::unique_ptr<Timer> make_timer() override { return std::make_unique<FakeTimer>(clock_); }
  bool running_in_this_thread() const noexcept override { return std::this_thread::get_id() == thread_.get_id(); }
  std::size_t index() const noexcept override { return 0; }
  void* native_handle() noexcept override { return nullptr; }

 private:
  void loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;
      auto task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      task();
      lock.lock();
    }
  }

  FakeClock& clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::thread thread_;
};

/// What a request got back.
struct FakeReply {
  int status = 0;
  std::string content_type;
  HttpHeaders headers;
  std::string body;
  std::vector<SharedBytes> chunks;  ///< body_parts, or as written to a stream (no concatenation)
  bool streamed = false;
  bool closed = false;

  std::string header(const std::string& name) const {
    for (const auto& [key, value] : headers)
      if (key == name) return value;
    return {};
  }
};

class FakeHttpStream : public HttpStream {
 public:
  explicit FakeHttpStream(std::shared_ptr<FakeReply> reply) : reply_(std::move(reply)) {}
  void write(std::vector<SharedBytes> chunks, std::function<void(bool ok)> done) override {
    for (auto& chunk : chunks) {
      reply_->body.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
      reply_->chunks.push_back(std::move(chunk));
    }
    done(true);
  }
  void close() override { reply_->closed = true; }
  void on_closed(std::function<void()>) override {}

 private:
  std::shared_ptr<FakeReply> reply_;
};

class FakeResponder : public HttpResponder {
 public:
  explicit FakeResponder(std::shared_ptr<FakeReply> reply) : reply_(std::move(reply)) {}
  void respond(HttpResponse response) override {
    reply_->status = response.status;
    reply_->content_type = response.content_type;
    reply_->headers = std::move(response.headers);
    reply_->body.assign(reinterpret_cast<const char*>(response.body.data()), response.body.size());
    for (auto& part : response.body_parts) {
      reply_->body.append(reinterpret_cast<const char*>(part.data()), part.size());
      reply_->chunks.push_back(std::move(part));
    }
    reply_->closed = true;
  }
  std::shared_ptr<HttpStream> start_stream(int status, std::string content_type, HttpHeaders headers) override {
    reply_->status = status;
    reply_->content_type = std::move(content_type);
    reply_->headers = std::move(headers);
    reply_->streamed = true;
    return std::make_shared<FakeHttpStream>(reply_);
  }

 private:
  std::shared_ptr<FakeReply> reply_;
};

/// Captures routes; get() matches a path as the core's router does: each
/// "{name}" takes the rest of one path segment up to the literal that follows.
class FakeRouter : public HttpRouter {
 public:
  std::unique_ptr<HttpRoute> add(std::string pattern, HttpHandler handler) override {
    std::lock_guard lock(*mutex_);
    routes_->emplace(pattern, std::move(handler));
    return std::make_unique<Route>(routes_, mutex_, pattern);
  }

  std::size_t size() const {
    std::lock_guard lock(*mutex_);
    return routes_->size();
  }

  /// Calls the matching handler (on this thread, as the server's threads
  /// would). `target` may carry a query after '?'.
  FakeReply get(const std::string& target) const { return *get_shared(target); }
  /// The same, for a handler that may answer later: the reply fills in then.
  std::shared_ptr<FakeReply> get_shared(const std::string& target) const {
    const auto mark = target.find('?');
    const std::string path = target.substr(0, mark);
    auto reply = std::make_shared<FakeReply>();
    Routes routes;
    {
      std::lock_guard lock(*mutex_);
      routes = *routes_;
    }
    for (const auto& [pattern, handler] : routes) {
      HttpRequest request;
      if (!match(pattern, path, request.params)) continue;
      request.method = "GET";
      request.target = target;
      request.path = path;
      if (mark != std::string::npos) request.query = target.substr(mark + 1);
      request.peer = "127.0.0.1:50000";
      handler(request, std::make_shared<FakeResponder>(reply));
      return reply;
    }
    reply->status = 404;  // no route
    return reply;
  }

 private:
  using Routes = std::map<std::string, HttpHandler>;
  struct Route : HttpRoute {
    Route(std::shared_ptr<Routes> routes, std::shared_ptr<std::mutex> mutex, std::string pattern)
        : routes_(std::move(routes)), mutex_(std::move(mutex)), pattern_(std::move(pattern)) {}
    ~Route() override {
      std::lock_guard lock(*mutex_);
      routes_->erase(pattern_);
    }
    std::shared_ptr<Routes> routes_;
    std::shared_ptr<std::mutex> mutex_;
    std::string pattern_;
  };

  static std::vector<std::string> split(const std::string& path) {
    std::vector<std::string> parts;
    std::string current;
    for (char c : path.substr(1)) {
      if (c == '/') {
        parts.push_back(current);
        current.clear();
      } else {
        current += c;
      }
    }
    parts.push_back(current);
    return parts;
  }

  static bool match(const std::string& pattern, const std::string& path,
                    std::map<std::string, std::string, std::less<>>& params) {
    const auto want = split(pattern);
    const auto have = split(path);
    if (want.size() != have.size()) return false;
    for (std::size_t i = 0; i < want.size(); ++i) {
      const auto open = want[i].find('{');
      if (open == std::string::npos) {
        if (want[i] != have[i]) return false;
        continue;
      }
      const auto close = want[i].find('}');
      const std::string prefix = want[i].substr(0, open);
      const std::string suffix = want[i].substr(close + 1);
      const std::string& part = have[i];
      if (part.size() <= prefix.size() + suffix.size() || !part.starts_with(prefix) || !part.ends_with(suffix))
        return false;
      params[want[i].substr(open + 1, close - open - 1)] =
          part.substr(prefix.size(), part.size() - prefix.size() - suffix.size());
    }
    return true;
  }

  std::shared_ptr<Routes> routes_ = std::make_shared<Routes>();
  std::shared_ptr<std::mutex> mutex_ = std::make_shared<std::mutex>();
};

/// Allows everything unless told otherwise; remembers what it was asked.
/// With `hold` set, decisions wait until release() (an on-play callback still due).
class TestAccess : public AccessControl {
 public:
  using Rule = std::function<AccessDecision(const AccessRequest&)>;

  void check(AccessRequest request, std::function<void(AccessDecision)> done) override {
    AccessDecision decision = rule ? rule(request) : AccessDecision{true, {}};
    {
      std::lock_guard lock(mutex_);
      asked_.push_back(request);
      if (hold) {
        held_.push_back([done = std::move(done), decision] { done(decision); });
        return;
      }
    }
    done(std::move(decision));
  }
  void publish_done(const AccessRequest&) override {}

  /// Runs the decisions held so far.
  void release() {
    std::vector<std::function<void()>> due;
    {
      std::lock_guard lock(mutex_);
      due.swap(held_);
    }
    for (auto& decide : due) decide();
  }
  std::vector<AccessRequest> asked() const {
    std::lock_guard lock(mutex_);
    return asked_;
  }

  Rule rule;
  bool hold = false;

 private:
  mutable std::mutex mutex_;
  std::vector<AccessRequest> asked_;
  std::vector<std::function<void()>> held_;
};

class FakeHost : public Host {
 public:
  FakeHost(Bus& bus, std::set<std::string> apps)
      : bus_(bus),
        apps_(std::move(apps)),
        logger_(std::make_shared<spdlog::logger>("hls", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_))) {
    logger_->set_level(spdlog::level::trace);
  }

  std::string_view plugin_name() const override { return "hls"; }
  const std::shared_ptr<spdlog::logger>& logger() const override { return logger_; }
  Bus& bus() override { return bus_; }
  HttpRouter& http() override { return router_override_ ? *router_override_ : router; }
  AccessControl& access() override { return access_control; }
  std::size_t worker_count() const override { return 1; }
  Executor& worker(std::size_t) override { return *worker_; }
  Executor& next_worker() override { return *worker_; }
  /// Hands `executor` out as the only worker instead of the manual one.
  void use_worker(Executor& executor) { worker_ = &executor; }
  /// Hands `router` (the core's real one) out instead of the capturing one.
  void use_router(HttpRouter& router) { router_override_ = &router; }
  bool app_declared(std::string_view app) const override { return apps_.contains(std::string(app)); }
  std::vector<std::string> apps() const override { return {apps_.begin(), apps_.end()}; }

  std::string log() const {
    logger_->flush();
    return log_.str();
  }

  FakeClock clock;
  ManualExecutor executor{clock};
  FakeRouter router;
  TestAccess access_control;

 private:
  Bus& bus_;
  std::set<std::string> apps_;
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> logger_;
  Executor* worker_ = &executor;
  HttpRouter* router_override_ = nullptr;
};

}  // namespace streamgate::hls::test
