#include "test_host.hpp"

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace streamgate::mpegts::test {

// ---- ThreadExecutor ----

namespace {

class TestTimer final : public Timer {
 public:
  explicit TestTimer(ThreadExecutor& executor) : executor_(executor) {}
  ~TestTimer() override { cancel(); }
  void start(std::chrono::milliseconds after, std::function<void()> on_expiry) override {
    cancel();
    id_ = executor_.schedule(after, std::move(on_expiry));
  }
  void cancel() noexcept override {
    if (id_) executor_.cancel(id_);
    id_ = 0;
  }

 private:
  ThreadExecutor& executor_;
  std::uint64_t id_ = 0;
};

}  // namespace

ThreadExecutor::ThreadExecutor(std::size_t index) : index_(index), thread_([this] { run(); }) {}

ThreadExecutor::~ThreadExecutor() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void ThreadExecutor::post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  wake_.notify_all();
}

std::unique_ptr<Timer> ThreadExecutor::make_timer() { return std::make_unique<TestTimer>(*this); }

bool ThreadExecutor::running_in_this_thread() const noexcept {
  return std::this_thread::get_id() == thread_.get_id();
}

void ThreadExecutor::sync() {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  post([&] {
    std::lock_guard lock(m);
    done = true;
    cv.notify_all();
  });
  std::unique_lock lock(m);
  cv.wait(lock, [&] { return done; });
}

std::uint64_t ThreadExecutor::schedule(std::chrono::milliseconds after,
                                       std::function<void()> task) {
  std::uint64_t id;
  {
    std::lock_guard lock(mutex_);
    id = next_timer_++;
    timers_[id] = {std::chrono::steady_clock::now() + after, std::move(task)};
  }
  wake_.notify_all();
  return id;
}

void ThreadExecutor::cancel(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  timers_.erase(id);
}

void ThreadExecutor::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    if (!tasks_.empty()) {
      auto task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      task();
      lock.lock();
      continue;
    }
    if (stop_) return;
    auto next = std::min_element(timers_.begin(), timers_.end(), [](const auto& a, const auto& b) {
      return a.second.first < b.second.first;
    });
    if (next == timers_.end()) {
      wake_.wait(lock);
      continue;
    }
    if (next->second.first <= std::chrono::steady_clock::now()) {
      auto task = std::move(next->second.second);
      timers_.erase(next);
      lock.unlock();
      task();
      lock.lock();
      continue;
    }
    wake_.wait_until(lock, next->second.first);
  }
}

// ---- FakeStream ----

void FakeStream::write(std::vector<SharedBytes> chunks, std::function<void(bool ok)> done) {
  bool complete = false;
  {
    std::lock_guard lock(mutex_);
    for (const auto& chunk : chunks)
      bytes_.insert(bytes_.end(), chunk.span().begin(), chunk.span().end());
    ++writes_;
    if (closed_)
      complete = true;
    else if (hold_)
      held_ = std::move(done);
    else
      complete = true;
  }
  if (complete && done) done(!closed());
}

// As http.hpp promises: a write still in flight gets done(false) inside
// close(), and on_closed never runs after it.
void FakeStream::close() {
  std::function<void(bool)> held;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    held = std::move(held_);
    held_ = nullptr;
    on_closed_ = nullptr;
  }
  if (held) held(false);
}

void FakeStream::on_closed(std::function<void()> callback) {
  std::lock_guard lock(mutex_);
  on_closed_ = std::move(callback);
}

void FakeStream::hold_writes(bool hold) {
  std::lock_guard lock(mutex_);
  hold_ = hold;
}

void FakeStream::release(bool ok) {
  std::function<void(bool)> done;
  {
    std::lock_guard lock(mutex_);
    done = std::move(held_);
    held_ = nullptr;
  }
  if (done) done(ok);
}

void FakeStream::disconnect() {
  std::function<void()> callback;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;  // the producer ended it: on_closed does not run
    callback = std::move(on_closed_);
  }
  if (callback) callback();
}

std::vector<std::byte> FakeStream::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

std::size_t FakeStream::writes() const {
  std::lock_guard lock(mutex_);
  return writes_;
}

bool FakeStream::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

bool FakeStream::write_in_flight() const {
  std::lock_guard lock(mutex_);
  return static_cast<bool>(held_);
}

// ---- FakeResponder ----

void FakeResponder::respond(HttpResponse response) {
  std::lock_guard lock(mutex_);
  status_ = response.status;
  content_type_ = response.content_type;
  headers_ = response.headers;
}

std::shared_ptr<HttpStream> FakeResponder::start_stream(int status, std::string content_type,
                                                        HttpHeaders headers) {
  std::lock_guard lock(mutex_);
  status_ = status;
  content_type_ = std::move(content_type);
  headers_ = std::move(headers);
  stream_ = prepared;
  return stream_;
}

int FakeResponder::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

std::string FakeResponder::content_type() const {
  std::lock_guard lock(mutex_);
  return content_type_;
}

std::string FakeResponder::header(const std::string& name) const {
  std::lock_guard lock(mutex_);
  for (const auto& [key, value] : headers_)
    if (key == name) return value;
  return {};
}

std::shared_ptr<FakeStream> FakeResponder::stream() const {
  std::lock_guard lock(mutex_);
  return stream_;
}

// ---- FakeRouter ----

namespace {
class FakeRoute final : public HttpRoute {
 public:
  FakeRoute(std::mutex& mutex, std::map<std::string, HttpHandler>& routes, std::string pattern)
      : mutex_(mutex), routes_(routes), pattern_(std::move(pattern)) {}
  ~FakeRoute() override {
    std::lock_guard lock(mutex_);
    routes_.erase(pattern_);
  }

 private:
  std::mutex& mutex_;
  std::map<std::string, HttpHandler>& routes_;
  std::string pattern_;
};
}  // namespace

std::unique_ptr<HttpRoute> FakeRouter::add(std::string pattern, HttpHandler handler) {
  std::lock_guard lock(mutex_);
  if (!routes_.emplace(pattern, std::move(handler)).second)
    throw std::invalid_argument("route taken: " + pattern);
  return std::make_unique<FakeRoute>(mutex_, routes_, pattern);
}

std::shared_ptr<FakeResponder> FakeRouter::get(const std::string& pattern, const std::string& app,
                                               const std::string& stream,
                                               const std::string& query) {
  HttpHandler handler;
  {
    std::lock_guard lock(mutex_);
    auto found = routes_.find(pattern);
    if (found != routes_.end()) handler = found->second;
  }
  auto responder = std::make_shared<FakeResponder>();
  if (!handler) {
    responder->respond(http_error(404, "no route"));
    return responder;
  }
  HttpRequest request;
  request.method = "GET";
  request.path = "/" + app + "/" + stream + ".ts";
  request.target = request.path + (query.empty() ? "" : "?" + query);
  request.query = query;
  request.peer = "127.0.0.1:40000";
  request.params = {{"app", app}, {"stream", stream}};
  handler(request, responder);
  return responder;
}

bool FakeRouter::has(const std::string& pattern) const {
  std::lock_guard lock(mutex_);
  return routes_.contains(pattern);
}

// ---- FakeAccess ----

void FakeAccess::check(AccessRequest request, std::function<void(AccessDecision)> done) {
  if (request.query.find("later") != std::string::npos) {
    std::lock_guard lock(mutex_);
    held_.push_back(std::move(done));
  } else if (request.query.find("deny") != std::string::npos) {
    done(AccessDecision{false, "denied by the test"});
  } else {
    done(AccessDecision{true, ""});
  }
}

void FakeAccess::decide_held(bool allowed) {
  std::vector<std::function<void(AccessDecision)>> held;
  {
    std::lock_guard lock(mutex_);
    held.swap(held_);
  }
  for (auto& done : held) done(AccessDecision{allowed, allowed ? "" : "denied by the test"});
}

// ---- TestHost ----

TestHost::TestHost(std::vector<std::string> apps, std::size_t workers)
    : apps_(std::move(apps)), log_sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(4096)) {
  logger_ = std::make_shared<spdlog::logger>("mpegts", log_sink_);
  logger_->set_level(spdlog::level::debug);
  bus_ = std::make_unique<LocalBus>(logger_);
  for (std::size_t i = 0; i < workers; ++i) workers_.push_back(std::make_unique<ThreadExecutor>(i));
}

TestHost::~TestHost() {
  workers_.clear();  // join before the bus and logger go
}

Executor& TestHost::next_worker() { return *workers_[next_++ % workers_.size()]; }

bool TestHost::app_declared(std::string_view app) const {
  return std::find(apps_.begin(), apps_.end(), app) != apps_.end();
}

void TestHost::sync() {
  for (int round = 0; round < 3; ++round)
    for (auto& worker : workers_) worker->sync();
}

std::string TestHost::log() const {
  std::string out;
  for (const auto& line : log_sink_->last_formatted()) out += line;
  return out;
}

}  // namespace streamgate::mpegts::test
