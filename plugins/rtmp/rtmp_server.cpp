#include "rtmp_server.hpp"

#include <spdlog/logger.h>

#include <future>

#include "listener.hpp"
#include "session.hpp"

namespace streamgate::rtmp {

namespace {

// How long stop() waits for sessions to finish closing (they only need their
// cancelled handlers to run) before it says so in the log.
constexpr std::chrono::milliseconds kStopWait{5000};

}  // namespace

RtmpServer::RtmpServer(RtmpConfig config, Host& host)
    : context_(std::make_shared<ServerContext>(std::move(config), host)) {}

// stop() is the plugin's to call while the workers run; a server whose
// start() threw has nothing open.
RtmpServer::~RtmpServer() = default;

void RtmpServer::start() {
  auto& host = context_->host;
  std::size_t home = 0;
  try {
    for (const auto& address : context_->config.listen) {
      for (const auto& endpoint : endpoints_for(address)) {
        // Acceptors take turns over the workers too.
        auto listener = std::make_shared<Listener>(
            context_, host.worker(home++ % host.worker_count()), endpoint.endpoint,
            endpoint.v6_only, address.str());
        listeners_.push_back(std::move(listener));
      }
    }
  } catch (...) {
    close_listeners();
    throw;
  }
  std::string addresses;
  for (const auto& listener : listeners_) {
    listener->start();
    addresses += " " + listener->name();
  }
  context_->logger->info("rtmp: listening on{} (chunk size {}, write-coalesce {} ms)", addresses,
                         context_->config.chunk_size, context_->config.write_coalesce.count());
}

void RtmpServer::close_listeners() noexcept {
  std::vector<std::future<void>> closing;
  for (auto& listener : listeners_) closing.push_back(listener->close());
  for (auto& closed : closing) closed.wait();
  listeners_.clear();
}

void RtmpServer::stop() noexcept {
  if (context_->stopping.exchange(true)) return;
  close_listeners();
  const std::size_t open = context_->sessions.size();
  context_->sessions.for_each([](const std::shared_ptr<Session>& session) { session->shutdown(); });
  if (!context_->sessions.wait_empty(kStopWait))
    context_->logger->error("rtmp: {} sessions still open {} ms after stop", context_->sessions.size(),
                            kStopWait.count());
  // Handlers posted before the sessions went (on_ready, access decisions)
  // may still be queued: a barrier on every worker lets them run out.
  auto& host = context_->host;
  std::vector<std::future<void>> barriers;
  for (std::size_t i = 0; i < host.worker_count(); ++i) {
    auto done = std::make_shared<std::promise<void>>();
    barriers.push_back(done->get_future());
    host.worker(i).post([done] { done->set_value(); });
  }
  for (auto& barrier : barriers) barrier.wait();
  context_->logger->info("rtmp: stopped ({} sessions closed)", open);
}

}  // namespace streamgate::rtmp
