#pragma once
// Private to the engine: one table of a `check` run, from planning to its decided result. The run
// (run.cpp) calls compare_table for every table in job order, then finish_table for each.

#include <cstdint>
#include <future>
#include <memory>
#include <vector>

#include "recon/audit/audit_db.hpp"
#include "recon/engine/recheck.hpp"
#include "recon/engine/triage.hpp"
#include "recon/engine/workers.hpp"
#include "recon/model/result.hpp"
#include "recon/report/progress.hpp"

namespace recon {

/// What every table of a run shares.
struct TableRunEnv {
  const RunOptions& opts;
  ConnectionPool& pool;
  std::vector<ResultSink*> sinks;    ///< audit trail, fix-up SQL
  ProgressLine& progress;
  std::uint64_t seed = 0;            ///< the run's; each table's sample is drawn from it
  std::future<void>* pool_opening = nullptr;  ///< the workers' logins: waited for before ranges
  /// --resume: the audit DB holding the run's recorded plan and compared ranges (null: a new run).
  AuditDb* resume_from = nullptr;
  std::string run_id;
  AuditDb* audit = nullptr;          ///< the run's audit trail (incremental state, carried keys)
  double run_started_epoch = 0;      ///< an incremental run's new watermark
  /// --keys: the keys to compare (canonical, sorted, distinct); null: the table's ranges.
  const std::vector<std::string>* listed_keys = nullptr;
};

/// A table whose main pass is done and whose held divergences are being rechecked in the
/// background, so one table's recheck delays overlap the next tables' main passes.
struct PendingTable {
  const TableContext* ctx = nullptr;
  TableResult result;
  std::unique_ptr<Triage> triage;  ///< null when the table failed before comparing
  RangeCounts counts;
  std::future<RecheckReport> recheck;
  double started = 0;
};

/// --keys: the key file's keys for `ctx`, canonical, sorted and distinct. InputError naming the file
/// and line of a key that does not fit the table's key columns.
std::vector<std::string> listed_keys(const RunOptions& opts, const TableContext& ctx);

/// Plans the table (retrying a lost connection) — or, on --resume, takes the plan the run recorded
/// and what its compared ranges found — compares its ranges on the pool's workers, and starts the
/// recheck of what its rules held. A stop request leaves the rest uncompared. Never throws: a
/// failure marks the result partial with the error, password-free.
PendingTable compare_table(const TableRunEnv& env, const TableContext& ctx);

/// Waits for the table's recheck, hands every divergence, decided, to the sinks, tallies the
/// counts and ends the table in every sink. Never throws (failures mark the result partial).
TableResult finish_table(const TableRunEnv& env, PendingTable& pending);

}  // namespace recon
