#include "callback_server.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace streamgate::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

class CallbackServer::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(CallbackServer& server, asio::ip::tcp::socket socket)
      : server_(server), stream_(std::move(socket)) {}

  void start() {
    bhttp::async_read(stream_, buffer_, request_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->server_.record({std::string(self->request_.method_string()), std::string(self->request_.target()),
                            std::string(self->request_[bhttp::field::content_type]), self->request_.body()});
      if (self->server_.silent_) {
        self->server_.held_.push_back(self);
        return;
      }
      self->respond();
    });
  }

 private:
  void respond() {
    const int status = server_.status_.load();
    response_.result(static_cast<unsigned>(status));
    response_.version(11);
    response_.set(bhttp::field::content_type, "text/plain");
    if (const auto padding = server_.header_padding_.load(); padding > 0)
      response_.set("X-Padding", std::string(padding, 'p'));
    // RFC 9110 §15.3.5, §15.4.5: no content with 1xx, 204 and 304.
    const bool no_content = status < 200 || status == 204 || status == 304;
    response_.body() = no_content ? "" : "answer\n";
    response_.prepare_payload();
    response_.keep_alive(false);
    bhttp::async_write(stream_, response_, [self = shared_from_this()](beast::error_code, std::size_t) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    });
  }

  CallbackServer& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  bhttp::request<bhttp::string_body> request_;
  bhttp::response<bhttp::string_body> response_;
};

CallbackServer::CallbackServer()
    : acceptor_(io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  port_ = acceptor_.local_endpoint().port();
  accept();
  thread_ = std::thread([this] { io_.run(); });
}

CallbackServer::~CallbackServer() {
  // Pending handlers, and the sessions they hold, go with io_ (after held_).
  io_.stop();
  thread_.join();
}

std::string CallbackServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void CallbackServer::accept() {
  acceptor_.async_accept([this](beast::error_code ec, asio::ip::tcp::socket socket) {
    if (ec) return;
    std::make_shared<Session>(*this, std::move(socket))->start();
    accept();
  });
}

void CallbackServer::record(ReceivedCall call) {
  std::lock_guard lock(mutex_);
  calls_.push_back(std::move(call));
  changed_.notify_all();
}

std::vector<ReceivedCall> CallbackServer::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

bool CallbackServer::wait_for_calls(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return calls_.size() >= count; });
}

}  // namespace streamgate::test
