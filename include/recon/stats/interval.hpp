#pragma once
/// The consistency index of a sampled run as an estimate with an interval (docs/sampling.md).
///
/// The design is the one recon/plan/clusters.hpp draws: a simple random sample of m clusters,
/// without replacement, out of a partition of the table into M clusters. A cluster contributes
/// its rows (the index denominator: compared rows, in-flight and suspended ones left out) and its
/// divergent rows (those counted against the index). The divergent share p = D / N is estimated by
/// the ratio p̂ = Σd_i / Σn_i; the index is 1 − p.
///
/// Contract:
///  - lower <= estimate <= upper, all in [0, 1]; the interval has the stated confidence over the
///    random choice of clusters (tests/plan/coverage_test.cpp measures it).
///  - Every cluster read (m == M): the index is known exactly, lower == estimate == upper.
///  - The lower bound is never higher than the one a sample of the same clusters that saw no
///    divergence would state, so finding a divergence can never raise it. An SLO is decided on it.
///  - Pure functions: no I/O, no state, the same inputs give the same numbers.

#include <cstdint>
#include <span>
#include <string>

namespace recon::stats {

inline constexpr double kDefaultConfidence = 0.95;

/// One cluster read.
struct ClusterTally {
  std::int64_t rows = 0;       ///< rows in the index denominator
  std::int64_t divergent = 0;  ///< rows counted against the index (<= rows)
};

/// The index of a sampled table or run as an estimate with its interval.
struct IndexEstimate {
  double estimate = 1.0;
  double lower = 1.0;
  double upper = 1.0;
  double confidence = kDefaultConfidence;
  /// "census" (every cluster read: no sampling error), "ratio" (divergences seen: ratio estimator,
  /// Korn–Graubard interval), "none_seen" (no divergence seen: exact bound on the share of
  /// clusters that hold one), "no_rows" (clusters read but no row in them: nothing is known),
  /// "stratified" (several tables, at least one sampled).
  std::string method;
  /// The upper limit of the divergent share was raised to the none-seen bound: the rows read do
  /// not rule out a clump of divergences in the clusters not read (docs/sampling.md).
  bool clump_floor = false;
  /// The sample's worth in independent observations: Korn–Graubard's effective sample size
  /// (rows) when divergences were seen, the clusters read when none was, the rows for a census.
  double effective_rows = 0;
  std::int64_t clusters_read = 0;
  std::int64_t clusters_total = 0;
  std::int64_t rows_read = 0;
  std::int64_t divergent_rows = 0;
};

/// What one table's sample says before any interval: its sums and the estimated variance of p̂.
struct TableSample {
  std::int64_t clusters_total = 0;  ///< M
  std::int64_t clusters_read = 0;   ///< m
  std::int64_t rows_read = 0;       ///< Σn_i
  std::int64_t divergent_rows = 0;  ///< Σd_i
  double share = 0;                 ///< p̂ = Σd_i / Σn_i (0 with no rows)
  /// V̂(p̂) = (1 − m/M) / (m·n̄²) · Σ(d_i − p̂·n_i)² / (m − 1), n̄ = Σn_i / m (linearised variance
  /// of a ratio under simple random sampling of clusters). With one cluster read it cannot be
  /// estimated, and the cluster counts as one observation: (1 − m/M)·p̂(1 − p̂).
  double variance = 0;
};

/// Sums and variance of `clusters` (the clusters read) out of a partition of `clusters_total`.
/// Precondition: clusters.size() <= clusters_total.
TableSample summarise(std::span<const ClusterTally> clusters, std::int64_t clusters_total);

/// The index of one sampled table: summarise, then combine_tables with the table alone.
IndexEstimate index_interval(std::span<const ClusterTally> clusters, std::int64_t clusters_total,
                             double confidence = kDefaultConfidence);

/// One table of a run: its sample and its weight, the rows it holds (the estimate the plan used).
struct Stratum {
  double population_rows = 0;
  TableSample sample;
};

/// The run's index over several tables, each sampled on its own (a stratified sample): the
/// tables' divergent shares weighted by W_h = N_h / ΣN, variance Σ W_h²·V_h, one Korn–Graubard
/// interval for the sampled tables, the census tables added exactly (docs/sampling.md). With all
/// weights 0 the tables are weighted by the rows read.
IndexEstimate combine_tables(std::span<const Stratum> tables, double confidence = kDefaultConfidence);

/// Upper bound, at `confidence` (one-sided), on the share of a partition's clusters that hold a
/// divergence when none was seen in `clusters_read` clusters drawn without replacement out of
/// `clusters_total`: the largest K/M with C(M − K, m) / C(M, m) >= 1 − confidence. About
/// 3/m at 95 % (the rule of three) when m is small next to M; 0 when m == M.
double none_seen_bound(std::int64_t clusters_read, std::int64_t clusters_total, double confidence = kDefaultConfidence);

/// The fewest clusters that, read with no divergence found, show the index is at least `slo`
/// at `confidence`: the smallest m with none_seen_bound(m, M) <= 1 − slo. At most M.
std::int64_t clusters_to_show(double slo, std::int64_t clusters_total, double confidence = kDefaultConfidence);

/// The Clopper–Pearson interval for x successes out of n trials, as Korn–Graubard uses it with
/// real x and n: [B⁻¹(α/2; x, n − x + 1), B⁻¹(1 − α/2; x + 1, n − x)], α = 1 − confidence,
/// 0 below when x == 0 and 1 above when x == n. Precondition: 0 <= x <= n, n > 0.
struct ShareInterval {
  double lower = 0;
  double upper = 1;
};
ShareInterval clopper_pearson(double x, double n, double confidence = kDefaultConfidence);

}  // namespace recon::stats
