// The route table: matching, conflicts, and removal that is safe against
// handlers running on other threads.
#include "http/http_router.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>

namespace streamgate::http {
namespace {

using namespace std::chrono_literals;

HttpHandler noop() {
  return [](const HttpRequest&, std::shared_ptr<HttpResponder>) {};
}

TEST(HttpRouter, FindsTheRouteAndItsParameters) {
  HttpRouterImpl router;
  auto playlist = router.add("/{app}/{stream}.m3u8", noop());
  auto segment = router.add("/{app}/{stream}/{segment}.ts", noop());
  auto match = router.find("/live/cam/12.ts");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->route->pattern().text(), "/{app}/{stream}/{segment}.ts");
  EXPECT_EQ(match->params, (RouteParams{{"app", "live"}, {"stream", "cam"}, {"segment", "12"}}));
  EXPECT_FALSE(router.find("/live/cam.mp4"));
}

TEST(HttpRouter, MostSpecificRouteWinsWhateverTheOrder) {
  for (bool literal_first : {true, false}) {
    HttpRouterImpl router;
    std::unique_ptr<HttpRoute> a, b;
    if (literal_first) {
      a = router.add("/api/streams", noop());
      b = router.add("/{app}/{stream}", noop());
    } else {
      b = router.add("/{app}/{stream}", noop());
      a = router.add("/api/streams", noop());
    }
    EXPECT_EQ(router.find("/api/streams")->route->pattern().text(), "/api/streams");
    EXPECT_EQ(router.find("/live/cam")->route->pattern().text(), "/{app}/{stream}");
  }
}

TEST(HttpRouter, RefusesDuplicateMalformedAndEmptyRoutes) {
  HttpRouterImpl router;
  auto first = router.add("/{app}/{stream}.ts", noop());
  EXPECT_THROW(router.add("/{app}/{stream}.ts", noop()), std::invalid_argument);
  EXPECT_THROW(router.add("/{a}/{b}.ts", noop()), std::invalid_argument);  // same paths, other names
  EXPECT_THROW(router.add("/{app", noop()), std::invalid_argument);
  EXPECT_THROW(router.add("/x", HttpHandler{}), std::invalid_argument);
  EXPECT_EQ(router.size(), 1u);
}

TEST(HttpRouter, RemovedRouteNoLongerMatchesAndCanBeAddedAgain) {
  HttpRouterImpl router;
  auto route = router.add("/a/{x}", noop());
  auto match = router.find("/a/1");
  ASSERT_TRUE(match);
  route.reset();
  EXPECT_FALSE(router.find("/a/1"));
  // A match taken before the removal does not run the handler any more.
  EXPECT_FALSE(match->route->invoke(HttpRequest{}, nullptr));
  EXPECT_NO_THROW(route = router.add("/a/{x}", noop()));
}

TEST(HttpRouter, RemovalWaitsForHandlersRunningOnOtherThreads) {
  HttpRouterImpl router;
  std::promise<void> entered;
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<bool> handler_finished{false};
  auto route = router.add("/slow", [&](const HttpRequest&, std::shared_ptr<HttpResponder>) {
    entered.set_value();
    released.wait();
    std::this_thread::sleep_for(20ms);
    handler_finished = true;
  });
  auto match = router.find("/slow");
  ASSERT_TRUE(match);
  std::thread worker([&] { match->route->invoke(HttpRequest{}, nullptr); });
  entered.get_future().wait();

  std::atomic<bool> removed{false};
  std::thread remover([&] {
    route.reset();
    removed = true;
    // Once ~HttpRoute has returned the handler must have finished.
    EXPECT_TRUE(handler_finished.load());
  });
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(removed.load()) << "~HttpRoute returned while its handler was running";
  release.set_value();
  remover.join();
  worker.join();
  EXPECT_TRUE(removed.load());
}

TEST(HttpRouter, HandlerMayRemoveItsOwnRoute) {
  HttpRouterImpl router;
  std::unique_ptr<HttpRoute> route;
  auto token = std::make_shared<int>(1);
  std::weak_ptr<int> watch = token;
  route = router.add("/once", [&route, token](const HttpRequest&, std::shared_ptr<HttpResponder>) {
    route.reset();  // must neither deadlock nor destroy this running handler
    EXPECT_EQ(*token, 1);
  });
  token.reset();
  auto match = router.find("/once");
  ASSERT_TRUE(match);
  auto done = std::async(std::launch::async, [&] { return match->route->invoke(HttpRequest{}, nullptr); });
  ASSERT_EQ(done.wait_for(5s), std::future_status::ready) << "self-removal deadlocked";
  EXPECT_TRUE(done.get());
  EXPECT_FALSE(router.find("/once"));
  // The handler (and what it captured) is released once it returned.
  EXPECT_TRUE(watch.expired());
}

TEST(HttpRouter, RemovalReleasesTheHandler) {
  HttpRouterImpl router;
  auto token = std::make_shared<int>(1);
  std::weak_ptr<int> watch = token;
  auto route = router.add("/x", [token](const HttpRequest&, std::shared_ptr<HttpResponder>) {});
  token.reset();
  auto match = router.find("/x");  // a connection may still hold the entry
  EXPECT_FALSE(watch.expired());
  route.reset();
  EXPECT_TRUE(watch.expired()) << "the plugin's handler outlived its HttpRoute";
}

TEST(HttpRouter, RouteHandleMayOutliveTheRouter) {
  auto router = std::make_unique<HttpRouterImpl>();
  auto route = router->add("/x", noop());
  router.reset();
  EXPECT_NO_THROW(route.reset());
}

TEST(HttpRouter, ExceptionFromHandlerPassesThroughAndLeavesRouteUsable) {
  HttpRouterImpl router;
  int calls = 0;
  auto route = router.add("/boom", [&](const HttpRequest&, std::shared_ptr<HttpResponder>) {
    if (++calls == 1) throw std::runtime_error("boom");
  });
  auto match = router.find("/boom");
  EXPECT_THROW(match->route->invoke(HttpRequest{}, nullptr), std::runtime_error);
  EXPECT_TRUE(match->route->invoke(HttpRequest{}, nullptr));
  EXPECT_EQ(calls, 2);
  // And removal does not wait for the call that threw.
  auto removed = std::async(std::launch::async, [&] { route.reset(); });
  EXPECT_EQ(removed.wait_for(5s), std::future_status::ready);
}

}  // namespace
}  // namespace streamgate::http
