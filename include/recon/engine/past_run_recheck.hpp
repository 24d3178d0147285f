#pragma once
/// `recon recheck`: a past run's open divergences, read from its audit DB, fetched again from both
/// sides; each outcome is recorded against the divergence it decides.

#include <string>
#include <vector>

#include "recon/audit/audit_db.hpp"
#include "recon/config/job.hpp"
#include "recon/engine/recheck.hpp"
#include "recon/engine/triage.hpp"

namespace recon {

/// The divergence as recon last saw it: the run's record, or — once a recheck looked at it — that
/// look's values, with the category they make (a side gone: missing; both there: changed, the
/// differing columns recomputed) and the latest finding. What a recheck compares against, what a
/// refreshed fix-up and `recon apply` build statements (and their guards) from.
Divergence latest_divergence(const StoredDivergence& stored);

/// What the recheck of one table found.
struct TableRecheck {
  std::string table;
  std::size_t rechecked = 0;  ///< divergences looked at
  FindingTally tally;         ///< their statuses and findings now
  FindingTally before;        ///< the same divergences as recorded before this recheck
  std::string error;          ///< password-free, when fetching stopped early
  int looks = 0;
  std::int64_t still_open() const { return tally.missing_in_target + tally.missing_in_source + tally.changed; }
};

struct PastRunRecheck {
  std::string recheck_id;             ///< like a run id; names the `rechecks` rows written
  std::vector<TableRecheck> tables;   ///< tables with something open, in job order; empty: nothing open
  bool failed() const;                ///< a table's fetches stopped early
  bool still_open() const;            ///< a divergence is still open
};

/// Told about each table once its outcomes are recorded, while the table's context (columns,
/// dialect, rules) is still alive: what refreshes the run's outputs hooks in here.
class RecheckObserver {
 public:
  virtual ~RecheckObserver() = default;
  /// `pool` is the recheck's, connected to both sides (e.g. to read sensitive values back).
  virtual void table_rechecked(const TableContext& ctx, ConnectionPool& pool, const TableRecheck& table) = 0;
};

/// Rechecks the divergences `run` left open (open, in flight, suspended) in the tables of `job`
/// (the run's job, possibly restricted to some tables), `settings.attempts` looks each, and records
/// every outcome in `audit` (AuditDb::record_recheck). Only tables with something open are
/// connected to and described. Throws InputError / ConnectorError as prepare_job does; connection
/// trouble while fetching is reported in TableRecheck::error, with the looks done recorded.
/// `observer` (optional) is called per table after its outcomes are recorded.
PastRunRecheck recheck_past_run(const RunOptions& job, AuditDb& audit, const StoredRun& run,
                                const RecheckSettings& settings, RecheckObserver* observer = nullptr);

}  // namespace recon
