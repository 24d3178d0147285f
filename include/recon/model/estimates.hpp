#pragma once
/// What a sampled or an incremental run states beyond the counts: the interval of a sampled index
/// (docs/sampling.md) and which parts of an incremental run ran (docs/incremental.md).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace recon {

/// The consistency index of a sampled table (or run) as an estimate with its interval, for the
/// design actually used: a simple random sample of clusters (small key ranges) without
/// replacement. lower <= estimate <= upper, all in [0, 1].
struct IndexInterval {
  double estimate = 1.0;
  double lower = 1.0;
  double upper = 1.0;
  double confidence = 0.95;
  /// How the interval was computed: "ratio" (divergences seen: ratio estimator with the
  /// between-cluster variance), "none_seen" (no divergence seen: exact bound on the clusters read),
  /// "census" (every cluster read: no sampling error), "stratified" (a run over several tables).
  std::string method;
  double effective_rows = 0;         ///< the sample's worth in independent rows (design effect)
  std::int64_t clusters_read = 0;    ///< clusters compared (those of the table's plan that were read)
  std::int64_t clusters_total = 0;   ///< clusters in the table's partition
  std::int64_t rows_read = 0;        ///< rows in the index denominator of the clusters read
};

/// How a sampled table's clusters were planned (kept with the plan so a resumed run estimates
/// with the same partition).
struct ClusterPlanInfo {
  std::int64_t clusters_total = 0;
  std::string method;          ///< "integer_interpolation" | "key_sample"
  double mean_cluster_rows = 0;
};

/// The per-table state an incremental run carries to the next one (audit table `watermarks`).
struct IncrementalState {
  std::string identity;        ///< the table as the job names both sides (name, endpoints, tables)
  double watermark_epoch = 0;  ///< rows updated before this (less the lag) were compared by run_id
  std::string run_id;          ///< the run that set the watermark (its open divergences are carried)
  int scrub_cycle = 0;
  int scrub_next = 0;          ///< the slice the next run scrubs, 0 … scrub_cycle-1
  std::vector<std::string> scrub_bounds;  ///< scrub_cycle-1 canonical keys cutting the key space
};

/// Which parts of an incremental run ran for a table, and the rows each read (summary.json
/// "incremental").
struct IncrementalParts {
  /// No watermark yet (the table's first incremental run) or no updated_at: compared fully.
  bool full = false;
  std::string full_reason;             ///< why, when full
  std::string watermark, since;        ///< ISO-8601 UTC: the watermark used and watermark - lag
  std::int64_t changed_rows_source = 0, changed_rows_target = 0;  ///< keys with updated_at >= since
  std::int64_t carried_keys = 0;       ///< open divergences of the watermark's run, compared again
  std::int64_t keys_compared = 0;      ///< distinct keys compared fully outside the scrub slice
  bool keyset = false;                 ///< the key-set pass ran
  std::int64_t keyset_rows_source = 0, keyset_rows_target = 0;  ///< keys of each side it covered
  /// "keys": every key read; "digest": both servers' per-bucket counts and key digests compared,
  /// keys read only in buckets that differ and in ranges open at one end.
  std::string keyset_method;
  std::int64_t keyset_buckets = 0, keyset_buckets_differing = 0;  ///< digest method
  std::int64_t keyset_keys_read_source = 0, keyset_keys_read_target = 0;  ///< keys that crossed the network
  int scrub_slice = -1, scrub_cycle = 0;  ///< -1: no scrub
  std::int64_t scrub_rows_source = 0, scrub_rows_target = 0;
  /// What a successful end of this run records for the next one (nullopt: nothing to record).
  std::optional<IncrementalState> next_state;
};

}  // namespace recon
