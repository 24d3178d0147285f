#pragma once
// Private to the engine: the incremental comparison of one table (docs/incremental.md). The run's
// table step (table_run.cpp) calls it instead of comparing every range when the run is
// incremental and the table has a watermark.

#include <string>
#include <vector>

#include "recon/plan/planner.hpp"
#include "table_run.hpp"

namespace recon {

/// Compares `keys` (canonical key encodings, sorted, distinct) fully: fetched by key from both
/// sides, chunk by chunk, through the table's triage (p.triage). Returns the raw counts; an
/// interruption marks the result partial. Used for the changed rows of incremental runs and for
/// `recon check --keys`.
RangeCounts compare_by_key(const TableRunEnv& env, const TableContext& ctx, const std::vector<std::string>& keys,
                           PendingTable& p);

/// `keys` (canonical key encodings) in key order, each once: what compare_by_key takes.
std::vector<std::string> sorted_distinct_keys(std::vector<std::string> keys);

/// The table's identity for its watermark: the report name and both sides' endpoints and tables,
/// so a job pointed elsewhere starts afresh instead of trusting another pair's watermark.
std::string incremental_identity(const TableContext& ctx);

/// Compares the table incrementally from `state` (its watermark), on the pool's workers, through
/// the table's triage (p.triage), filling p.counts and p.result.incremental:
///  1. rows whose updated_at on either side is at or after watermark - lag (or NULL), plus the
///     open divergences of the run that set the watermark, compared fully by key;
///  2. with [check.incremental].keyset, the keys of the whole table on both sides (keys only),
///     whose keys present on one side only are compared fully too;
///  3. with a scrub cycle, the state's next slice of the key space compared fully, range by range.
/// `plan` is the table's full plan (the scrub's ranges and the key-set pass's). Failed ranges or
/// key fetches make the result partial (the watermark then stays where it was).
void compare_incremental(const TableRunEnv& env, const TableContext& ctx, const std::vector<KeyRange>& plan,
                         const IncrementalState& state, PendingTable& p);

/// The state a full comparison of the table leaves for the next incremental run: watermark = this
/// run's start, and a scrub cycle that starts afresh (its slices cut from `plan`).
IncrementalState next_incremental_state(const TableRunEnv& env, const TableContext& ctx,
                                        const std::vector<KeyRange>& plan);

}  // namespace recon
