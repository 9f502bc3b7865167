// HTTP callbacks against a real HTTP server on loopback: 2xx allows, anything
// else refuses, silence refuses at the timeout, a closed port refuses at once,
// and on-publish-done is POSTed with the request's fields.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "access/http_callback.hpp"
#include "callback_server.hpp"
#include "form_decode.hpp"
#include "policy_fixture.hpp"
#include "support/net.hpp"

namespace streamgate {
namespace {

using namespace std::chrono_literals;
using test::play;
using test::publish;

// Two worker io_contexts on their own threads, like the host's workers.
class Workers {
 public:
  Workers() {
    for (int i = 0; i < 2; ++i) {
      contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
      guards_.emplace_back(contexts_.back()->get_executor());
    }
    for (auto& context : contexts_) threads_.emplace_back([&context] { context->run(); });
  }
  ~Workers() {
    guards_.clear();
    for (auto& context : contexts_) context->stop();
    for (auto& thread : threads_) thread.join();
  }
  std::vector<boost::asio::io_context*> contexts() {
    std::vector<boost::asio::io_context*> out;
    for (auto& context : contexts_) out.push_back(context.get());
    return out;
  }
  bool is_worker_thread(std::thread::id id) const {
    for (const auto& thread : threads_)
      if (thread.get_id() == id) return true;
    return false;
  }

 private:
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<Guard> guards_;
  std::vector<std::thread> threads_;
};

struct Answer {
  AccessDecision decision;
  std::thread::id thread;
  std::chrono::steady_clock::duration took{};
};

// check() and wait for its answer (at most 10 s).
Answer check(AccessPolicy& policy, AccessRequest request) {
  auto promise = std::make_shared<std::promise<Answer>>();
  auto future = promise->get_future();
  const auto start = std::chrono::steady_clock::now();
  policy.check(std::move(request), [promise, start](AccessDecision decision) {
    promise->set_value({std::move(decision), std::this_thread::get_id(), std::chrono::steady_clock::now() - start});
  });
  if (future.wait_for(10s) != std::future_status::ready) {
    ADD_FAILURE() << "no decision within 10 s";
    return {};
  }
  return future.get();
}

std::string app_with(const std::string& attributes, const std::string& inner = "") {
  return "<app name=\"live\" " + attributes + ">" + inner + "</app>";
}

class Callbacks : public ::testing::Test {
 protected:
  Workers workers_;
  test::CallbackServer server_;
};

TEST_F(Callbacks, TwoHundredAllowsOnAWorkerThread) {
  test::PolicyFixture f(app_with("on-publish=\"" + server_.url("/auth/publish?site=7") + "\""), workers_.contexts());
  const auto answer = check(f.policy(), publish("cam1", "key=abc&x=1", "10.0.0.7:50000"));
  EXPECT_TRUE(answer.decision.allowed) << answer.decision.reason;
  EXPECT_TRUE(workers_.is_worker_thread(answer.thread));

  ASSERT_EQ(server_.calls().size(), 1u);
  const auto call = server_.calls()[0];
  EXPECT_EQ(call.method, "POST");
  EXPECT_EQ(call.target, "/auth/publish?site=7");
  EXPECT_EQ(call.content_type, "application/x-www-form-urlencoded");
  EXPECT_EQ(test::form_decode(call.body),
            (std::map<std::string, std::string>{{"call", "publish"},
                                                {"app", "live"},
                                                {"name", "cam1"},
                                                {"addr", "10.0.0.7"},
                                                {"port", "50000"},
                                                {"protocol", "rtmp"},
                                                {"query", "key=abc&x=1"}}));
}

TEST_F(Callbacks, AnyTwoHundredStatusAllows) {
  test::PolicyFixture f(app_with("on-play=\"" + server_.url("/play") + "\""), workers_.contexts());
  server_.answer_with(204);
  EXPECT_TRUE(check(f.policy(), play("cam1", "")).decision.allowed);
  server_.answer_with(299);
  EXPECT_TRUE(check(f.policy(), play("cam1", "")).decision.allowed);
  ASSERT_EQ(server_.calls().size(), 2u);
  EXPECT_EQ(test::form_decode(server_.calls()[0].body)["call"], "play");
}

TEST_F(Callbacks, ForbiddenRefusesWithTheStatus) {
  test::PolicyFixture f(app_with("on-publish=\"" + server_.url("/pub") + "\""), workers_.contexts());
  for (int status : {403, 404, 500, 302, 199}) {
    server_.answer_with(status);
    const auto answer = check(f.policy(), publish("cam1", "key=abc", "127.0.0.1:4000"));
    EXPECT_FALSE(answer.decision.allowed) << status;
    EXPECT_EQ(answer.decision.reason, "on-publish callback refused (HTTP " + std::to_string(status) + ")");
  }
  // The log line names the callback without its query; the client's reason does not name it at all.
  EXPECT_TRUE(f.log().contains("access: publish of live/cam1 by 127.0.0.1:4000 over rtmp refused: on-publish "
                               "callback refused (HTTP 403) (" + server_.url("/pub") + ")"));
}

TEST_F(Callbacks, SilenceRefusesAtTheTimeout) {
  test::PolicyFixture f(app_with("on-publish=\"" + server_.url("/slow") + "\" callback-timeout=\"300ms\""),
                        workers_.contexts());
  server_.never_answer();
  const auto answer = check(f.policy(), publish("cam1", ""));
  EXPECT_FALSE(answer.decision.allowed);
  EXPECT_EQ(answer.decision.reason, "on-publish callback did not answer within 300 ms");
  EXPECT_GE(answer.took, 300ms);
  EXPECT_LT(answer.took, 3s);
  EXPECT_EQ(server_.calls().size(), 1u);  // it did get the request
}

TEST_F(Callbacks, ConnectionRefusedRefuses) {
  const auto closed_port = test::free_tcp_port();
  test::PolicyFixture f(app_with("on-play=\"http://127.0.0.1:" + std::to_string(closed_port) + "/x\""),
                        workers_.contexts());
  const auto answer = check(f.policy(), play("cam1", ""));
  EXPECT_FALSE(answer.decision.allowed);
  EXPECT_EQ(answer.decision.reason, "on-play callback failed: Connection refused");
  EXPECT_LT(answer.took, 2s);  // not the 3 s timeout
}

TEST_F(Callbacks, OversizedResponseHeaderRefuses) {
  test::PolicyFixture f(app_with("on-play=\"" + server_.url("/big") + "\""), workers_.contexts());
  server_.pad_header(access::kMaxCallbackHeaderBytes + 1000);
  const auto answer = check(f.policy(), play("cam1", ""));
  EXPECT_FALSE(answer.decision.allowed);
  EXPECT_EQ(answer.decision.reason.rfind("on-play callback failed: ", 0), 0u) << answer.decision.reason;
}

TEST_F(Callbacks, LocalRulesRefuseBeforeTheCallbackIsAsked) {
  test::PolicyFixture f(app_with("on-publish=\"" + server_.url("/pub") + "\"", "<publish keys=\"right-key\"/>"),
                        workers_.contexts());
  auto decision = f.check_now(publish("cam1", "key=wrong-key"));
  ASSERT_TRUE(decision);  // answered at once
  EXPECT_EQ(decision->reason, "wrong key");
  EXPECT_TRUE(check(f.policy(), publish("cam1", "key=right-key")).decision.allowed);
  EXPECT_EQ(server_.calls().size(), 1u);  // only for the right key
}

TEST_F(Callbacks, PublishDoneIsPostedWithTheRequestFields) {
  test::PolicyFixture f(app_with("on-publish-done=\"" + server_.url("/done") + "\""), workers_.contexts());
  f.policy().publish_done(publish("cam 2", "key=abc", "[2001:db8::5]:1935"));
  ASSERT_TRUE(server_.wait_for_calls(1, 5s));
  const auto call = server_.calls()[0];
  EXPECT_EQ(call.method, "POST");
  EXPECT_EQ(call.target, "/done");
  EXPECT_EQ(test::form_decode(call.body),
            (std::map<std::string, std::string>{{"call", "publish_done"},
                                                {"app", "live"},
                                                {"name", "cam 2"},
                                                {"addr", "2001:db8::5"},
                                                {"port", "1935"},
                                                {"protocol", "rtmp"},
                                                {"query", "key=abc"}}));
}

TEST_F(Callbacks, PublishDoneFailureIsLogged) {
  const auto closed_port = test::free_tcp_port();
  test::PolicyFixture f(app_with("on-publish-done=\"http://127.0.0.1:" + std::to_string(closed_port) + "/d\""),
                        workers_.contexts());
  f.policy().publish_done(publish("cam1", ""));
  EXPECT_TRUE(f.log().wait_for("access: on-publish-done for live/cam1 by 127.0.0.1:40000 not delivered to "
                               "http://127.0.0.1:" + std::to_string(closed_port) + "/d: on-publish-done "
                               "callback failed: Connection refused",
                               5s));
}

TEST_F(Callbacks, NoPublishDoneConfiguredPostsNothing) {
  test::PolicyFixture f(app_with("on-publish=\"" + server_.url("/pub") + "\""), workers_.contexts());
  f.policy().publish_done(publish("cam1", ""));
  EXPECT_FALSE(server_.wait_for_calls(1, 300ms));
}

TEST_F(Callbacks, ManyConcurrentChecksEachGetOneAnswer) {
  test::PolicyFixture f(app_with("on-play=\"" + server_.url("/p") + "\""), workers_.contexts());
  constexpr int kChecks = 50;
  std::atomic<int> allowed{0};
  std::atomic<int> answers{0};
  std::promise<void> all_done;
  for (int i = 0; i < kChecks; ++i) {
    f.policy().check(play("cam" + std::to_string(i), ""), [&](AccessDecision decision) {
      if (decision.allowed) ++allowed;
      if (++answers == kChecks) all_done.set_value();
    });
  }
  ASSERT_EQ(all_done.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_EQ(allowed.load(), kChecks);
  EXPECT_EQ(server_.calls().size(), static_cast<std::size_t>(kChecks));
}

}  // namespace
}  // namespace streamgate
