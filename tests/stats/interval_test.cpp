#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "recon/stats/interval.hpp"

using namespace recon::stats;

// Reference values: exact arithmetic for the sums and the variance; the beta and t quantiles were
// computed independently with mpmath at 30 digits (bisection on the regularised incomplete beta),
// the hypergeometric bounds with exact binomial coefficients.

namespace {

/// 1 000 clusters of 100 rows, the first 10 wholly divergent; partition of 10 000 clusters.
std::vector<ClusterTally> ten_bad_of_thousand() {
  std::vector<ClusterTally> c(1'000, ClusterTally{100, 0});
  for (int i = 0; i < 10; ++i) c[i].divergent = 100;
  return c;
}

/// 40 clusters of 50–109 rows, 9 divergent rows in 4 of them; partition of 400.
std::vector<ClusterTally> uneven_forty() {
  std::vector<ClusterTally> c;
  for (int i = 0; i < 40; ++i) c.push_back(ClusterTally{50 + (i * 37) % 60, 0});
  c[3].divergent = 2;
  c[11].divergent = 1;
  c[20].divergent = 5;
  c[33].divergent = 1;
  return c;
}

}  // namespace

TEST(Interval, ClopperPearsonMatchesTheExactBinomialInterval) {
  auto a = clopper_pearson(0, 10);
  EXPECT_EQ(a.lower, 0.0);
  EXPECT_NEAR(a.upper, 0.308497107818761, 1e-12);
  auto b = clopper_pearson(1, 10);
  EXPECT_NEAR(b.lower, 0.00252857854446179, 1e-12);
  EXPECT_NEAR(b.upper, 0.445016117028195, 1e-12);
  auto c = clopper_pearson(5, 10);
  EXPECT_NEAR(c.lower, 0.187086028447399, 1e-12);
  EXPECT_NEAR(c.upper, 0.812913971552601, 1e-12);
  EXPECT_EQ(clopper_pearson(10, 10).upper, 1.0);
}

TEST(Interval, SummaryIsTheRatioAndItsLinearisedVariance) {
  const auto c = ten_bad_of_thousand();
  TableSample t = summarise(c, 10'000);
  EXPECT_EQ(t.rows_read, 100'000);
  EXPECT_EQ(t.divergent_rows, 1'000);
  EXPECT_DOUBLE_EQ(t.share, 0.01);
  // Σ(d − p̂n)² = 10·99² + 990·1² = 99 000; V = (1 − 0.1)/(1000·100²) · 99 000/999.
  EXPECT_NEAR(t.variance, 0.9 / 1e7 * 99'000.0 / 999.0, 1e-15);
  EXPECT_NEAR(t.variance, 8.91891891891892e-6, 1e-17);
}

TEST(Interval, DivergencesSeenGiveTheKornGraubardInterval) {
  const auto c = ten_bad_of_thousand();
  IndexEstimate e = index_interval(c, 10'000);
  // n* = p̂(1 − p̂)/V = 1110; × (t_{99999}/t_{999})² = 1107.3388; Clopper–Pearson for
  // x* = 11.073388 of n* = 1107.3388: share [0.0050157783, 0.0177891763].
  EXPECT_EQ(e.method, "ratio");
  EXPECT_FALSE(e.clump_floor);
  EXPECT_NEAR(e.effective_rows, 1107.33879206387, 1e-6);
  EXPECT_DOUBLE_EQ(e.estimate, 0.99);
  EXPECT_NEAR(e.lower, 0.982210823682014, 1e-9);
  EXPECT_NEAR(e.upper, 0.994984221721811, 1e-9);
  EXPECT_EQ(e.clusters_read, 1'000);
  EXPECT_EQ(e.clusters_total, 10'000);
  EXPECT_EQ(e.rows_read, 100'000);
  EXPECT_EQ(e.divergent_rows, 1'000);
}

TEST(Interval, FewClustersReadRaiseTheUpperLimitToTheNoneSeenBound) {
  const auto c = uneven_forty();
  TableSample t = summarise(c, 400);
  EXPECT_EQ(t.rows_read, 3'140);
  EXPECT_EQ(t.divergent_rows, 9);
  EXPECT_NEAR(t.variance, 2.71500143961191e-6, 1e-17);
  IndexEstimate e = index_interval(c, 400);
  // Korn–Graubard alone: share [0.000555277, 0.00858709] (n* 1052.68, 989.164 after the df
  // adjustment). 40 of 400 clusters read with none divergent would bound the share at 27/400:
  // that is the upper limit, so the lower bound of the index is 1 − 0.0675.
  EXPECT_EQ(e.method, "ratio");
  EXPECT_TRUE(e.clump_floor);
  EXPECT_NEAR(e.effective_rows, 989.164063330334, 1e-6);
  EXPECT_NEAR(e.estimate, 1 - 9.0 / 3'140, 1e-15);
  EXPECT_NEAR(e.upper, 1 - 0.000555277280434131, 1e-9);
  EXPECT_NEAR(e.lower, 1 - 0.0675, 1e-12);
}

TEST(Interval, NoneSeenBoundIsTheExactHypergeometricOne) {
  // C(10 − K, 5)/C(10, 5): K = 3 → 21/252 = 0.083 ≥ 0.05, K = 4 → 6/252 = 0.024 < 0.05.
  EXPECT_DOUBLE_EQ(none_seen_bound(5, 10), 0.3);
  EXPECT_DOUBLE_EQ(none_seen_bound(40, 400), 27.0 / 400);
  EXPECT_DOUBLE_EQ(none_seen_bound(1'000, 10'000), 28.0 / 10'000);
  EXPECT_DOUBLE_EQ(none_seen_bound(200, 1'000'000), 0.014865);
  // Few clusters out of many: the binomial 1 − 0.05^(1/m), about 3/m.
  EXPECT_NEAR(none_seen_bound(200, 1'000'000'000), 1 - std::pow(0.05, 1.0 / 200), 1e-6);
  EXPECT_EQ(none_seen_bound(10, 10), 0.0);
  EXPECT_EQ(none_seen_bound(0, 10), 1.0);
}

TEST(Interval, NoneSeenStatesTheBoundOnClusters) {
  std::vector<ClusterTally> c(200, ClusterTally{64, 0});
  IndexEstimate e = index_interval(c, 1'000'000);
  EXPECT_EQ(e.method, "none_seen");
  EXPECT_EQ(e.estimate, 1.0);
  EXPECT_EQ(e.upper, 1.0);
  EXPECT_DOUBLE_EQ(e.lower, 1 - 0.014865);
  EXPECT_EQ(e.effective_rows, 200);
}

TEST(Interval, FindingADivergenceNeverRaisesTheLowerBound) {
  for (std::int64_t m : {2, 30, 200, 5'000}) {
    std::vector<ClusterTally> c(static_cast<std::size_t>(m), ClusterTally{64, 0});
    const double none = index_interval(c, 1'000'000).lower;
    c[0].divergent = 1;
    IndexEstimate one = index_interval(c, 1'000'000);
    EXPECT_LE(one.lower, none) << m << " clusters";
    EXPECT_LE(one.lower, one.estimate);
    EXPECT_LE(one.estimate, one.upper);
  }
}

TEST(Interval, OneClusterTallysAsOneObservation) {
  std::vector<ClusterTally> c = {{100, 3}};
  TableSample t = summarise(c, 50);
  EXPECT_NEAR(t.variance, (1 - 1.0 / 50) * 0.03 * 0.97, 1e-15);
  IndexEstimate e = index_interval(c, 50);
  EXPECT_EQ(e.method, "ratio");
  EXPECT_LT(e.lower, 0.5);  // one cluster says little about 49 others
}

TEST(Interval, EveryClusterReadIsACensus) {
  std::vector<ClusterTally> c = {{10, 1}, {20, 0}, {30, 2}};
  IndexEstimate e = index_interval(c, 3);
  EXPECT_EQ(e.method, "census");
  EXPECT_DOUBLE_EQ(e.estimate, 1 - 3.0 / 60);
  EXPECT_EQ(e.lower, e.estimate);
  EXPECT_EQ(e.upper, e.estimate);
  // An empty table read whole: index 1, as consistency_index() says.
  std::vector<ClusterTally> empty = {{0, 0}};
  EXPECT_EQ(index_interval(empty, 1).estimate, 1.0);
}

TEST(Interval, NoRowsReadSaysNothing) {
  std::vector<ClusterTally> c(5, ClusterTally{0, 0});
  IndexEstimate e = index_interval(c, 100);
  EXPECT_EQ(e.method, "no_rows");
  EXPECT_EQ(e.lower, 0.0);
  EXPECT_EQ(e.upper, 1.0);
}

TEST(Interval, TablesCombineByTheirRows) {
  // A census table of 1 000 rows (1 % divergent) and the 10-of-1000 sample (3 000 rows).
  std::vector<ClusterTally> census = {{500, 5}, {500, 5}};
  const auto sampled = ten_bad_of_thousand();
  const IndexEstimate alone = index_interval(sampled, 10'000);
  const std::vector<Stratum> run = {{1'000, summarise(census, 2)}, {3'000, summarise(sampled, 10'000)}};
  IndexEstimate e = combine_tables(run);
  EXPECT_EQ(e.method, "stratified");
  EXPECT_NEAR(e.estimate, 1 - (0.25 * 0.01 + 0.75 * 0.01), 1e-15);
  // The census share is exact; the sampled table's interval is scaled by its weight.
  EXPECT_NEAR(e.lower, 1 - (0.25 * 0.01 + 0.75 * (1 - alone.lower)), 1e-12);
  EXPECT_NEAR(e.upper, 1 - (0.25 * 0.01 + 0.75 * (1 - alone.upper)), 1e-12);
  EXPECT_EQ(e.rows_read, 101'000);
  EXPECT_EQ(e.clusters_read, 1'002);
}

TEST(Interval, TablesWithNoneSeenCombineTheirBounds) {
  std::vector<ClusterTally> a(100, ClusterTally{64, 0}), b(400, ClusterTally{64, 0});
  const std::vector<Stratum> run = {{5e7, summarise(a, 1'000'000)}, {5e7, summarise(b, 1'000'000)}};
  IndexEstimate e = combine_tables(run);
  EXPECT_EQ(e.estimate, 1.0);
  EXPECT_NEAR(e.lower, 1 - 0.5 * none_seen_bound(100, 1'000'000) - 0.5 * none_seen_bound(400, 1'000'000), 1e-15);
  EXPECT_EQ(e.effective_rows, 500);
  // Every table a census: the run's index is exact.
  std::vector<ClusterTally> whole = {{10, 1}};
  const std::vector<Stratum> all = {{10, summarise(whole, 1)}, {30, summarise(whole, 1)}};
  IndexEstimate c = combine_tables(all);
  EXPECT_EQ(c.method, "census");
  EXPECT_DOUBLE_EQ(c.lower, 0.9);
  EXPECT_DOUBLE_EQ(c.upper, 0.9);
}

TEST(Interval, ClustersToShowAnSlo) {
  // ln 0.05 / ln(1 − 10⁻⁴) = 29 955.8: about 30 000 clusters, whatever their size.
  const std::int64_t big = clusters_to_show(0.9999, 1'000'000'000);
  EXPECT_NEAR(static_cast<double>(big), 29'956, 3);
  EXPECT_GE(1 - none_seen_bound(big, 1'000'000'000), 0.9999);
  EXPECT_LT(1 - none_seen_bound(big - 1, 1'000'000'000), 0.9999);
  // A smaller partition needs fewer: without replacement, each cluster read rules out more.
  EXPECT_LT(clusters_to_show(0.9999, 100'000), big);
  // An index of exactly 1: no cluster of the partition may be bad. Missing the one bad cluster of
  // 10 with 9 read has a chance of 1/10, so all 10 must be read; of 1 000, reading 950 leaves a
  // chance of 50/1 000 = 5 %, the edge (the floating-point log decides it either way).
  EXPECT_EQ(clusters_to_show(1.0, 10), 10);
  EXPECT_NEAR(static_cast<double>(clusters_to_show(1.0, 1'000)), 950, 1);
}
