#pragma once
// Private to the engine: a table's plan, from both sides' key samples — every range (full and
// incremental runs) or a random sample of small clusters (sample runs, docs/sampling.md).

#include <cstdint>
#include <string>
#include <vector>

#include "recon/plan/planner.hpp"
#include "table_run.hpp"

namespace recon {

/// The whole plan of the table: ranges of about chunk_rows rows covering every key of either side.
/// A lost connection is retried; notes the connectors made while planning go to `tr`.
/// An aggregate: one range open at both ends (its query is run once).
std::vector<KeyRange> full_plan(const TableRunEnv& env, const TableContext& ctx, TableResult& tr);

/// Sample runs: the clusters drawn for the table from the run's seed (sample_rate of a partition
/// into clusters of about sample_cluster_rows rows), in key order; tr.clusters says how the
/// partition was made and how many clusters it has.
std::vector<KeyRange> sampled_clusters(const TableRunEnv& env, const TableContext& ctx, TableResult& tr);

/// The table's own seed, from the run's: tables are drawn independently and reproducibly.
std::uint64_t table_seed(std::uint64_t run_seed, const std::string& table_name);

/// As the audit records a plan.
std::vector<RangeRecord> range_records(std::vector<KeyRange> ranges);

}  // namespace recon
