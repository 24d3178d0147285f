#pragma once
/// The defaults that several modules need to agree on, stated once. docs/job-file.md and
/// docs/cli.md quote them; a change here is a change of meaning (say it in CHANGELOG.md).

#include <cstddef>
#include <cstdint>

namespace recon {

/// Target rows per key range ([check].chunk_rows, --chunk-rows).
inline constexpr std::int64_t kDefaultChunkRows = 50'000;
/// The consistency index a table must reach ([check].slo): the platform's SLO of 99.99 %.
inline constexpr double kDefaultSlo = 0.9999;
/// Sample mode: target rows per cluster ([check].sample_cluster_rows; docs/sampling.md).
inline constexpr std::int64_t kDefaultSampleClusterRows = 64;
/// Sample mode: clusters read with one statement per side, at most. A statement's fixed cost
/// (parse, plan, start of a COPY: ~0.3 ms on PostgreSQL) is several times the cost of a cluster's
/// rows; 32 clusters of 64 rows make a read of ~2,000 rows, where that cost no longer counts.
inline constexpr std::size_t kMaxClustersPerRead = 32;
/// Incremental mode, key-set pass by digest: keys per bucket, about. Each bucket costs the server
/// one index descent; the keys of a bucket whose digests differ are read. 128 keeps the descents
/// cheap against the index entries scanned and the keys read per difference small.
inline constexpr std::int64_t kKeysPerDigestBucket = 128;
/// Keys shown per table and finding category in the terminal, summary.json and report.html: enough
/// to start an investigation, few enough to read (and to mask, for sensitive keys).
inline constexpr std::size_t kFirstKeysShown = 5;
/// Parallel workers, each with its own source and target connection ([check].threads).
inline constexpr int kDefaultThreads = 4;
/// Severity P1 (critical) … P4 (informational), the platform runbook's scale: what a divergence
/// gets when no rule file is configured, or when rules are configured but none matched.
inline constexpr int kDefaultSeverity = 2;

}  // namespace recon
