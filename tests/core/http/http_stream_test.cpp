// HttpStream responses: chunked transfer coding on the wire (RFC 9112 §7.1),
// order of writes, done() on the connection's thread, on_closed when the
// client leaves, and HTTP/1.0 and HEAD clients.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "test_client.hpp"
#include "test_server.hpp"

namespace streamgate::test {
namespace {

using namespace std::chrono_literals;

SharedBytes bytes(std::string_view text) { return SharedBytes::copy(text); }

// What a stream handler saw, for the test to check later.
struct StreamProbe {
  std::promise<std::shared_ptr<HttpStream>> started;
  std::atomic<int> closed_calls{0};
  std::promise<void> closed;
  std::thread::id handler_thread;
};

HttpHandler stream_handler(StreamProbe& probe, std::string content_type = "video/mp2t") {
  return [&probe, content_type](const HttpRequest&, std::shared_ptr<HttpResponder> responder) {
    probe.handler_thread = std::this_thread::get_id();
    auto stream = responder->start_stream(200, content_type, {{"Cache-Control", "no-cache"}});
    stream->on_closed([&probe] {
      if (++probe.closed_calls == 1) probe.closed.set_value();
    });
    probe.started.set_value(stream);
  };
}

// write() and wait for done(ok); returns ok and the thread done ran on.
std::pair<bool, std::thread::id> write_and_wait(HttpStream& stream, std::vector<SharedBytes> chunks) {
  auto done = std::make_shared<std::promise<std::pair<bool, std::thread::id>>>();
  auto future = done->get_future();
  stream.write(std::move(chunks), [done](bool ok) { done->set_value({ok, std::this_thread::get_id()}); });
  if (future.wait_for(5s) != std::future_status::ready) return {false, {}};
  return future.get();
}

// A server with a streaming route at /s and a client that requests it.
class HttpStreamTest : public ::testing::Test {
 protected:
  /// Sends `request` and returns the stream the handler started.
  std::shared_ptr<HttpStream> open(std::string_view request = "GET /s HTTP/1.1\r\nHost: x\r\n\r\n") {
    client = std::make_unique<TestClient>(server.port());
    client->send(request);
    return probe.started.get_future().get();
  }
  /// Everything the client receives until the server closes; fails if it does not.
  std::string wire_until_closed() {
    bool closed = false;
    auto wire = client->read_until_closed(closed, 20s);
    EXPECT_TRUE(closed) << "the server did not close the connection";
    return wire;
  }

  TestServer server;
  StreamProbe probe;
  std::unique_ptr<HttpRoute> route = server.router().add("/s", stream_handler(probe));
  std::unique_ptr<TestClient> client;
};

TEST_F(HttpStreamTest, ChunksGoOutInOrderWithExactChunkedFraming) {
  auto stream = open();

  auto [ok1, thread1] = write_and_wait(*stream, {bytes("one")});
  EXPECT_TRUE(ok1);
  EXPECT_EQ(thread1, probe.handler_thread) << "done() must run on the connection's thread";
  // Several buffers in one write() travel as one chunk of their total size.
  EXPECT_TRUE(write_and_wait(*stream, {bytes("two"), bytes("-"), bytes("three")}).first);
  EXPECT_TRUE(write_and_wait(*stream, {bytes(std::string(26, 'x'))}).first);
  stream->close();

  auto wire = wire_until_closed();  // close() ends the response and the connection
  auto body_at = wire.find("\r\n\r\n");
  ASSERT_NE(body_at, std::string::npos) << wire;
  auto header = wire.substr(0, body_at + 2);
  EXPECT_TRUE(header.starts_with("HTTP/1.1 200 OK\r\n")) << header;
  EXPECT_NE(header.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << header;
  EXPECT_NE(header.find("Content-Type: video/mp2t\r\n"), std::string::npos) << header;
  EXPECT_NE(header.find("Cache-Control: no-cache\r\n"), std::string::npos) << header;
  EXPECT_EQ(header.find("Content-Length"), std::string::npos) << header;
  // RFC 9112 §7.1: chunk = chunk-size (hex) CRLF chunk-data CRLF; last-chunk
  // "0" CRLF; then the (empty) trailer section's CRLF.
  EXPECT_EQ(wire.substr(body_at + 4), "3\r\none\r\n9\r\ntwo-three\r\n1a\r\n" + std::string(26, 'x') + "\r\n0\r\n\r\n");
}

std::string numbered_line(int i) {
  return "line " + std::to_string(i) + " " + std::string(std::size_t(i) * 7 % 900, '.') + "\n";
}

// Writes numbered lines one after another, each from the previous done(),
// as a real producer does, then closes.
struct LineProducer : std::enable_shared_from_this<LineProducer> {
  std::shared_ptr<HttpStream> stream;
  int next_line = 0;
  int lines = 0;
  void next() {
    if (next_line == lines) return stream->close();
    stream->write({SharedBytes::copy(numbered_line(next_line++))}, [self = shared_from_this()](bool ok) {
      if (ok) self->next();
    });
  }
};

TEST(HttpStream, CurlDecodesAManyChunkStreamInOrder) {
  TestServer server;
  auto route = server.router().add("/s", [](const HttpRequest&, std::shared_ptr<HttpResponder> responder) {
    auto producer = std::make_shared<LineProducer>();
    producer->stream = responder->start_stream(200, "application/octet-stream", {});
    producer->lines = 200;
    producer->next();
  });
  std::string expected;
  for (int i = 0; i < 200; ++i) expected += numbered_line(i);
  auto result = curl({server.url("/s")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, expected);
}

TEST_F(HttpStreamTest, ClientLeavingFiresOnClosedOnceAndFailsWrites) {
  auto stream = open();
  EXPECT_TRUE(write_and_wait(*stream, {bytes("hello")}).first);
  client->read_bytes(1);  // the header has arrived
  client.reset();         // the client goes away

  ASSERT_EQ(probe.closed.get_future().wait_for(5s), std::future_status::ready) << "on_closed never fired";
  EXPECT_FALSE(write_and_wait(*stream, {bytes("late")}).first);
  stream->close();
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(probe.closed_calls.load(), 1);
}

TEST(HttpStream, OnClosedRegisteredAfterTheClientLeftStillRuns) {
  TestServer server;
  std::promise<std::shared_ptr<HttpStream>> started;
  auto route = server.router().add("/s", [&](const HttpRequest&, std::shared_ptr<HttpResponder> responder) {
    started.set_value(responder->start_stream(200, "text/plain", {}));
  });
  auto client = std::make_unique<TestClient>(server.port());
  client->send("GET /s HTTP/1.1\r\nHost: x\r\n\r\n");
  auto stream = started.get_future().get();
  client->read_bytes(1);
  client.reset();
  // Wait until the server noticed (a write then fails).
  for (int i = 0; i < 100 && write_and_wait(*stream, {bytes("x")}).first; ++i) std::this_thread::sleep_for(20ms);
  std::promise<void> fired;
  stream->on_closed([&] { fired.set_value(); });
  EXPECT_EQ(fired.get_future().wait_for(5s), std::future_status::ready);
}

TEST_F(HttpStreamTest, ProducerCloseDoesNotFireOnClosed) {
  auto stream = open();
  stream->close();
  wire_until_closed();
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(probe.closed_calls.load(), 0);
}

TEST(HttpStream, DroppingTheHandleEndsTheResponse) {
  TestServer server;
  auto route = server.router().add("/s", [](const HttpRequest&, std::shared_ptr<HttpResponder> responder) {
    auto stream = responder->start_stream(200, "text/plain", {});
    stream->write({SharedBytes::copy("bye")}, [stream](bool) {});  // the last reference goes with done
  });
  TestClient client(server.port());
  client.send("GET /s HTTP/1.1\r\nHost: x\r\n\r\n");
  bool closed = false;
  auto wire = client.read_until_closed(closed);
  EXPECT_TRUE(closed);
  EXPECT_TRUE(wire.ends_with("\r\n\r\n3\r\nbye\r\n0\r\n\r\n")) << wire;
}

TEST_F(HttpStreamTest, EmptyWriteSendsNothingAndDoesNotEndTheBody) {
  auto stream = open();
  EXPECT_TRUE(write_and_wait(*stream, {}).first);
  EXPECT_TRUE(write_and_wait(*stream, {SharedBytes{}, bytes("")}).first);
  EXPECT_TRUE(write_and_wait(*stream, {bytes("ab")}).first);
  stream->close();
  auto wire = wire_until_closed();
  EXPECT_TRUE(wire.ends_with("\r\n\r\n2\r\nab\r\n0\r\n\r\n")) << wire;
}

TEST_F(HttpStreamTest, SecondWriteInFlightAndWriteAfterCloseAreRefused) {
  auto stream = open();
  // Far more than the socket buffers hold while the client does not read:
  // this write stays in flight.
  const std::size_t big = 32u << 20;
  std::promise<bool> first, second;
  auto first_done = first.get_future();
  stream->write({SharedBytes::copy(std::string(big, 'f'))}, [&](bool ok) { first.set_value(ok); });
  std::this_thread::sleep_for(100ms);
  stream->write({bytes("second")}, [&](bool ok) { second.set_value(ok); });
  auto second_done = second.get_future();
  ASSERT_EQ(second_done.wait_for(5s), std::future_status::ready);
  EXPECT_FALSE(second_done.get());
  EXPECT_EQ(first_done.wait_for(0s), std::future_status::timeout) << "the first write was not in flight";
  stream->close();  // ends the body once the first write is out
  // No callback runs after close() returns: the write still in flight got
  // done(false) inside it, and a write after it is refused inside write().
  ASSERT_EQ(first_done.wait_for(0s), std::future_status::ready);
  EXPECT_FALSE(first_done.get());
  std::optional<bool> after;
  stream->write({bytes("after")}, [&](bool ok) { after = ok; });
  EXPECT_EQ(after, std::optional<bool>(false));

  // The bytes of the write in flight still go out whole, then the end.
  auto wire = wire_until_closed();
  std::ostringstream size;
  size << std::hex << big;
  auto body_at = wire.find("\r\n\r\n") + 4;
  EXPECT_EQ(wire.size() - body_at, size.str().size() + 2 + big + 2 + 5);
  EXPECT_EQ(wire.substr(body_at, size.str().size() + 2), size.str() + "\r\n");
  EXPECT_TRUE(wire.ends_with("ff\r\n0\r\n\r\n"));
}

TEST_F(HttpStreamTest, Http10ClientGetsACloseDelimitedBody) {
  auto stream = open("GET /s HTTP/1.0\r\n\r\n");
  EXPECT_TRUE(write_and_wait(*stream, {bytes("raw"), bytes("bytes")}).first);
  stream->close();
  auto wire = wire_until_closed();
  EXPECT_TRUE(wire.starts_with("HTTP/1.0 200 OK\r\n")) << wire;
  EXPECT_EQ(wire.find("chunked"), std::string::npos) << wire;
  EXPECT_TRUE(wire.ends_with("\r\n\r\nrawbytes")) << wire;
}

TEST_F(HttpStreamTest, HeadGetsTheHeaderAndTheProducerIsToldToStop) {
  auto stream = open("HEAD /s HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(probe.closed.get_future().wait_for(5s), std::future_status::ready);
  EXPECT_FALSE(write_and_wait(*stream, {bytes("body")}).first);
  auto wire = wire_until_closed();
  EXPECT_TRUE(wire.starts_with("HTTP/1.1 200 OK\r\n")) << wire;
  EXPECT_TRUE(wire.ends_with("\r\n\r\n")) << wire;  // nothing after the header
}

}  // namespace
}  // namespace streamgate::test
