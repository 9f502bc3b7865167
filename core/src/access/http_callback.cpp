#include "access/http_callback.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <memory>

#include "http/beast.hpp"

namespace streamgate::access {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

class CallbackCall : public std::enable_shared_from_this<CallbackCall> {
 public:
  CallbackCall(asio::io_context& io, const CallbackUrl& url, std::string body,
               std::function<void(CallbackResult)> done)
      : strand_(asio::make_strand(io)),
        resolver_(strand_),
        socket_(strand_),
        timer_(strand_),
        host_(url.host),
        port_(std::to_string(url.port)),
        done_(std::move(done)) {
    request_.method(bhttp::verb::post);
    request_.target(url.target);
    request_.version(11);
    const bool v6 = url.host.find(':') != std::string::npos;
    request_.set(bhttp::field::host, (v6 ? "[" + url.host + "]" : url.host) + ":" + port_);
    request_.set(bhttp::field::user_agent, "streamgate");
    request_.set(bhttp::field::content_type, "application/x-www-form-urlencoded");
    request_.set(bhttp::field::connection, "close");
    request_.body() = std::move(body);
    request_.prepare_payload();
    parser_.header_limit(kMaxCallbackHeaderBytes);
  }

  void start(std::chrono::milliseconds timeout) {
    asio::dispatch(strand_, [self = shared_from_this(), timeout] {
      self->timer_.expires_after(timeout);
      self->timer_.async_wait([self](const beast::error_code& ec) {
        if (!ec) self->finish({CallbackResult::Outcome::TimedOut, 0, {}});
      });
      self->resolver_.async_resolve(
          self->host_, self->port_,
          [self](const beast::error_code& ec, const tcp::resolver::results_type& results) {
            self->on_resolved(ec, results);
          });
    });
  }

 private:
  void on_resolved(const beast::error_code& ec, const tcp::resolver::results_type& results) {
    if (ec) return fail(ec);
    asio::async_connect(socket_, results,
                        [self = shared_from_this()](const beast::error_code& ec, const tcp::endpoint&) {
                          self->on_connected(ec);
                        });
  }

  void on_connected(const beast::error_code& ec) {
    if (ec) return fail(ec);
    bhttp::async_write(socket_, request_, [self = shared_from_this()](const beast::error_code& ec, std::size_t) {
      self->on_written(ec);
    });
  }

  void on_written(const beast::error_code& ec) {
    if (ec) return fail(ec);
    bhttp::async_read_header(socket_, buffer_, parser_,
                             [self = shared_from_this()](const beast::error_code& ec, std::size_t) {
                               if (ec) return self->fail(ec);
                               self->finish({CallbackResult::Outcome::Answered,
                                             static_cast<int>(self->parser_.get().result_int()), {}});
                             });
  }

  void fail(const beast::error_code& ec) {
    // After finish() closed everything, the aborted operations land here.
    if (finished_) return;
    finish({CallbackResult::Outcome::Failed, 0, ec.message()});
  }

  void finish(CallbackResult result) {
    if (finished_) return;
    finished_ = true;
    beast::error_code ignored;
    timer_.cancel();
    resolver_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    auto done = std::move(done_);
    done(std::move(result));
  }

  asio::strand<asio::io_context::executor_type> strand_;
  tcp::resolver resolver_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  std::string host_;
  std::string port_;
  bhttp::request<bhttp::string_body> request_;
  beast::flat_buffer buffer_{kMaxCallbackHeaderBytes};
  bhttp::response_parser<bhttp::empty_body> parser_;
  std::function<void(CallbackResult)> done_;
  bool finished_ = false;
};

}  // namespace

void post_callback(asio::io_context& io, const CallbackUrl& url, std::string body,
                   std::chrono::milliseconds timeout, std::function<void(CallbackResult)> done) {
  std::make_shared<CallbackCall>(io, url, std::move(body), std::move(done))->start(timeout);
}

}  // namespace streamgate::access
