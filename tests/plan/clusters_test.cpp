#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "recon/core/canonical.hpp"
#include "recon/plan/clusters.hpp"

using namespace recon;

namespace {

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

std::string ikey(std::int64_t v) {
  std::string k;
  canon::put_integer(k, v);
  return k;
}
std::string tkey(const std::string& s) {
  std::string k;
  canon::put_text(k, s);
  return k;
}
bool contains(const KeyRange& r, const std::string& key) {
  return (!r.lower || canon::compare_keys(key, *r.lower) >= 0) && (!r.upper || canon::compare_keys(key, *r.upper) < 0);
}

/// The whole partition (rate 1 selects every cluster), checked to be one: in order, first open
/// below, last open above, each cluster starting where the previous one ends, none empty.
std::vector<KeyRange> partition(const std::vector<std::string>& sample, std::int64_t rows, std::int64_t c) {
  ClusterSample all = sample_clusters(sample, rows, c, 1.0, 1);
  const std::vector<KeyRange>& p = all.selected;
  EXPECT_EQ(static_cast<std::int64_t>(p.size()), all.clusters_total);
  if (p.empty()) return p;
  EXPECT_FALSE(p.front().lower);
  EXPECT_FALSE(p.back().upper);
  for (std::size_t i = 0; i < p.size(); ++i) {
    EXPECT_EQ(p[i].index, i);
    if (i + 1 < p.size()) {
      EXPECT_TRUE(p[i].upper && p[i + 1].lower && *p[i].upper == *p[i + 1].lower) << "gap or overlap after " << i;
    }
    if (p[i].lower && p[i].upper) {
      EXPECT_LT(canon::compare_keys(*p[i].lower, *p[i].upper), 0) << "cluster " << i << " holds no key";
    }
  }
  return p;
}

/// Each key must fall in exactly one cluster; returns how many keys each cluster holds.
std::vector<std::int64_t> occupancy(const std::vector<KeyRange>& p, const std::vector<std::string>& keys) {
  std::vector<std::int64_t> counts(p.size());
  for (const std::string& k : keys) {
    int hits = 0;
    for (std::size_t i = 0; i < p.size(); ++i)
      if (contains(p[i], k)) { ++counts[i]; ++hits; }
    EXPECT_EQ(hits, 1) << canon::key_to_json(k) << " must fall in exactly one cluster";
  }
  return counts;
}

/// A table of `n` integer keys from `first`: gaps of 1–3 (deleted rows) and, every 5 000 rows, a
/// jump of 1 000 (an identity cache lost on a restart).
std::vector<std::int64_t> gappy_table(std::int64_t n, std::int64_t first) {
  std::vector<std::int64_t> rows;
  std::int64_t k = first;
  SplitMix64 rng(99);
  for (std::int64_t i = 0; i < n; ++i) {
    rows.push_back(k);
    k += 1 + static_cast<std::int64_t>(rng.below(3)) + (i % 5'000 == 4'999 ? 1'000 : 0);
  }
  return rows;
}

std::vector<std::string> every_kth(const std::vector<std::int64_t>& rows, std::size_t k) {
  std::vector<std::string> out;
  for (std::size_t i = k / 2; i < rows.size(); i += k) out.push_back(ikey(rows[i]));
  return out;
}

}  // namespace

TEST(Cluster, IntegerKeysInterpolateToTheClusterSize) {
  const auto rows = gappy_table(20'000, -7'000);
  auto p = partition(every_kth(rows, 100), 20'000, 64);
  ASSERT_EQ(sample_clusters(every_kth(rows, 100), 20'000, 64, 1.0, 1).method, "integer_interpolation");
  std::vector<std::string> keys;
  for (auto v : rows) keys.push_back(ikey(v));
  const auto counts = occupancy(p, keys);
  // About 20 000 / 64 clusters; a cluster holds what its key interval holds, so the clusters
  // around an identity jump are emptier or fuller, the others near the target.
  EXPECT_NEAR(static_cast<double>(p.size()), 20'000.0 / 64, 40);
  std::int64_t within = 0;
  for (auto c : counts) within += c >= 32 && c <= 128;
  EXPECT_GE(within, static_cast<std::int64_t>(p.size() * 9 / 10));
}

TEST(Cluster, EveryIntegerFallsInExactlyOneCluster) {
  std::vector<std::string> sample;
  for (std::int64_t v = -500; v <= 500; v += 7) sample.push_back(ikey(v * 13));
  auto p = partition(sample, 3'000, 50);
  std::vector<std::string> probes;
  for (std::int64_t v = -10'000; v <= 10'000; ++v) probes.push_back(ikey(v));
  for (std::int64_t v : {kMin, kMin + 1, kMax - 1, kMax, std::int64_t{-1'000'000'000}, std::int64_t{1'000'000'000}})
    probes.push_back(ikey(v));
  occupancy(p, probes);
}

TEST(Cluster, Int64ExtremesNeitherOverflowNorLoseRows) {
  // Sampled keys at both ends of int64: the ranges between them are 2^63 wide, the last one
  // reaches kMax + 1, which no int64 holds.
  const std::vector<std::string> sample = {ikey(kMin), ikey(kMin + 1), ikey(-5),      ikey(0),
                                           ikey(5),    ikey(kMax - 1), ikey(kMax)};
  for (std::int64_t rows : {7, 1'000, 1'000'000}) {
    auto p = partition(sample, rows, 10);
    occupancy(p, {ikey(kMin), ikey(kMin + 1), ikey(kMin + 2), ikey(-6), ikey(-5), ikey(0), ikey(4), ikey(kMax - 2),
                  ikey(kMax - 1), ikey(kMax)});
  }
  // A narrow range cannot be cut below one key per cluster, and no cluster lies above kMax.
  auto p = partition({ikey(kMax - 3), ikey(kMax)}, 8, 1);
  const auto counts = occupancy(p, {ikey(kMax - 3), ikey(kMax - 2), ikey(kMax - 1), ikey(kMax)});
  ASSERT_GE(counts.size(), 4u);
  EXPECT_EQ(std::vector<std::int64_t>(counts.end() - 4, counts.end()), std::vector<std::int64_t>(4, 1));
}

TEST(Cluster, RowsOutsideTheSampledKeysBelongToTheEndClusters) {
  const auto rows = gappy_table(5'000, 1'000);
  auto p = partition(every_kth(rows, 50), 5'000, 64);
  ASSERT_GT(p.size(), 2u);
  EXPECT_TRUE(contains(p.front(), ikey(kMin)));
  EXPECT_TRUE(contains(p.front(), ikey(0)));
  EXPECT_TRUE(contains(p.back(), ikey(rows.back() + 1'000'000)));
  EXPECT_TRUE(contains(p.back(), ikey(kMax)));
}

TEST(Cluster, KeysBeyondTheSampledEndsAreCutLikeTheirNeighbours) {
  // A random key sample of 20 000 rows: about 50 rows lie below its smallest key and above its
  // largest. They are cut into clusters of the neighbouring ranges' width, not left to the two
  // open clusters.
  const auto rows = gappy_table(20'000, 0);
  std::vector<std::string> sample, keys;
  SplitMix64 rng(8);
  for (int i = 0; i < 400; ++i) sample.push_back(ikey(rows[rng.below(rows.size())]));
  for (auto v : rows) keys.push_back(ikey(v));
  auto p = partition(sample, 20'000, 64);
  const auto counts = occupancy(p, keys);
  EXPECT_LE(*std::max_element(counts.begin(), counts.begin() + 5), 2 * 64);
  EXPECT_LE(*std::max_element(counts.end() - 5, counts.end()), 2 * 64);
}

TEST(Cluster, SameSeedSameClustersOtherSeedOthers) {
  const auto sample = every_kth(gappy_table(50'000, 0), 100);
  auto a = sample_clusters(sample, 50'000, 64, 0.05, 42), b = sample_clusters(sample, 50'000, 64, 0.05, 42);
  auto c = sample_clusters(sample, 50'000, 64, 0.05, 43);
  ASSERT_EQ(a.selected.size(), b.selected.size());
  for (std::size_t i = 0; i < a.selected.size(); ++i) {
    EXPECT_EQ(a.selected[i].index, b.selected[i].index);
    EXPECT_EQ(a.selected[i].lower, b.selected[i].lower);
    EXPECT_EQ(a.selected[i].upper, b.selected[i].upper);
  }
  std::set<std::size_t> ia, ic;
  for (auto& r : a.selected) ia.insert(r.index);
  for (auto& r : c.selected) ic.insert(r.index);
  EXPECT_NE(ia, ic);
  // The sample keys' order and repetitions do not matter (both sides' samples are simply joined).
  auto doubled = sample;
  doubled.insert(doubled.end(), sample.rbegin(), sample.rend());
  auto d = sample_clusters(doubled, 50'000, 64, 0.05, 42);
  ASSERT_EQ(d.selected.size(), a.selected.size());
  for (std::size_t i = 0; i < a.selected.size(); ++i) EXPECT_EQ(d.selected[i].index, a.selected[i].index);
}

TEST(Cluster, SelectedClustersAreThePartitionsAndInKeyOrder) {
  const auto sample = every_kth(gappy_table(30'000, -100), 60);
  auto all = partition(sample, 30'000, 64);
  auto s = sample_clusters(sample, 30'000, 64, 0.1, 7);
  EXPECT_EQ(s.clusters_total, static_cast<std::int64_t>(all.size()));
  EXPECT_EQ(static_cast<std::int64_t>(s.selected.size()), std::llround(0.1 * static_cast<double>(s.clusters_total)));
  for (std::size_t i = 0; i < s.selected.size(); ++i) {
    const KeyRange& r = s.selected[i];
    if (i > 0) {
      EXPECT_LT(s.selected[i - 1].index, r.index);
    }
    EXPECT_EQ(r.lower, all[r.index].lower);
    EXPECT_EQ(r.upper, all[r.index].upper);
    EXPECT_EQ(r.estimated_rows, all[r.index].estimated_rows);
    EXPECT_GT(r.estimated_rows, 0);
  }
  EXPECT_NEAR(s.mean_cluster_rows, 30'000.0 / static_cast<double>(s.clusters_total), 1e-9);
}

TEST(Cluster, EveryClusterIsEquallyLikely) {
  // 2 000 draws of 10 out of ~100 clusters: each is expected 200 times (sd ~13.4).
  const auto sample = every_kth(gappy_table(6'400, 0), 20);
  const std::int64_t total = sample_clusters(sample, 6'400, 64, 0.1, 0).clusters_total;
  std::vector<int> hits(static_cast<std::size_t>(total));
  const int draws = 2'000;
  std::int64_t m = 0;
  for (int seed = 0; seed < draws; ++seed) {
    auto s = sample_clusters(sample, 6'400, 64, 0.1, static_cast<std::uint64_t>(seed));
    m = static_cast<std::int64_t>(s.selected.size());
    for (auto& r : s.selected) ++hits[r.index];
  }
  const double expected = draws * static_cast<double>(m) / static_cast<double>(total);
  for (std::size_t i = 0; i < hits.size(); ++i) {
    EXPECT_NEAR(hits[i], expected, 5 * std::sqrt(expected)) << "cluster " << i;
  }
}

TEST(Cluster, RateIsClampedToOneClusterAndToAll) {
  const auto sample = every_kth(gappy_table(10'000, 0), 50);
  auto tiny = sample_clusters(sample, 10'000, 64, 1e-9, 3);
  EXPECT_EQ(tiny.selected.size(), 1u);
  EXPECT_EQ(sample_clusters(sample, 10'000, 64, 0.0, 3).selected.size(), 1u);
  auto all = sample_clusters(sample, 10'000, 64, 5.0, 3);
  EXPECT_EQ(static_cast<std::int64_t>(all.selected.size()), all.clusters_total);
}

TEST(Cluster, NoKeysIsOneOpenCluster) {
  auto s = sample_clusters({}, 1'000'000, 64, 0.1, 1);
  ASSERT_EQ(s.selected.size(), 1u);
  EXPECT_EQ(s.clusters_total, 1);
  EXPECT_FALSE(s.selected[0].lower);
  EXPECT_FALSE(s.selected[0].upper);
}

TEST(Cluster, StaleRowEstimateStillCutsTheSampledKeys) {
  // Statistics say 0 rows, but 1 000 distinct keys were sampled: the table has at least those.
  std::vector<std::string> sample;
  for (std::int64_t v = 0; v < 1'000; ++v) sample.push_back(ikey(v * 10));
  auto s = sample_clusters(sample, 0, 10, 1.0, 1);
  EXPECT_GE(s.clusters_total, 50);
}

TEST(Cluster, TextKeysFallBackToTheKeySample) {
  std::vector<std::string> rows, sample;
  for (int i = 0; i < 4'000; ++i) rows.push_back(tkey("cliente-" + std::to_string(100'000 + i * 7)));
  for (std::size_t i = 0; i < rows.size(); i += 10) sample.push_back(rows[i]);
  auto s = sample_clusters(sample, 4'000, 64, 1.0, 1);
  EXPECT_EQ(s.method, "key_sample");
  auto p = partition(sample, 4'000, 64);
  rows.push_back(tkey(""));
  rows.push_back(tkey("zzz"));
  const auto counts = occupancy(p, rows);
  EXPECT_NEAR(static_cast<double>(p.size()), 4'000.0 / 64, 3);
  for (auto c : counts) EXPECT_LE(c, 3 * 64);
}

TEST(Cluster, CompositeKeysFallBackToTheKeySample) {
  std::vector<std::string> sample;
  for (int i = 0; i < 400; ++i) sample.push_back(ikey(i / 20) + ikey(i % 20));
  auto s = sample_clusters(sample, 40'000, 64, 1.0, 1);
  EXPECT_EQ(s.method, "key_sample");
  // One cluster per sample key at most: 40 000 rows over 400 keys gives clusters of 100 rows.
  EXPECT_NEAR(static_cast<double>(s.clusters_total), 400, 1);
  partition(sample, 40'000, 64);
}

TEST(Cluster, SplitMixBelowIsInRangeAndSampleRangesDrawsWhatItDrew) {
  SplitMix64 rng(5);
  for (std::uint64_t n : {1ULL, 2ULL, 3ULL, 1000ULL, (1ULL << 63) + 1}) {
    for (int i = 0; i < 1'000; ++i) EXPECT_LT(rng.below(n), n);
  }
  // Recorded seeds keep drawing the same ranges.
  std::vector<KeyRange> all(100);
  for (std::size_t i = 0; i < all.size(); ++i) all[i].index = i;
  const std::vector<std::size_t> want42 = {1, 9, 14, 55, 65, 66, 70, 78, 91, 99};
  const std::vector<std::size_t> want7 = {4, 5, 14, 17, 24, 42, 46, 62, 64, 97};
  std::vector<std::size_t> got42, got7;
  for (auto& r : sample_ranges(all, 0.1, 42)) got42.push_back(r.index);
  for (auto& r : sample_ranges(all, 0.1, 7)) got7.push_back(r.index);
  EXPECT_EQ(got42, want42);
  EXPECT_EQ(got7, want7);
}
