// The promise http.hpp makes to plugins that stop and unload: once
// HttpStream::close() (any thread) or HttpServer::stop() has returned, no
// done/on_closed of the stream runs any more, every done ran exactly once,
// and the server keeps none of the plugin's callables. Races are provoked on
// purpose (close while writes complete, clients leaving, stop): run this
// under ThreadSanitizer too (STREAMGATE_SANITIZE=thread).
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

#include "test_client.hpp"
#include "test_server.hpp"

namespace streamgate::test {
namespace {

using namespace std::chrono_literals;

// Counts the live copies of the callables handed to the server: zero means
// it keeps none of them (they would be dangling once a plugin is unloaded).
class Token {
 public:
  explicit Token(std::shared_ptr<std::atomic<int>> alive) : alive_(std::move(alive)) { ++*alive_; }
  Token(const Token& other) : alive_(other.alive_) { ++*alive_; }
  Token& operator=(const Token&) = delete;
  ~Token() { --*alive_; }

 private:
  std::shared_ptr<std::atomic<int>> alive_;
};

// Writes 1000-byte blocks one after another from done(), as HTTP-TS does.
// Every callback checks, on entry and again before it returns, whether
// close() or stop() has returned already: that would be a broken promise.
struct Producer : std::enable_shared_from_this<Producer> {
  static constexpr std::size_t kBlock = 1000;

  std::shared_ptr<HttpStream> stream;
  SharedBytes block = SharedBytes::copy(std::string(kBlock, 'b'));
  std::atomic<bool> settled{false};  // set right after close() / stop() returned
  std::atomic<int> late{0};
  std::atomic<int> writes{0};
  std::atomic<int> dones{0};
  std::atomic<int> ok_dones{0};
  std::atomic<int> closed_calls{0};
  std::atomic<int> calls{0};
  std::shared_ptr<std::atomic<int>> alive = std::make_shared<std::atomic<int>>(0);

  void start() {
    stream->on_closed([self = shared_from_this(), token = Token(alive)] {
      self->check();
      ++self->closed_calls;
      self->check();
    });
    write_next();
  }

  void write_next() {
    ++writes;
    stream->write({block}, [self = shared_from_this(), token = Token(alive)](bool ok) {
      self->check();
      ++self->dones;
      if (ok) ++self->ok_dones;
      // Now and then a slow callback, so that close() finds one running.
      if (++self->calls % 3 == 0) std::this_thread::sleep_for(200us);
      self->check();
      if (ok) self->write_next();
    });
  }

  void check() {
    if (settled.load()) ++late;
  }
};

// Hands the streams the route starts to the test thread.
class StreamSource {
 public:
  explicit StreamSource(TestServer& server)
      : route_(server.router().add(
            "/s", [this](const HttpRequest&, std::shared_ptr<HttpResponder> responder) {
              auto stream = responder->start_stream(200, "video/mp2t", {});
              std::lock_guard lock(mutex_);
              streams_.push_back(std::move(stream));
              ready_.notify_all();
            })) {}

  std::shared_ptr<HttpStream> next() {
    std::unique_lock lock(mutex_);
    if (!ready_.wait_for(lock, 5s, [&] { return !streams_.empty(); })) return nullptr;
    auto stream = std::move(streams_.front());
    streams_.pop_front();
    return stream;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::shared_ptr<HttpStream>> streams_;
  std::unique_ptr<HttpRoute> route_;
};

// The decoded body of a chunked response (RFC 9112 §7.1: chunk-size in hex,
// CRLF, data, CRLF; "0" CRLF CRLF ends it); nullopt when malformed or cut.
std::optional<std::string> dechunk(const std::string& wire) {
  auto at = wire.find("\r\n\r\n");
  if (at == std::string::npos) return std::nullopt;
  at += 4;
  std::string body;
  for (;;) {
    auto line_end = wire.find("\r\n", at);
    if (line_end == std::string::npos) return std::nullopt;
    std::size_t size = 0;
    try {
      size = std::stoul(wire.substr(at, line_end - at), nullptr, 16);
    } catch (const std::exception&) {
      return std::nullopt;
    }
    at = line_end + 2;
    if (size == 0) return wire.substr(at) == "\r\n" ? std::optional(body) : std::nullopt;
    if (wire.size() < at + size + 2 || wire.compare(at + size, 2, "\r\n") != 0) return std::nullopt;
    body.append(wire, at, size);
    at += size + 2;
  }
}

// One viewer: requests /s and reads on its own thread until the server
// closes, or leaves after `leave_after` bytes.
struct Viewer {
  Viewer(std::uint16_t port, std::optional<std::size_t> leave_after = std::nullopt) : client(port) {
    client.send("GET /s HTTP/1.1\r\nHost: x\r\n\r\n");
    reader = std::thread([this, leave_after] {
      if (leave_after) {
        client.read_bytes(*leave_after, 5s);
        client.close();
        return;
      }
      wire = client.read_until_closed(closed, 10s);
    });
  }
  ~Viewer() {
    if (reader.joinable()) reader.join();
  }
  std::string finish() {
    reader.join();
    return wire;
  }

  TestClient client;
  std::thread reader;
  std::string wire;
  bool closed = false;
};

// What must hold once close() or stop() returned and `settled` was set.
void expect_settled(Producer& producer) {
  EXPECT_EQ(producer.late.load(), 0) << "a callback ran after close()/stop() returned";
  EXPECT_EQ(producer.dones.load(), producer.writes.load())
      << "a write's done did not run exactly once";
  EXPECT_EQ(producer.alive->load(), 0) << "the server still holds a callback";
}

// A producer writing to the next stream the route starts; null if none came.
std::shared_ptr<Producer> start_producer(StreamSource& source) {
  auto stream = source.next();
  if (!stream) return nullptr;
  auto producer = std::make_shared<Producer>();
  producer->stream = std::move(stream);
  producer->start();
  return producer;
}

// Lets the writes run for `after`, then closes from this (the test's) thread.
void close_after(Producer& producer, std::chrono::microseconds after) {
  std::this_thread::sleep_for(after);
  producer.stream->close();
  producer.settled = true;
  expect_settled(producer);
}

TEST(HttpStreamClose, CloseFromAnotherThreadWhileWritesComplete) {
  TestServer server;
  StreamSource source(server);
  for (int round = 0; round < 25; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    Viewer viewer(server.port());
    auto producer = start_producer(source);
    ASSERT_TRUE(producer);
    close_after(*producer, std::chrono::microseconds(300 * (round % 7)));

    auto body = dechunk(viewer.finish());
    EXPECT_TRUE(viewer.closed);
    ASSERT_TRUE(body) << "the chunked body is malformed or cut short";
    // Whole blocks only; every write that reported ok is there, and at most
    // every write queued before close().
    EXPECT_EQ(body->size() % Producer::kBlock, 0u);
    EXPECT_GE(body->size() / Producer::kBlock, static_cast<std::size_t>(producer->ok_dones.load()));
    EXPECT_LE(body->size() / Producer::kBlock, static_cast<std::size_t>(producer->writes.load()));
    std::this_thread::sleep_for(2ms);
    EXPECT_EQ(producer->late.load(), 0) << "a callback ran later";
    EXPECT_EQ(producer->closed_calls.load(), 0) << "on_closed ran although the producer closed";
  }
}

TEST(HttpStreamClose, CloseWhileTheClientLeaves) {
  TestServer server;
  StreamSource source(server);
  for (int round = 0; round < 25; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    auto viewer = std::make_unique<Viewer>(server.port(), 2000 + 9000 * (round % 5));
    auto producer = start_producer(source);
    ASSERT_TRUE(producer);
    close_after(*producer, std::chrono::microseconds(200 * (round % 6)));
    viewer.reset();
    std::this_thread::sleep_for(2ms);
    EXPECT_EQ(producer->late.load(), 0) << "a callback ran later";
    EXPECT_LE(producer->closed_calls.load(), 1);
  }
}

TEST(HttpStreamClose, StopSettlesEveryStreamAndRunsOnClosedOnce) {
  TestServer server;
  StreamSource source(server);
  std::vector<std::unique_ptr<Viewer>> viewers;
  std::vector<std::shared_ptr<Producer>> producers;
  for (int i = 0; i < 4; ++i) {
    viewers.push_back(std::make_unique<Viewer>(server.port()));
    producers.push_back(start_producer(source));
    ASSERT_TRUE(producers.back());
  }
  std::this_thread::sleep_for(5ms);

  server.server().stop();
  for (auto& producer : producers) producer->settled = true;
  for (auto& producer : producers) {
    expect_settled(*producer);
    EXPECT_EQ(producer->closed_calls.load(), 1) << "on_closed did not run exactly once";
  }
  for (auto& viewer : viewers) {
    viewer->finish();
    EXPECT_TRUE(viewer->closed);
  }
  for (auto& producer : producers) EXPECT_EQ(producer->late.load(), 0);
}

TEST(HttpStreamClose, StopWithWorkersNoLongerRunningStillSettlesOnItsThread) {
  TestServer server;
  std::promise<std::shared_ptr<HttpStream>> started;
  std::promise<std::shared_ptr<HttpResponder>> held;
  auto stream_route =
      server.router().add("/s", [&](const HttpRequest&, std::shared_ptr<HttpResponder> responder) {
        started.set_value(responder->start_stream(200, "video/mp2t", {}));
      });
  auto later_route = server.router().add(
      "/later", [&](const HttpRequest&, std::shared_ptr<HttpResponder> responder) {
        held.set_value(responder);
      });
  TestClient viewer(server.port());  // never reads: the big write stays in flight
  viewer.send("GET /s HTTP/1.1\r\nHost: x\r\n\r\n");
  TestClient waiting(server.port());
  waiting.send("GET /later HTTP/1.1\r\nHost: x\r\n\r\n");
  auto stream = started.get_future().get();
  auto responder = held.get_future().get();

  auto alive = std::make_shared<std::atomic<int>>(0);
  std::optional<std::thread::id> closed_on, done_on;
  std::optional<bool> done_ok;
  stream->on_closed([&, token = Token(alive)] { closed_on = std::this_thread::get_id(); });
  stream->write({SharedBytes::copy(std::string(32u << 20, 'w'))},
                [&, token = Token(alive)](bool ok) {
                  done_on = std::this_thread::get_id();
                  done_ok = ok;
                });
  std::this_thread::sleep_for(100ms);
  ASSERT_FALSE(done_ok) << "the write was not in flight";

  server.stop_workers();
  auto stop_started = std::chrono::steady_clock::now();
  server.server().stop();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_started, 2s);
  // No worker runs: what was owed ran inside stop(), here.
  EXPECT_EQ(closed_on, std::this_thread::get_id());
  EXPECT_EQ(done_on, std::this_thread::get_id());
  EXPECT_EQ(done_ok, std::optional<bool>(false));
  EXPECT_EQ(alive->load(), 0);

  // A stream started after stop() is over from the start: its callbacks run
  // inside the calls that hand them over, never later.
  auto late = responder->start_stream(200, "video/mp2t", {});
  bool late_closed = false;
  late->on_closed([&, token = Token(alive)] { late_closed = true; });
  EXPECT_TRUE(late_closed);
  std::optional<bool> late_ok;
  late->write({SharedBytes::copy("x")}, [&, token = Token(alive)](bool ok) { late_ok = ok; });
  EXPECT_EQ(late_ok, std::optional<bool>(false));
  EXPECT_EQ(alive->load(), 0);
  late.reset();
  stream.reset();
  responder.reset();
}

TEST(HttpStreamClose, AThrowingCallbackIsLoggedAndTheServerGoesOn) {
  TestServer server;
  StreamSource source(server);
  auto ok_route = server.router().add("/ok", reply("fine"));
  Viewer viewer(server.port());
  auto stream = source.next();
  ASSERT_TRUE(stream);
  std::promise<void> threw;
  stream->write({SharedBytes::copy("x")}, [&](bool) {
    threw.set_value();
    throw std::runtime_error("boom");
  });
  ASSERT_EQ(threw.get_future().wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(server.wait_for_log({"stream write callback", "threw: boom"}));
  stream->close();
  EXPECT_EQ(dechunk(viewer.finish()), std::optional<std::string>("x"));
  EXPECT_EQ(TestClient(server.port()).get("/ok").body(), "fine");
}

}  // namespace
}  // namespace streamgate::test
