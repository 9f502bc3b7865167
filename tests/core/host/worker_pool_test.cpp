// The workers plugins run on: one thread per io_context, posts run in order
// on their worker, timers keep executor.hpp's promise (a cancelled or
// destroyed timer never calls back), and stop/reset destroy what is queued.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <set>
#include <spdlog/logger.h>
#include <thread>

#include "host/log_capture.hpp"
#include "host/worker_pool.hpp"

namespace streamgate {
namespace {

using namespace std::chrono_literals;

class WorkerPoolTest : public ::testing::Test {
 protected:
  std::shared_ptr<test::LogCapture> capture_ = std::make_shared<test::LogCapture>();
  std::shared_ptr<spdlog::logger> logger_ = std::make_shared<spdlog::logger>("core", capture_);
};

// Runs `task` on `executor` and waits for it.
template <class F>
auto run_on(Executor& executor, F task) {
  std::packaged_task<decltype(task())()> packaged(std::move(task));
  auto result = packaged.get_future();
  executor.post([&packaged] { packaged(); });
  return result.get();
}

TEST_F(WorkerPoolTest, ZeroThreadsMeansOnePerHardwareThread) {
  WorkerPool pool(0, logger_);
  EXPECT_EQ(pool.size(), std::max(1u, std::thread::hardware_concurrency()));
}

TEST_F(WorkerPoolTest, EachWorkerIsOneThreadOfItsOwn) {
  WorkerPool pool(3, logger_);
  pool.start();
  std::set<std::thread::id> threads;
  for (std::size_t i = 0; i < pool.size(); ++i) {
    Executor& worker = pool.worker(i);
    EXPECT_EQ(worker.index(), i);
    EXPECT_FALSE(worker.running_in_this_thread());
    const auto [id, inside, io] = run_on(worker, [&] {
      return std::tuple{std::this_thread::get_id(), worker.running_in_this_thread(),
                        &io_context_of(worker)};
    });
    EXPECT_TRUE(inside);
    EXPECT_EQ(io, pool.io_contexts()[i]);
    EXPECT_NE(id, std::this_thread::get_id());
    threads.insert(id);
    // Another worker's thread is not this one.
    EXPECT_FALSE(run_on(worker, [&] { return pool.worker((i + 1) % 3).running_in_this_thread(); }));
  }
  EXPECT_EQ(threads.size(), 3u);
  EXPECT_THROW(pool.worker(3), std::out_of_range);
}

TEST_F(WorkerPoolTest, PostsRunInOrder) {
  WorkerPool pool(1, logger_);
  pool.start();
  std::vector<int> order;
  std::promise<void> done;
  for (int i = 0; i < 100; ++i) pool.worker(0).post([&order, i] { order.push_back(i); });
  pool.worker(0).post([&] { done.set_value(); });
  done.get_future().wait();
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
}

TEST_F(WorkerPoolTest, NextWorkerGoesRoundRobin) {
  WorkerPool pool(3, logger_);
  std::vector<std::size_t> picked;
  for (int i = 0; i < 7; ++i) picked.push_back(pool.next_worker().index());
  EXPECT_EQ(picked, (std::vector<std::size_t>{0, 1, 2, 0, 1, 2, 0}));
}

TEST_F(WorkerPoolTest, TimerFiresOnItsWorkerAfterTheDelay) {
  WorkerPool pool(2, logger_);
  pool.start();
  Executor& worker = pool.worker(1);
  std::unique_ptr<Timer> timer;
  std::promise<std::pair<bool, std::chrono::steady_clock::time_point>> fired;
  const auto started = std::chrono::steady_clock::now();
  run_on(worker, [&] {
    timer = worker.make_timer();
    timer->start(50ms, [&] { fired.set_value({worker.running_in_this_thread(), std::chrono::steady_clock::now()}); });
    return 0;
  });
  auto future = fired.get_future();
  ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
  const auto [on_worker, at] = future.get();
  EXPECT_TRUE(on_worker);
  EXPECT_GE(at - started, 50ms);
  run_on(worker, [&] { timer.reset(); return 0; });
}

TEST_F(WorkerPoolTest, CancelledTimerNeverCallsBack) {
  WorkerPool pool(1, logger_);
  pool.start();
  Executor& worker = pool.worker(0);
  std::atomic<int> calls{0};
  auto timer = run_on(worker, [&] {
    auto t = worker.make_timer();
    t->start(1ms, [&] { ++calls; });
    // Let it expire while this handler still runs: Asio has then queued the
    // completion with success, and only the ticket stops the callback.
    std::this_thread::sleep_for(20ms);
    t->cancel();
    return t;
  });
  // A destroyed timer never calls back either.
  run_on(worker, [&] {
    auto t = worker.make_timer();
    t->start(1ms, [&] { ++calls; });
    std::this_thread::sleep_for(20ms);
    return 0;  // `t` is destroyed here, expired but not yet called back
  });
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(calls.load(), 0);
  run_on(worker, [&] { timer.reset(); return 0; });
}

TEST_F(WorkerPoolTest, TimerCanBeRestartedFromItsCallback) {
  WorkerPool pool(1, logger_);
  pool.start();
  Executor& worker = pool.worker(0);
  std::unique_ptr<Timer> timer;
  std::atomic<int> ticks{0};
  std::promise<void> third;
  std::function<void()> tick = [&] {
    if (++ticks == 3) third.set_value();
    else timer->start(5ms, tick);
  };
  run_on(worker, [&] {
    timer = worker.make_timer();
    timer->start(5ms, tick);
    return 0;
  });
  EXPECT_EQ(third.get_future().wait_for(5s), std::future_status::ready);
  run_on(worker, [&] { timer.reset(); return 0; });
}

TEST_F(WorkerPoolTest, AThrowingHandlerIsLoggedAndTheWorkerCarriesOn) {
  WorkerPool pool(1, logger_);
  pool.start();
  pool.worker(0).post([] { throw std::runtime_error("handler blew up"); });
  EXPECT_EQ(run_on(pool.worker(0), [] { return 42; }), 42);
  EXPECT_TRUE(capture_->contains("core: worker 0 caught an exception from a handler: handler blew up"));
}

TEST_F(WorkerPoolTest, ResetDestroysQueuedHandlers) {
  auto token = std::make_shared<int>(7);
  WorkerPool pool(1, logger_);
  pool.start();
  pool.stop();
  // Queued after the loop stopped: it never runs, but its captures live on
  // until the io_context is destroyed.
  pool.worker(0).post([token] { FAIL() << "ran after stop"; });
  EXPECT_EQ(token.use_count(), 2);
  pool.reset();
  EXPECT_EQ(token.use_count(), 1);
  EXPECT_EQ(pool.size(), 0u);
}

}  // namespace
}  // namespace streamgate
