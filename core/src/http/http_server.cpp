#include "http/http_server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <stdexcept>

#include "http/beast.hpp"
#include "http/http_connection.hpp"
#include "http/http_listener.hpp"
#include "http/server_context.hpp"
#include "http/stream_status_json.hpp"
#include "streamgate/bus.hpp"

namespace streamgate {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// Connections that only get a 503 are cheap but not free: past this many at
// once, new ones over the limit are closed without an answer.
constexpr std::size_t kMaxRejecting = 64;
// How long stop() waits for the workers to close everything.
constexpr std::chrono::milliseconds kStopWait{5000};

// How an address is named in messages. ListenAddress::str() lives in the
// config code; this keeps the server free of that dependency.
std::string describe(const ListenAddress& listen) {
  auto port = std::to_string(listen.port);
  if (listen.host.empty()) return "*:" + port;
  if (listen.host.find(':') != std::string::npos && listen.host.front() != '[') return "[" + listen.host + "]:" + port;
  return listen.host + ":" + port;
}

struct Endpoint {
  tcp::endpoint endpoint;
  bool v6_only = true;
};

// ListenAddress host "" means every interface: one dual-stack IPv6 socket,
// or IPv4 alone where the machine has no IPv6. A name is resolved and every
// address it has is bound.
std::vector<Endpoint> endpoints_for(const ListenAddress& listen) {
  if (listen.host.empty()) {
    asio::io_context probe_io;
    tcp::acceptor probe(probe_io);
    boost::system::error_code ec;
    probe.open(tcp::v6(), ec);
    if (!ec) return {{tcp::endpoint(tcp::v6(), listen.port), false}};
    return {{tcp::endpoint(tcp::v4(), listen.port), true}};
  }
  auto host = listen.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (!ec) return {{tcp::endpoint(address, listen.port), true}};
  asio::io_context resolve_io;
  tcp::resolver resolver(resolve_io);
  auto results = resolver.resolve(host, std::to_string(listen.port), tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    throw std::runtime_error("http: cannot listen on " + describe(listen) + ": cannot resolve '" + host +
                             "': " + (ec ? ec.message() : "no address"));
  }
  std::vector<Endpoint> out;
  for (const auto& entry : results) {
    Endpoint endpoint{entry.endpoint(), true};
    auto same = [&](const Endpoint& e) { return e.endpoint == endpoint.endpoint; };
    if (std::none_of(out.begin(), out.end(), same)) out.push_back(endpoint);
  }
  return out;
}

}  // namespace

// Hidden like the connection types it holds (see http/beast.hpp).
struct STREAMGATE_HTTP_HIDDEN HttpServer::Impl {
  std::vector<asio::io_context*> workers;
  std::shared_ptr<http::ServerContext> context;
  std::vector<std::shared_ptr<http::HttpListener>> listeners;
  std::unique_ptr<HttpRoute> status_route;
  bool started = false;
  bool stopped = false;

  bool on_worker_thread() const {
    return std::any_of(workers.begin(), workers.end(),
                       [](asio::io_context* io) { return io->get_executor().running_in_this_thread(); });
  }

  bool workers_stopped() const {
    return std::all_of(workers.begin(), workers.end(), [](asio::io_context* io) { return io->stopped(); });
  }

  void accept(http::Socket socket) {
    auto& ctx = *context;
    if (ctx.stopping.load()) return;  // the socket closes here
    auto mode = http::HttpConnection::Mode::Serve;
    auto address = http::client_address_of(socket);
    if (ctx.connections.counted() >= ctx.settings.max_connections ||
        ctx.connections.counted_from(address) >= ctx.settings.max_connections_per_ip) {
      if (ctx.connections.uncounted() >= kMaxRejecting) return;
      mode = http::HttpConnection::Mode::Reject;
    }
    auto connection = std::make_shared<http::HttpConnection>(context, std::move(socket), mode,
                                                             std::move(address));
    connection->start();
  }
};

HttpServer::HttpServer(std::vector<asio::io_context*> workers, HttpServerSettings settings,
                       std::shared_ptr<spdlog::logger> logger)
    : impl_(std::make_shared<Impl>()) {
  if (workers.empty()) throw std::invalid_argument("http: server needs at least one worker");
  if (!logger) throw std::invalid_argument("http: server needs a logger");
  if (settings.max_request_bytes < 64) throw std::invalid_argument("http: max_request_bytes below 64");
  impl_->workers = std::move(workers);
  impl_->context = std::make_shared<http::ServerContext>();
  impl_->context->settings = std::move(settings);
  impl_->context->logger = std::move(logger);
}

HttpServer::~HttpServer() {
  stop();
  impl_->status_route.reset();
}

HttpRouter& HttpServer::router() { return impl_->context->router; }

void HttpServer::start() {
  if (impl_->started) throw std::logic_error("http: server started twice");
  impl_->started = true;
  auto& ctx = *impl_->context;
  std::vector<std::shared_ptr<http::HttpListener>> listeners;
  // Bind everything first: on a failure nothing is left listening.
  std::size_t worker = 0;
  for (const auto& listen : ctx.settings.listen) {
    for (const auto& endpoint : endpoints_for(listen)) {
      auto& io = *impl_->workers[worker++ % impl_->workers.size()];
      listeners.push_back(std::make_shared<http::HttpListener>(io, endpoint.endpoint, endpoint.v6_only,
                                                               describe(listen), ctx.logger));
    }
  }
  impl_->listeners = std::move(listeners);
  // The workers outlive the server; the server may not outlive a late handler.
  auto workers = impl_->workers;
  auto next = std::make_shared<std::atomic<std::size_t>>(0);  // round-robin over every listener
  for (auto& listener : impl_->listeners) {
    listener->start(
        [workers, next] {
          return asio::make_strand(*workers[next->fetch_add(1, std::memory_order_relaxed) % workers.size()]);
        },
        [weak = std::weak_ptr<Impl>(impl_)](http::Socket socket) {
          if (auto impl = weak.lock()) impl->accept(std::move(socket));
        });
    ctx.logger->info("http: listening on {} (port {})", listener->name(), listener->port());
  }
}

void HttpServer::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  auto& ctx = *impl_->context;
  ctx.stopping.store(true);
  std::vector<std::future<void>> closing;
  for (auto& listener : impl_->listeners) closing.push_back(listener->close());
  ctx.connections.close_all();
  // Last, whatever happened above: the streams' callbacks that are still owed
  // run here, and none runs after stop() returns (http.hpp promises it).
  struct SettleStreams {
    http::StreamRegistry& streams;
    ~SettleStreams() { streams.stop_all(); }
  } settle{ctx.streams};
  if (impl_->on_worker_thread()) {
    ctx.logger->debug("http: stop called on a worker thread; connections close in the background");
    return;
  }
  auto deadline = std::chrono::steady_clock::now() + kStopWait;
  for (auto& closed : closing) {
    while (closed.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
      if (impl_->workers_stopped() || std::chrono::steady_clock::now() > deadline) break;
    }
  }
  while (!ctx.connections.wait_empty(std::chrono::milliseconds(20))) {
    if (impl_->workers_stopped() || std::chrono::steady_clock::now() > deadline) {
      ctx.logger->warn("http: server stopped with {} connections still open: workers not running",
                       ctx.connections.counted() + ctx.connections.uncounted());
      break;
    }
  }
}

std::vector<std::uint16_t> HttpServer::bound_ports() const {
  std::vector<std::uint16_t> ports;
  for (const auto& listener : impl_->listeners) ports.push_back(listener->port());
  return ports;
}

void HttpServer::register_status_routes(Bus& bus) {
  impl_->status_route = router().add("/api/streams", [&bus](const HttpRequest&, std::shared_ptr<HttpResponder> responder) {
    HttpResponse response;
    response.content_type = "application/json";
    response.headers = {{"Access-Control-Allow-Origin", "*"}, {"Cache-Control", "no-store"}};
    response.body = SharedBytes::copy(http::streams_to_json(bus.streams()));
    responder->respond(std::move(response));
  });
}

}  // namespace streamgate
