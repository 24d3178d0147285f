#pragma once
/// `recon recheck` refreshes the run it rechecked: its summary.json, metrics.prom and the fix-up
/// files of the tables it rechecked say what is true now, so a converged row stops keeping a
/// dashboard red and the fix-up no longer lists it.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "recon/audit/audit_db.hpp"
#include "recon/engine/past_run_recheck.hpp"
#include "recon/report/output_lock.hpp"

namespace recon {

/// What refresh wrote, and what it left alone and why.
struct RefreshedOutputs {
  std::vector<std::string> written;  ///< paths, in the order written
  std::vector<std::string> notes;    ///< e.g. "metrics file left alone: run … is newer"
};

/// Moves the counts of `table` from what the rechecked divergences were (`before`) to what they
/// are (`after`): missing_in_*, changed, tolerated, in_flight, converged, suspended, escalated,
/// matched (gains rows that became tolerated or converged), category counts and
/// columns_changed. rows_compared and the invariant rows_compared = matched + missing_* +
/// changed + in_flight + suspended are kept. Categories left with no rows are dropped.
void apply_recheck(TableResult& table, const FindingTally& before, const FindingTally& after);

/// The RecheckObserver that refreshes the run's outputs.
///
/// Contract:
///  - Reads <run out_dir>/summary.json when constructed and holds the folder's output lock from
///    then on (InputError when a run is writing there); when summary.json is missing or
///    unreadable, or is another run's (an output folder written again), nothing is refreshed and a
///    note says so (the audit DB still has every outcome).
///  - Per rechecked table: apply_recheck on its counts; first_keys rebuilt from the run's
///    recorded divergences still open or tolerated; the fix-up file rewritten from those
///    divergences (same path, same contract as the run's) and its new SHA-256 recorded in the
///    audit, so `recon apply` accepts it. A table the recheck stopped on before any look keeps its
///    outputs.
///  - finish(): the run's status recomputed from its tables (consistent/divergent; error and
///    interrupted stay), the recheck appended to RunResult::rechecks, summary.json and
///    metrics.prom rewritten atomically; the job's stable metrics file and EMF log only when the
///    run is the newest finished run in the audit (an older run must not overwrite what a newer
///    one reported).
///  - A sampled table's interval is not re-estimated (its counts are; the note says so).
class RunOutputsRefresh : public RecheckObserver {
 public:
  RunOutputsRefresh(const RunOptions& opts, AuditDb& audit, const StoredRun& run, std::string audit_path);
  void table_rechecked(const TableContext& ctx, ConnectionPool& pool, const TableRecheck& table) override;
  RefreshedOutputs finish(const PastRunRecheck& recheck);

 private:
  void rewrite_fixup(const TableContext& ctx, ConnectionPool& pool, TableResult& table);
  const RunOptions& opts_;
  AuditDb& audit_;
  StoredRun run_;
  std::optional<RunResult> result_;
  std::unique_ptr<OutputLock> lock_;
  RefreshedOutputs out_;
};

}  // namespace recon
