#pragma once
/// Cluster sampling for `--mode sample` (docs/sampling.md): the table's whole key space is cut into
/// M small half-open ranges — clusters — and a simple random sample of m of them, without
/// replacement, is read on both sides. Every cluster, and so every row of either side, has the
/// same known chance m/M to be read, which is what lets recon/stats/interval.hpp state the index
/// with an interval.
///
/// Contract:
///  - The partition covers the whole key space: cluster 0 is open below, cluster M-1 open above,
///    and cluster i's upper bound is cluster i+1's lower bound, so every row of either side falls
///    in exactly one cluster, whatever the key sample or the row estimate said.
///  - The partition depends only on (sample keys as a set, estimated_rows, cluster_rows); the
///    selection on that and (rate, seed). The same inputs give the same clusters on every platform.
///  - Only the selected clusters are built: M may be in the tens of millions.

#include <cstdint>
#include <string>
#include <vector>

#include "recon/core/defaults.hpp"  // kDefaultSampleClusterRows
#include "recon/plan/planner.hpp"

namespace recon {

/// The clusters a sampled run reads, and what the estimator needs to know about the partition.
struct ClusterSample {
  /// The m selected clusters in key order. index = the cluster's position in the full partition
  /// (0 … M-1, stable for a given plan); estimated_rows = its planned size.
  std::vector<KeyRange> selected;
  std::int64_t clusters_total = 0;  ///< M, the clusters in the partition
  /// How the partition was cut: "integer_interpolation" (one integer key column: each range of
  /// the key sample cut into equal-width integer sub-ranges) or "key_sample" (any other key: the
  /// ranges the key sample allows, so clusters are as small as the sample is dense).
  std::string method;
  double mean_cluster_rows = 0;  ///< estimated rows ÷ M
};

/// Partitions the key space into clusters of about `cluster_rows` rows from `sample_keys`
/// (canonical keys, any order, duplicates allowed: both sides' samples may simply be joined) and
/// a table of about `estimated_rows` rows, then draws m = max(1, round(rate·M)) of them (at most
/// M) with equal probability, reproducibly from `seed` (Knuth's selection sampling over a
/// splitmix64 stream). With no sample keys the partition is one open cluster.
ClusterSample sample_clusters(std::vector<std::string> sample_keys, std::int64_t estimated_rows,
                              std::int64_t cluster_rows, double rate, std::uint64_t seed);

}  // namespace recon
