#include <gtest/gtest.h>

#include "recon/core/canonical.hpp"
#include "recon/plan/planner.hpp"

using namespace recon;

namespace {
std::string ikey(std::int64_t v) {
  std::string k;
  canon::put_integer(k, v);
  return k;
}
std::int64_t ival(const std::string& k) {
  std::size_t p = 0;
  return canon::read_value(k, p).as_int64();
}
/// How many of `rows` fall in each range.
std::vector<std::int64_t> occupancy(const std::vector<KeyRange>& ranges, const std::vector<std::int64_t>& rows) {
  std::vector<std::int64_t> counts(ranges.size());
  for (auto v : rows) {
    int hits = 0;
    for (std::size_t i = 0; i < ranges.size(); ++i) {
      const bool above = !ranges[i].lower || v >= ival(*ranges[i].lower);
      const bool below = !ranges[i].upper || v < ival(*ranges[i].upper);
      if (above && below) { ++counts[i]; ++hits; }
    }
    EXPECT_EQ(hits, 1) << "row " << v << " must fall in exactly one range";
  }
  return counts;
}
}  // namespace

TEST(Planner, SmallTableIsOneOpenRange) {
  auto r = plan_ranges({ikey(1), ikey(2)}, 2, 50000);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_FALSE(r[0].lower);
  EXPECT_FALSE(r[0].upper);
}

TEST(Planner, NoSamplesIsOneOpenRange) {
  EXPECT_EQ(plan_ranges({}, 1'000'000, 1000).size(), 1u);
}

TEST(Planner, SkewedKeysStillGiveEvenRanges) {
  // 90 % of the keys packed in [0, 9000), the rest spread up to 10^9.
  std::vector<std::int64_t> rows;
  for (std::int64_t i = 0; i < 9000; ++i) rows.push_back(i);
  for (std::int64_t i = 1; i <= 1000; ++i) rows.push_back(i * 1'000'000);
  std::vector<std::string> sample;
  for (std::size_t i = 0; i < rows.size(); i += 5) sample.push_back(ikey(rows[i]));
  auto ranges = plan_ranges(sample, static_cast<std::int64_t>(rows.size()), 1000);
  EXPECT_EQ(ranges.size(), 10u);
  for (auto c : occupancy(ranges, rows)) EXPECT_NEAR(c, 1000, 60);
}

TEST(Planner, RowsOutsideTheSampleStillBelongToOneRange) {
  auto ranges = plan_ranges({ikey(100), ikey(200), ikey(300), ikey(400)}, 4000, 1000);
  occupancy(ranges, {-5, 0, 100, 150, 250, 399, 400, 10'000'000});
}

TEST(Planner, SampleIsReproducibleAndCoversTheRate) {
  std::vector<KeyRange> all(100);
  for (std::size_t i = 0; i < all.size(); ++i) all[i].index = i;
  auto a = sample_ranges(all, 0.1, 42), b = sample_ranges(all, 0.1, 42), c = sample_ranges(all, 0.1, 43);
  ASSERT_EQ(a.size(), 10u);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].index, b[i].index);
  bool differs = false;
  for (std::size_t i = 0; i < a.size(); ++i) differs |= a[i].index != c[i].index;
  EXPECT_TRUE(differs);
  EXPECT_EQ(sample_ranges(all, 0.0001, 1).size(), 1u);
  EXPECT_EQ(sample_ranges(all, 1.0, 1).size(), 100u);
}
