#include <gtest/gtest.h>

#include "recon/core/canonical.hpp"
#include "recon/plan/scrub.hpp"

using namespace recon;

namespace {
std::string ikey(std::int64_t v) {
  std::string k;
  canon::put_integer(k, v);
  return k;
}
/// A plan of `n` ranges cutting [0, n*100) every 100 keys (first open below, last open above).
std::vector<KeyRange> plan_of(std::size_t n) {
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < n * 100; ++i) keys.push_back(ikey(static_cast<std::int64_t>(i)));
  return plan_ranges(keys, static_cast<std::int64_t>(n * 100), 100);
}
}  // namespace

TEST(Scrub, SlicesCoverTheKeySpaceExactlyOnce) {
  const auto plan = plan_of(20);
  const auto bounds = scrub_bounds(plan, 7);
  ASSERT_EQ(bounds.size(), 6u);
  for (std::int64_t v : {std::int64_t{-1'000'000}, std::int64_t{0}, std::int64_t{57}, std::int64_t{999},
                         std::int64_t{1'000}, std::int64_t{1'999}, std::int64_t{5'000'000}}) {
    int hits = 0;
    for (int s = 0; s < 7; ++s) hits += in_range(ikey(v), scrub_slice(bounds, s)) ? 1 : 0;
    EXPECT_EQ(hits, 1) << v;
  }
}

TEST(Scrub, SmallTablesAreScrubbedWhole) {
  const auto plan = plan_of(3);
  EXPECT_TRUE(scrub_bounds(plan, 7).empty());
  const KeyRange whole = scrub_slice({}, 0);
  EXPECT_FALSE(whole.lower);
  EXPECT_FALSE(whole.upper);
  EXPECT_TRUE(in_range(ikey(-5), whole));
}

TEST(Scrub, ClippedRangesCoverExactlyTheSlice) {
  const auto plan = plan_of(20);
  const auto bounds = scrub_bounds(plan, 3);
  for (int s = 0; s < 3; ++s) {
    const KeyRange slice = scrub_slice(bounds, s);
    const auto parts = clip_to(plan, slice);
    ASSERT_FALSE(parts.empty());
    for (std::int64_t v = -50; v < 2100; v += 7) {
      int hits = 0;
      for (const KeyRange& p : parts) hits += in_range(ikey(v), p) ? 1 : 0;
      EXPECT_EQ(hits, in_range(ikey(v), slice) ? 1 : 0) << "slice " << s << " key " << v;
    }
  }
}

TEST(Scrub, ASliceInsideOneRangeCutsIt) {
  const auto plan = plan_of(5);
  KeyRange slice;
  slice.lower = ikey(120);
  slice.upper = ikey(150);
  const auto parts = clip_to(plan, slice);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(*parts[0].lower, ikey(120));
  EXPECT_EQ(*parts[0].upper, ikey(150));
  EXPECT_EQ(parts[0].index, 1u);
}

TEST(Scrub, InsideAndOutsideTogetherCoverEveryKeyOnce) {
  const auto plan = plan_of(20);
  const auto bounds = scrub_bounds(plan, 4);
  for (int s = 0; s < 4; ++s) {
    const KeyRange slice = scrub_slice(bounds, s);
    auto parts = clip_to(plan, slice);
    const auto outside = clip_outside(plan, slice);
    parts.insert(parts.end(), outside.begin(), outside.end());
    for (std::int64_t v = -50; v < 2100; v += 3) {
      int hits = 0;
      for (const KeyRange& p : parts) hits += in_range(ikey(v), p) ? 1 : 0;
      EXPECT_EQ(hits, 1) << "slice " << s << " key " << v;
    }
  }
  EXPECT_TRUE(clip_outside(plan, scrub_slice({}, 0)).empty());
}
