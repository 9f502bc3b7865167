// Admission of connections and publishers: totals and per-key counts, places
// given back when tickets go, refusals that say which setting refused, and
// no overshoot when many threads ask at once.

#include "connection_limits.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace streamgate::rtmp {
namespace {

ConnectionLimits::Settings small() {
  ConnectionLimits::Settings settings;
  settings.max_connections = 5;
  settings.max_connections_per_ip = 2;
  settings.max_publishers = 3;
  settings.max_streams_per_app = 2;
  return settings;
}

TEST(ConnectionLimits, PerAddressLimitRefusesTheThirdFromOneAddressOnly) {
  ConnectionLimits limits(small());
  auto a1 = limits.admit_connection("192.0.2.1");
  auto a2 = limits.admit_connection("192.0.2.1");
  ASSERT_TRUE(a1 && a2);
  auto a3 = limits.admit_connection("192.0.2.1");
  EXPECT_FALSE(a3);
  EXPECT_EQ(a3.refusal, "2 connections are open from this address (max-connections-per-ip 2)");
  EXPECT_TRUE(limits.admit_connection("192.0.2.2")) << "another address still gets in";
  EXPECT_EQ(limits.connections_from("192.0.2.1"), 2u);
}

TEST(ConnectionLimits, TotalLimitRefusesEveryAddressOnceFull) {
  ConnectionLimits limits(small());
  std::vector<ConnectionLimits::Ticket> open;
  for (const char* address : {"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"}) {
    auto admission = limits.admit_connection(address);
    ASSERT_TRUE(admission) << address << ": " << admission.refusal;
    open.push_back(std::move(admission.ticket));
  }
  auto refused = limits.admit_connection("10.0.0.6");
  EXPECT_FALSE(refused);
  EXPECT_EQ(refused.refusal, "5 connections are open (max-connections 5)");
  EXPECT_EQ(limits.connections(), 5u);
  EXPECT_EQ(limits.connections_from("10.0.0.6"), 0u) << "a refusal leaves no count behind";

  open.pop_back();  // one closes: its place is free again
  EXPECT_EQ(limits.connections(), 4u);
  EXPECT_TRUE(limits.admit_connection("10.0.0.6"));
}

TEST(ConnectionLimits, TicketsGiveTheirPlaceBackOnceWhateverHappensToThem) {
  ConnectionLimits limits(small());
  {
    auto admission = limits.admit_connection("192.0.2.1");
    ConnectionLimits::Ticket moved = std::move(admission.ticket);
    EXPECT_FALSE(admission.ticket.held());
    EXPECT_TRUE(moved.held());
    ConnectionLimits::Ticket assigned;
    assigned = std::move(moved);
    EXPECT_EQ(limits.connections(), 1u);
    assigned.release();
    EXPECT_EQ(limits.connections(), 0u);
    assigned.release();  // twice: nothing more
  }
  EXPECT_EQ(limits.connections(), 0u);
  // Assigning over a held ticket gives the old place back.
  auto first = limits.admit_connection("192.0.2.1");
  auto second = limits.admit_connection("192.0.2.2");
  first.ticket = std::move(second.ticket);
  EXPECT_EQ(limits.connections(), 1u);
  EXPECT_EQ(limits.connections_from("192.0.2.1"), 0u);
  EXPECT_EQ(limits.connections_from("192.0.2.2"), 1u);
}

TEST(ConnectionLimits, PublishersAreLimitedInAllAndPerApp) {
  ConnectionLimits limits(small());
  auto live1 = limits.admit_publisher("live");
  auto live2 = limits.admit_publisher("live");
  ASSERT_TRUE(live1 && live2);
  auto live3 = limits.admit_publisher("live");
  EXPECT_FALSE(live3);
  EXPECT_EQ(live3.refusal, "2 streams are being published in this app (max-streams-per-app 2)");
  auto other = limits.admit_publisher("other");
  ASSERT_TRUE(other);
  auto fourth = limits.admit_publisher("third");
  EXPECT_FALSE(fourth);
  EXPECT_EQ(fourth.refusal, "3 streams are being published (max-publishers 3)");
  EXPECT_EQ(limits.publishers(), 3u);
  EXPECT_EQ(limits.connections(), 0u) << "publishers and connections are counted apart";
  live1.ticket.release();
  EXPECT_EQ(limits.publishers_in("live"), 1u);
  EXPECT_TRUE(limits.admit_publisher("live"));
}

TEST(ConnectionLimits, ManyThreadsAtOnceNeverOvershoot) {
  ConnectionLimits::Settings settings;
  settings.max_connections = 100;
  settings.max_connections_per_ip = 1'000;
  ConnectionLimits limits(settings);
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  std::vector<std::vector<ConnectionLimits::Ticket>> held(8);
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        auto admission = limits.admit_connection("127.0.0.1");
        if (!admission) continue;
        ++admitted;
        held[std::size_t(t)].push_back(std::move(admission.ticket));
      }
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(admitted.load(), 100);
  EXPECT_EQ(limits.connections(), 100u);
  held.clear();
  EXPECT_EQ(limits.connections(), 0u);
  EXPECT_EQ(limits.connections_from("127.0.0.1"), 0u);
}

}  // namespace
}  // namespace streamgate::rtmp
