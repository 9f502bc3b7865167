// The smallest useful plugin: reads a setting into a typed struct, logs
// through the logger the host hands it, posts work to a worker, and serves
// GET /hello over the gateway's HTTP listener.
#include <atomic>
#include <spdlog/logger.h>
#include <streamgate/sdk.hpp>

namespace {

struct HelloConfig {
  std::string greeting = "Hello";  // first word of every answer
};

class Hello final : public streamgate::Plugin {
 public:
  void configure(const streamgate::ConfigNode& node) override {
    // Read every setting here; anything left unread is reported as a typo.
    config_.greeting = node.string("greeting", config_.greeting);
    if (config_.greeting.empty()) node.fail("greeting", "must not be empty");
  }

  void start(streamgate::Host& host) override {
    logger_ = host.logger();
    // Handlers run on worker threads and may run concurrently: they only
    // touch immutable settings and an atomic counter.
    route_ = host.http().add(
        "/hello", [this](const streamgate::HttpRequest& request,
                         std::shared_ptr<streamgate::HttpResponder> responder) {
          const auto count = ++requests_;
          streamgate::HttpResponse response;
          response.body = streamgate::SharedBytes::copy(config_.greeting + ", " + request.peer +
                                                        " (request " + std::to_string(count) + ")\n");
          responder->respond(std::move(response));
        });
    host.next_worker().post([logger = logger_, greeting = config_.greeting] {
      logger->info("hello: {} from a worker thread", greeting);
    });
    logger_->info("hello: serving GET /hello");
  }

  void stop() noexcept override {
    // After this returns nothing of the plugin may run: drop the route (the
    // router guarantees no handler runs once ~HttpRoute returns).
    route_.reset();
    logger_->info("hello: answered {} requests", requests_.load());
  }

 private:
  HelloConfig config_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<streamgate::HttpRoute> route_;
  std::atomic<std::uint64_t> requests_{0};
};

}  // namespace

STREAMGATE_PLUGIN(Hello, "hello", "1.0.0", "Says hello over HTTP")
