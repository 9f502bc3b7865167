// The recorder's writer thread: jobs in order, the tick between them even when
// busy, sync(), stop(), and a throwing job reported without ending the thread.

#include "writer_thread.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace streamgate::flvrecord {
namespace {

using namespace std::chrono_literals;

TEST(WriterThread, RunsJobsInOrderAndSyncWaitsForThem) {
  std::vector<int> order;  // touched by the writer thread only until sync()
  WriterThread thread(1h, {}, {});
  for (int i = 0; i < 100; ++i) thread.post([&order, i] { order.push_back(i); });
  thread.sync();
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[std::size_t(i)], i);
}

TEST(WriterThread, TicksAtItsIntervalAlsoWhileBusy) {
  std::atomic<int> ticks{0};
  WriterThread thread(20ms, [&] { ++ticks; }, {});
  // 300 ms or more of back-to-back jobs: the tick still runs between them,
  // at most one job (10 ms) late, and never more often than its interval.
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 30; ++i) thread.post([] { std::this_thread::sleep_for(10ms); });
  thread.sync();
  const double elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(ticks.load(), int(elapsed_ms / 40) - 1) << elapsed_ms << " ms";
  EXPECT_LE(ticks.load(), int(elapsed_ms / 20) + 1) << elapsed_ms << " ms";
}

TEST(WriterThread, AThrowingJobIsReportedAndTheNextOnesRun) {
  std::mutex mutex;
  std::vector<std::string> errors;
  bool after = false;
  WriterThread thread(1h, {}, [&](const char* what) {
    std::lock_guard lock(mutex);
    errors.emplace_back(what);
  });
  thread.post([] { throw std::runtime_error("disk on fire"); });
  thread.post([&] { after = true; });
  thread.sync();
  EXPECT_TRUE(after);
  std::lock_guard lock(mutex);
  EXPECT_EQ(errors, std::vector<std::string>{"disk on fire"});
}

TEST(WriterThread, StopRunsWhatIsQueuedThenIgnoresNewJobs) {
  std::atomic<int> ran{0};
  WriterThread thread(1h, {}, {});
  thread.post([&] {
    std::this_thread::sleep_for(50ms);
    ++ran;
  });
  thread.post([&] { ++ran; });
  thread.stop();
  EXPECT_EQ(ran.load(), 2);
  thread.post([&] { ++ran; });
  thread.stop();  // idempotent
  EXPECT_EQ(ran.load(), 2);
}

}  // namespace
}  // namespace streamgate::flvrecord
