#pragma once
// A small HTTP server for callback tests (Beast, header-only in the test
// program; the core's Beast is hidden from it). It records every request and
// answers with a chosen status, or reads the request and never answers.

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace streamgate::test {

struct ReceivedCall {
  std::string method;
  std::string target;
  std::string content_type;
  std::string body;
};

class CallbackServer {
 public:
  /// Listens on 127.0.0.1, on a free port.
  CallbackServer();
  ~CallbackServer();
  CallbackServer(const CallbackServer&) = delete;
  CallbackServer& operator=(const CallbackServer&) = delete;

  /// Every request from now on is answered with `status` (default 200).
  void answer_with(int status) { status_ = status; }
  /// Requests from now on are read and recorded but never answered.
  void never_answer() { silent_ = true; }
  /// Responses from now on carry `bytes` of extra header.
  void pad_header(std::size_t bytes) { header_padding_ = bytes; }

  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path) const;

  std::vector<ReceivedCall> calls() const;
  /// Waits until at least `count` requests have been recorded.
  bool wait_for_calls(std::size_t count, std::chrono::milliseconds timeout) const;

 private:
  class Session;
  void accept();
  void record(ReceivedCall call);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<int> status_{200};
  std::atomic<bool> silent_{false};
  std::atomic<std::size_t> header_padding_{0};
  std::vector<std::shared_ptr<Session>> held_;  // silent sessions, kept open (io thread only)
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<ReceivedCall> calls_;
  std::thread thread_;
};

}  // namespace streamgate::test
