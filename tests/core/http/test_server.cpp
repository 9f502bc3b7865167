#include "test_server.hpp"

#include <spdlog/sinks/base_sink.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>

namespace streamgate::test {

class CaptureSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    auto level = spdlog::level::to_string_view(msg.level);
    lines_.push_back(std::string(level.data(), level.size()) + " " +
                     std::string(msg.payload.data(), msg.payload.size()));
  }
  void flush_() override {}

 private:
  std::vector<std::string> lines_;
};

HttpServerSettings TestServer::loopback_settings() {
  HttpServerSettings settings;
  settings.listen = {ListenAddress{"127.0.0.1", 0}};
  return settings;
}

TestServer::TestServer(HttpServerSettings settings) {
  std::vector<boost::asio::io_context*> pointers;
  for (int i = 0; i < 2; ++i) {
    workers_.push_back(std::make_unique<boost::asio::io_context>(1));
    guards_.push_back(boost::asio::make_work_guard(*workers_.back()));
    pointers.push_back(workers_.back().get());
  }
  for (auto& worker : workers_) threads_.emplace_back([io = worker.get()] { io->run(); });
  sink_ = std::make_shared<CaptureSink>();
  logger_ = std::make_shared<spdlog::logger>("core.http", sink_);
  logger_->set_level(spdlog::level::debug);
  server_ = std::make_unique<HttpServer>(pointers, std::move(settings), logger_);
  server_->start();
}

TestServer::~TestServer() {
  // An exception from the test body is recorded only after this runs.
  if (::testing::Test::HasFailure() || std::uncaught_exceptions() > 0 || std::getenv("STREAMGATE_TEST_LOG")) {
    for (const auto& line : log_lines()) std::fprintf(stderr, "  server log: %s\n", line.c_str());
  }
  server_->stop();
  server_.reset();
  stop_workers();
}

void TestServer::stop_workers() {
  for (auto& guard : guards_) guard.reset();
  for (auto& worker : workers_) worker->stop();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

std::string TestServer::url(std::string_view target) const {
  return "http://127.0.0.1:" + std::to_string(port()) + std::string(target);
}

std::vector<std::string> TestServer::log_lines() const { return sink_->lines(); }

bool TestServer::wait_for_log(std::initializer_list<std::string_view> parts) const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  do {
    for (const auto& line : log_lines()) {
      bool all = true;
      for (auto part : parts) all = all && line.find(part) != std::string::npos;
      if (all) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

RunResult curl(std::vector<std::string> args) {
  args.insert(args.begin(), "-sS");
  return run("curl", args, std::chrono::seconds(20));
}

HttpHandler reply(std::string body) {
  return [body = std::move(body)](const HttpRequest&, std::shared_ptr<HttpResponder> responder) {
    HttpResponse response;
    response.body = SharedBytes::copy(body);
    responder->respond(std::move(response));
  };
}

std::string to_string(const SharedBytes& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace streamgate::test
