#include "window.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "ts_units.hpp"

namespace streamgate::hls {
namespace {

using test::ms;
using test::ts_unit;

TEST(SegmentWindow, HoldsSegmentsAsTheSharedUnits) {
  SegmentWindow window;
  const auto a = ts_unit(true, 1);
  const auto b = ts_unit(false, 2);
  EXPECT_TRUE(window.add(7, ms(2000), {a, b}, a.size() + b.size()).empty());
  auto found = window.find(7);
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 2u);
  EXPECT_TRUE((*found)[0].shares_storage_with(a));
  EXPECT_TRUE((*found)[1].shares_storage_with(b));
  EXPECT_EQ(window.bytes(), a.size() + b.size());
  EXPECT_FALSE(window.find(8));
}

TEST(SegmentWindow, ARetiredSegmentStaysForItsGraceInMediaTime) {
  SegmentWindow window;
  const auto unit = ts_unit(true);
  window.add(0, ms(2000), {unit}, unit.size());
  window.retire(0, ms(5000));
  EXPECT_TRUE(window.add(1, ms(2000), {unit}, unit.size()).empty());  // 2 s of grace used
  EXPECT_TRUE(window.add(2, ms(2000), {unit}, unit.size()).empty());  // 4 s
  EXPECT_TRUE(window.find(0));
  const auto expired = window.add(3, ms(2000), {unit}, unit.size());  // 6 s >= 5 s
  EXPECT_EQ(expired, std::vector<std::uint64_t>{0});
  EXPECT_FALSE(window.find(0));
  EXPECT_EQ(window.size(), 3u);
  EXPECT_EQ(window.bytes(), 3 * unit.size());
}

TEST(SegmentWindow, SegmentsNotRetiredNeverExpire) {
  SegmentWindow window;
  const auto unit = ts_unit(true);
  for (std::uint64_t i = 0; i < 100; ++i) EXPECT_TRUE(window.add(i, ms(2000), {unit}, unit.size()).empty());
  EXPECT_EQ(window.size(), 100u);
}

TEST(SegmentWindow, IsCappedWhateverTheGrace) {
  SegmentWindow window;
  const auto unit = ts_unit(true);
  std::vector<std::uint64_t> dropped;
  for (std::uint64_t i = 0; i < SegmentWindow::kMaxSegments + 10; ++i) {
    auto out = window.add(i, ms(1), {unit}, unit.size());
    dropped.insert(dropped.end(), out.begin(), out.end());
  }
  EXPECT_EQ(window.size(), SegmentWindow::kMaxSegments);
  ASSERT_EQ(dropped.size(), 10u);
  EXPECT_EQ(dropped.front(), 0u);  // the oldest go first
  EXPECT_EQ(dropped.back(), 9u);
}

TEST(SegmentWindow, ClearReturnsWhatWasHeld) {
  SegmentWindow window;
  const auto unit = ts_unit(true);
  window.add(3, ms(2000), {unit}, unit.size());
  window.add(4, ms(2000), {unit}, unit.size());
  EXPECT_EQ(window.clear(), (std::vector<std::uint64_t>{3, 4}));
  EXPECT_EQ(window.size(), 0u);
  EXPECT_EQ(window.bytes(), 0u);
}

}  // namespace
}  // namespace streamgate::hls
